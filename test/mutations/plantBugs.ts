// Plants each bug of planted-bugs.json in a copy of the tree, one at a time, runs the test files named to kill
// it, and reports which bugs survive. A guard whose bug survives is a guard no test would notice losing.
// Not listed, because no input can reveal it: removing the call of refuseCrossSplitLeakage from dataset/build.ts.
// That call checks a post-condition of splitting by leakage units (leakage.ts): every pair its second MinHash family
// finds, the units' first family has already joined, unless banding missed the pair (0.57^32, about 1.5e-8, for
// a pair at the 0.9 threshold). The check itself (leakage-guard-off) and the build's use of the units
// (build-splits-without-leakage-units, which the check then refuses) are planted bugs, and caught.
//   npm run test:planted                      every bug, after a baseline run of all their tests unplanted
//   npm run test:planted -- ID… [--no-baseline]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

interface PlantedBug {
  id: string;
  /** The guard the bug breaks, and what a user would get if it broke. */
  guard: string;
  file: string;
  /** Text that occurs exactly once in `file`, replaced by `replace`. */
  find: string;
  replace: string;
  /** Test files expected to fail with the bug in place. */
  tests: string[];
}

const root = path.resolve(import.meta.dirname, '..', '..');
const bugs = JSON.parse(readFileSync(path.join(import.meta.dirname, 'planted-bugs.json'), 'utf8')) as PlantedBug[];
const args = process.argv.slice(2);
const chosen = args.filter((a) => !a.startsWith('--'));
const unknown = chosen.filter((id) => !bugs.some((bug) => bug.id === id));
if (unknown.length) {
  console.error(`Unknown planted bug: ${unknown.join(', ')}. Known: ${bugs.map((bug) => bug.id).join(', ')}.`);
  process.exit(2);
}
const selected = chosen.length ? bugs.filter((bug) => chosen.includes(bug.id)) : bugs;

// A copy, so a run that is interrupted never leaves a bug in the working tree; node_modules is shared.
const copy = mkdtempSync(path.join(tmpdir(), 'hs-planted-'));
const skip = new Set(['node_modules', '.git', 'dist']);
cpSync(root, copy, { recursive: true, filter: (source) => !skip.has(path.relative(root, source).split(path.sep)[0]!) });
symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

function runTests(files: string[]): { passed: boolean; tail: string } {
  const { OLLAMA_HOST: _live, ...env } = process.env; // the test server, never a real Ollama
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: copy, encoding: 'utf8', timeout: 600_000, env });
  const summary = `${run.stdout}`.split('\n').filter((line) => /^# (pass|fail) /.test(line)).join(', ');
  return { passed: run.status === 0, tail: summary || `exit ${run.status ?? run.signal}` };
}

let failed = false;
try {
  if (!args.includes('--no-baseline')) {
    const files = [...new Set(selected.flatMap((bug) => bug.tests))];
    const baseline = runTests(files);
    console.log(`baseline (no bug planted): ${baseline.passed ? 'passes' : 'FAILS'} (${baseline.tail})`);
    if (!baseline.passed) throw new Error('The tests fail without any bug planted; fix them first.');
  }
  for (const bug of selected) {
    const file = path.join(copy, bug.file);
    const original = readFileSync(file, 'utf8');
    const count = original.split(bug.find).length - 1;
    if (count !== 1) {
      failed = true;
      console.log(`STALE     ${bug.id}: the text to replace occurs ${count} times in ${bug.file}; update planted-bugs.json`);
      continue;
    }
    writeFileSync(file, original.replace(bug.find, () => bug.replace));
    try {
      const result = runTests(bug.tests);
      if (result.passed) failed = true;
      console.log(`${result.passed ? 'SURVIVED' : 'caught  '}  ${bug.id} (${bug.tests.join(' ')}: ${result.tail})`);
    } finally {
      writeFileSync(file, original);
    }
  }
} catch (error) {
  failed = true;
  console.error((error as Error).message);
} finally {
  rmSync(copy, { recursive: true, force: true });
}
console.log(failed ? 'Some planted bugs were not caught (see above).' : `All ${selected.length} planted bugs were caught.`);
process.exit(failed ? 1 : 0);
