// Activation cost: loading the extension bundle (dist/extension.cjs, as `npm run build:production` or
// `npm run build` left it) and running activate(), each run in a fresh Node process, beside a baseline bundle
// that does nothing, measured the same way in the same run. Also prints the bundle's size and whether
// activation pulled in a heavy module (it must not: LanceDB and transformers.js load on first use).
// The `vscode` module is a no-op stand-in: test/support/vscodeStandIn.ts holds only value types (no window or
// commands namespaces), and loading TypeScript would put tsx's loader into the measured time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/cli';
import { percentile } from './measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUNDLE = path.join(REPO_ROOT, 'dist', 'extension.cjs');
const HEAVY = ['@lancedb/lancedb', 'apache-arrow', '@huggingface/transformers', 'onnxruntime-node', 'unpdf'];

/** Runs in the child: a `vscode` whose every member is a callable, constructible no-op, then times load + activate. */
const CHILD = `
const Module = require('node:module');
const stub = new Proxy(function () {}, {
  get: (_, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => 0 : key === Symbol.iterator ? [][Symbol.iterator] : stub),
  apply: () => stub,
  construct: () => stub,
});
// esbuild's interop copies a module's own keys, then falls back to its prototype: the catch-all lives there.
const api = Object.create(new Proxy({}, { get: (_, key) => (key === 'then' ? undefined : stub) }));
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? api : load.call(this, request, ...rest); };
const context = { subscriptions: [], extensionPath: process.env.ROOT, extensionUri: stub, globalState: stub, workspaceState: stub, secrets: stub, logUri: stub, globalStorageUri: stub, storageUri: stub };
const start = performance.now();
const extension = require(process.env.BUNDLE);
const loaded = performance.now();
extension.activate(context);
const activated = performance.now();
const heavy = JSON.parse(process.env.HEAVY).filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
console.log(JSON.stringify({ loadMs: loaded - start, activateMs: activated - loaded, heavy }));
`;

interface Sample {
  loadMs: number;
  activateMs: number;
  heavy: string[];
}

function measure(bundle: string): Sample[] {
  const samples: Sample[] = [];
  for (let run = 0; run < RUNS; run++) {
    const child = spawnSync(process.execPath, ['-e', CHILD], { env: { ...process.env, BUNDLE: bundle, ROOT: REPO_ROOT, HEAVY: JSON.stringify(HEAVY) }, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`activation failed:\n${child.stderr}`);
    samples.push(JSON.parse(child.stdout.trim()) as Sample);
  }
  return samples;
}

function summary(samples: Sample[]): string {
  const total = samples.map((s) => s.loadMs + s.activateMs).sort((a, b) => a - b);
  const load = samples.map((s) => s.loadMs).sort((a, b) => a - b);
  const activate = samples.map((s) => s.activateMs).sort((a, b) => a - b);
  return `load p50 ${percentile(load, 50).toFixed(1)} ms + activate() p50 ${percentile(activate, 50).toFixed(1)} ms = p50 ${percentile(total, 50).toFixed(1)} / p95 ${percentile(total, 95).toFixed(1)} ms`;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'housestyle-activation-'));
try {
  const baseline = path.join(scratch, 'baseline.cjs');
  writeFileSync(baseline, "const vscode = require('vscode');\nexports.activate = (context) => { context.subscriptions.push(vscode.commands.registerCommand('x', () => {})); };\n");
  const bundle = readFileSync(BUNDLE, 'utf8');
  const kind = bundle.includes('//# sourceMappingURL') ? 'development (npm run build)' : 'production (npm run build:production)';
  const samples = measure(BUNDLE);
  console.log(`extension bundle: ${(statSync(BUNDLE).size / 1024 / 1024).toFixed(2)} MB, ${kind}; ${RUNS} fresh processes each`);
  console.log(`  House Style: ${summary(samples)}`);
  console.log(`  baseline (an extension registering one command): ${summary(measure(baseline))}`);
  const heavy = [...new Set(samples.flatMap((s) => s.heavy))];
  console.log(`  heavy modules loaded by activation: ${heavy.length ? heavy.join(', ') : 'none'}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
