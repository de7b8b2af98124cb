import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Finding } from '../../src/core/review/finding';
import { ruleId, toSarif } from '../../src/core/review/sarif';
import { formatFindingLine } from '../../src/core/review/textReport';

const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const citation = { id: 'c1', kb: 'style', source: 'docs/style guide.md', startLine: 10, endLine: 14, heading: 'Naming > Variables' };
const findings: Finding[] = [
  { path: 'src/user service.ts', rule: 'Variables use camelCase', severity: 'warning', startLine: 3, endLine: 3, message: 'Rename user_name.', replacement: 'const userName = 1;', citations: [citation] },
  { path: 'src/db.ts', rule: 'Variables use camelCase', severity: 'hint', startLine: 7, endLine: 9, message: 'Also here.', citations: [citation, { ...citation, id: 'c2', source: 'CONTRIBUTING.md', heading: '' }] },
  { path: 'src/db.ts', rule: 'No SQL built from strings!', severity: 'error', startLine: 12, endLine: 12, message: 'Use parameters.', citations: [citation] },
];

test('SARIF output is valid SARIF 2.1.0 with rules, locations, citations as related locations, and fixes', () => {
  const log = toSarif(findings, { toolVersion: '0.1.0', workspace: '/work/my repo', properties: { model: 'qwen2.5-coder:7b' } });
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

  const run = log.runs[0]!;
  assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), ['housestyle/variables-use-camelcase', 'housestyle/no-sql-built-from-strings']);
  assert.deepEqual(run.results!.map((r) => [r.ruleIndex, r.level]), [[0, 'warning'], [0, 'note'], [1, 'error']]);
  const first = run.results![0]!;
  assert.equal(first.locations![0]!.physicalLocation!.artifactLocation!.uri, 'src/user%20service.ts');
  assert.deepEqual(first.relatedLocations![0]!.physicalLocation!.region, { startLine: 10, endLine: 14 });
  assert.equal(first.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent!.text, 'const userName = 1;');
  assert.equal(run.results![1]!.relatedLocations!.length, 2);
  assert.equal(run.originalUriBaseIds!['%SRCROOT%']!.uri, 'file:///work/my%20repo/');
});

test('an empty review is valid SARIF too', () => {
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  assert.ok(ajv.validate(schema, toSarif([], { toolVersion: '0.1.0' })), JSON.stringify(ajv.errors));
});

test('rule ids are stable slugs', () => {
  assert.equal(ruleId('  Prefer `const` over `let`!! '), 'housestyle/prefer-const-over-let');
  assert.equal(ruleId('日本語'), 'housestyle/rule');
});

test('text output reads like a compiler diagnostic with the cited source', () => {
  assert.equal(formatFindingLine(findings[1]!), 'src/db.ts:7:1: hint: Also here. [Variables use camelCase] (docs/style guide.md:10-14, CONTRIBUTING.md:10-14)');
});
