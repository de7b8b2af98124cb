import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

// The rules of the module graph, read by dependency-cruiser (type-only imports included: a type is a dependency of
// meaning too): no circles anywhere, arrows in src/core point down only (the layers of the README's Architecture
// section), and every package a file imports is declared in package.json.

const root = path.resolve(import.meta.dirname, '../..');

/** src/core's layers, top first: each may import the ones below it, never one above. The leaves are its top-level files. */
const LAYERS: [name: string, path: string][] = [
  ['service', '^src/core/service/'],
  ['advice', '^src/core/advice/'],
  ['eval', '^src/core/eval/'],
  ['forge', '^src/core/forge/'],
  ['chat', '^src/core/chat/'],
  ['session', '^src/core/session\\.ts$'],
  ['dataset', '^src/core/dataset/'],
  ['review', '^src/core/review/'],
  ['prompt', '^src/core/prompt/'],
  ['knowledge', '^src/core/knowledge/'],
  ['models', '^src/core/models/'],
  ['git', '^src/core/git/'],
];
const LEAVES = '^src/core/[^/]+\\.ts$';
const CANARY = 'canary-dataset-imports-review';

const rules: IForbiddenRuleType[] = [
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  { name: CANARY, severity: 'info', from: { path: '^src/core/dataset/' }, to: { path: ['^src/core/service/', '^src/core/review/'] } },
  // The top layer has none above it (and an empty list of paths would match every path).
  ...LAYERS.slice(1).map(([name, from], i): IForbiddenRuleType => ({
    name: `${name}-imports-a-layer-above`,
    severity: 'error',
    from: { path: from },
    to: { path: LAYERS.slice(0, i + 1).map(([, above]) => above) },
  })),
  { name: 'leaf-imports-a-layer', severity: 'error', from: { path: LEAVES, pathNot: LAYERS.map(([, layer]) => layer) }, to: { path: LAYERS.map(([, layer]) => layer) } },
  { name: 'undeclared-package', severity: 'error', from: {}, to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined'] } },
  // What the extension and the CLI run must be a dependency; `vscode` is the editor's own, described by @types/vscode.
  { name: 'dev-package-at-run-time', severity: 'error', from: { path: '^src/' }, to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '^node_modules/@types/vscode/' } },
];

let result: ICruiseResult;

before(async () => {
  const cruised = await cruise(
    ['src', 'test', 'media', 'scripts', 'esbuild.mjs'],
    { baseDir: root, tsPreCompilationDeps: true, doNotFollow: { path: '^node_modules' }, exclude: { path: '^test/fixtures/' }, ruleSet: { forbidden: rules }, validate: true },
    undefined,
    { tsConfig: { fileName: path.join(root, 'tsconfig.json') } },
  );
  result = cruised.output as ICruiseResult;
});

const violations = (rule: (name: string) => boolean) =>
  result.summary.violations.filter((v) => rule(v.rule.name)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((step) => step.name).join(' -> ')})` : ''}`);

test('the module graph has no circles', () => {
  assert.ok(result.summary.totalCruised > 300, 'the sources were read');
  assert.deepEqual(violations((name) => name === 'no-circular'), []);
});

test('in src/core arrows point down only', () => {
  assert.deepEqual(violations((name) => name.endsWith('-a-layer-above') || name === 'leaf-imports-a-layer'), []);
});

test('every folder of src/core has its place among the layers', async () => {
  const folders = (await readdir(path.join(root, 'src/core'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => `src/core/${e.name}/`);
  assert.deepEqual(
    folders.filter((folder) => !LAYERS.some(([, layer]) => new RegExp(layer).test(folder))),
    [],
    'add each new folder to LAYERS here and to the README Architecture section',
  );
});

test('every package imported is declared in package.json, and what runs is not a dev dependency', () => {
  assert.deepEqual(violations((name) => name === 'undeclared-package' || name === 'dev-package-at-run-time'), []);
});

test('the layer rules see an arrow, in the shape they are written in', () => {
  // A canary of the layer rules' own shape over arrows that exist (dataset builds review's windows): were imports
  // not resolved, or the rules' paths not matched, every layer check above would pass for nothing.
  assert.ok(violations((name) => name === CANARY).length > 0);
});
