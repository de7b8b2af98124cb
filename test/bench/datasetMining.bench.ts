// Mining throughput: generates a repository of 5,000 commits with `git fast-import` (pull-request branches
// merged with --no-ff, review follow-ups, rewrites inside branches), then times mineGitHistory over it and a
// plain `git log -p` over the same range, alternating runs in this one process, and prints both, their ratio
// (target: mining at most 1.25x plain git at the median) and peak RSS. Never fails on time. BENCH_COMMITS and BENCH_RUNS
// change the size and the number of runs. BENCH_REPO=<a clone of a real public history> times that history instead
// (generated histories flatter mining: their hunks are small and alike). Then a whole `dataset build` (the CLI, in
// its own process, from an empty workspace) beside `git log -p` in the same run, in wall time and in CPU time
// (this process's waited-for children, from /proc: on a busy machine wall time mostly measures the others).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mineGitHistory } from '../../src/core/dataset/git/mineGitHistory';
import { configSchema } from '../../src/core/config';
import { REPO_ROOT } from '../support/cli';
import { seededRandom } from '../support/seededRandom';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FILES = 200;
const START = 1_700_000_000;


interface Generated {
  commits: number;
  merges: number;
}

/**
 * Writes the fast-import stream piece by piece: main-line commits, and pull-request branches merged back
 * with a merge commit. Streaming keeps this process's peak memory about mining, not generation.
 */
async function generateHistory(write: (piece: string) => Promise<void>): Promise<Generated> {
  const next = seededRandom(42);
  const pick = (n: number) => Math.floor(next() * n);
  const files = Array.from({ length: FILES }, (_, f) => Array.from({ length: 60 + pick(120) }, (_, i) => codeLine(f, i, pick(1000))));
  let mark = 0;
  let commits = 0;
  let merges = 0;
  let clock = START;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const fileData = (f: number) => `M 100644 inline src/module${f}.ts\n${data(`${files[f]!.join('\n')}\n`)}`;
  const header = (ref: string, message: string, author: string) => {
    clock += 60;
    commits++;
    return `commit ${ref}\nmark :${++mark}\nauthor ${author} ${clock} +0000\ncommitter ${author} ${clock} +0000\n${data(message)}`;
  };
  const edit = (f: number, near?: number): number => {
    const lines = files[f]!;
    const at = near ?? pick(lines.length);
    const kind = pick(3);
    if (kind === 0 || lines.length < 20) lines.splice(at, 0, codeLine(f, at, pick(1000)), codeLine(f, at + 1, pick(1000)));
    else if (kind === 1) lines[Math.min(at, lines.length - 1)] = codeLine(f, at, pick(1000));
    else lines.splice(Math.min(at, lines.length - 1), 1);
    return at;
  };

  await write(header('refs/heads/main', 'Initial commit', 'Alice <alice@example.com>') + files.map((_, f) => fileData(f)).join(''));
  let mainTip = mark;
  while (commits < COMMITS) {
    if (next() < 0.35) {
      const f = pick(FILES);
      edit(f);
      const message = next() < 0.1 ? `Address review comments: tidy module ${f}` : `Update module ${f}`;
      await write(header('refs/heads/main', message, 'Alice <alice@example.com>') + `from :${mainTip}\n` + fileData(f));
      mainTip = mark;
      continue;
    }
    // A pull request: 2-6 commits on a branch, often reworking lines its first commit added.
    const ref = `refs/heads/pr-${merges}`;
    const touched = new Set<number>();
    const f = pick(FILES);
    let parent = mainTip;
    let at = 0;
    const length = 2 + pick(5);
    for (let i = 0; i < length && commits < COMMITS - 1; i++) {
      const rework = i > 0 && next() < 0.5;
      const file = rework || i === 0 ? f : pick(FILES);
      at = edit(file, rework ? at : undefined);
      touched.add(file);
      const message = rework ? (next() < 0.5 ? 'Address review: clearer names' : `fixup! Change module ${f}`) : `Change module ${file}`;
      await write(header(ref, message, 'Bob <bob@example.com>') + `from :${parent}\n` + fileData(file));
      parent = mark;
    }
    const merge = header('refs/heads/main', `Merge pull request #${merges + 1} from team/pr-${merges}`, 'Alice <alice@example.com>');
    await write(merge + `from :${mainTip}\nmerge :${parent}\n` + [...touched].map(fileData).join(''));
    mainTip = mark;
    merges++;
  }
  return { commits, merges };
}

/** Runs `git fast-import` on what `generate` writes to it. */
async function fastImport(repo: string, generate: (write: (piece: string) => Promise<void>) => Promise<Generated>): Promise<Generated> {
  git(repo, ['init', '--quiet', '--initial-branch=main']);
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: repo, stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const write = (piece: string) => (child.stdin.write(piece) ? Promise.resolve() : new Promise<void>((resolve) => child.stdin.once('drain', resolve)));
  const generated = await generate(write);
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with status ${code}`);
  return generated;
}

function codeLine(file: number, index: number, value: number): string {
  return `export const setting_${file}_${index} = computeValue(${value}, 'module-${file}');`;
}

function git(repo: string, args: string[]): void {
  const result = spawnSync('git', args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

/** Runs plain `git log -p` and reads all of its output, as a consumer would. */
function plainGitLog(repo: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['log', '-p', 'HEAD'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`git log exited ${code}`))));
  });
}

async function mine(repo: string): Promise<{ events: number; skips: number }> {
  const dataset = configSchema.parse({}).dataset;
  let events = 0;
  let skips = 0;
  for await (const item of mineGitHistory({ repo, reviewPatterns: dataset.reviewPatterns, botAuthors: dataset.botAuthors, mergeRules: dataset })) {
    if ('event' in item) events++;
    else if ('skip' in item) skips++;
  }
  return { events, skips };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

/** CPU seconds of this process's finished children (cutime + cstime of /proc/self/stat), or undefined off Linux. */
function childrenCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14; clock ticks of 1/100 s.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Wall and CPU time of a child process run to its end. */
async function timedChild(command: string, args: string[], cwd: string): Promise<{ ms: number; cpu?: number }> {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with status ${code}`);
  const ms = performance.now() - start;
  const cpuAfter = childrenCpuSeconds();
  return { ms, ...(cpuBefore !== undefined && cpuAfter !== undefined && { cpu: cpuAfter - cpuBefore }) };
}

/** A whole `dataset build` as a user runs it: the bundled CLI when built (npm run build), else the sources through tsx. */
function datasetBuildCommand(repo: string, workspace: string, out: string): { args: string[]; what: string } {
  const bundle = path.join(REPO_ROOT, 'dist', 'cli.cjs');
  const cli = existsSync(bundle) ? [bundle] : ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts')];
  return { args: [...cli, 'dataset', 'build', '--workspace', workspace, '--repo', repo, '--out', out], what: existsSync(bundle) ? 'dist/cli.cjs' : 'src/cli/main.ts through tsx' };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const realRepo = process.env.BENCH_REPO;
const repo = realRepo ? path.resolve(realRepo) : mkdtempSync(path.join(os.tmpdir(), 'housestyle-bench-mining-'));
try {
  let commits: number;
  if (realRepo) {
    commits = Number(spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim());
    console.log(`repository: ${repo}, a real history of ${commits} commits`);
  } else {
    const generation = await timed(() => fastImport(repo, generateHistory));
    commits = generation.result.commits;
    console.log(`repository: ${commits} commits (${generation.result.merges} pull-request merges), ${FILES} files, generated in ${(generation.ms / 1000).toFixed(1)} s under ${os.tmpdir()}`);
  }
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

  await plainGitLog(repo);
  const plain: number[] = [];
  const mined: number[] = [];
  let bytes = 0;
  let counts = { events: 0, skips: 0 };
  for (let run = 0; run < RUNS; run++) {
    collect();
    const git = await timed(() => plainGitLog(repo));
    plain.push(git.ms);
    bytes = git.result;
    collect();
    const mining = await timed(() => mine(repo));
    mined.push(mining.ms);
    counts = mining.result;
  }
  // Best of N is the figure least disturbed by other work on the machine; medians are printed beside it.
  const plainBest = Math.min(...plain);
  const minedBest = Math.min(...mined);
  const figures = (values: number[]) => `best ${Math.min(...values).toFixed(0)} ms, median ${median(values).toFixed(0)} ms of ${RUNS}`;
  console.log(`plain git log -p:   ${figures(plain)} (${(bytes / 1024 / 1024).toFixed(1)} MiB of patches)`);
  console.log(`mineGitHistory:     ${figures(mined)} (${counts.events} events, ${counts.skips} skips; ${((commits / minedBest) * 1000).toFixed(0)} commits/s)`);
  console.log(`ratio:              ${(minedBest / plainBest).toFixed(2)}x plain git at best, ${(median(mined) / median(plain)).toFixed(2)}x at median (target at most 1.25x)`);
  console.log(`peak RSS:           ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (this process; git's own processes not included)`);

  // The whole build, alternating with plain git log -p, both as child processes.
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'housestyle-bench-build-'));
  try {
    const build = datasetBuildCommand(repo, workspace, path.join(workspace, 'dataset'));
    const builds: Array<{ ms: number; cpu?: number }> = [];
    const logs: Array<{ ms: number; cpu?: number }> = [];
    for (let run = 0; run < Math.max(1, Math.ceil(RUNS / 2)); run++) {
      logs.push(await timedChild('git', ['log', '-p', 'HEAD'], repo));
      builds.push(await timedChild(process.execPath, build.args, REPO_ROOT));
    }
    const best = (items: Array<{ ms: number; cpu?: number }>, key: 'ms' | 'cpu') => Math.min(...items.map((item) => item[key] ?? Infinity));
    const cpu = (items: Array<{ ms: number; cpu?: number }>) => (items[0]?.cpu === undefined ? '' : `, CPU best ${best(items, 'cpu').toFixed(2)} s`);
    console.log(`git log -p (child): wall best ${best(logs, 'ms').toFixed(0)} ms${cpu(logs)}`);
    console.log(`dataset build:      wall best ${best(builds, 'ms').toFixed(0)} ms${cpu(builds)} (${build.what}, empty workspace, ${builds.length} runs)`);
    const cpuRatio = logs[0]?.cpu === undefined ? '' : `, ${(best(builds, 'cpu') / best(logs, 'cpu')).toFixed(2)}x in CPU time`;
    console.log(`build ratio:        ${(best(builds, 'ms') / best(logs, 'ms')).toFixed(2)}x plain git in wall time${cpuRatio} (target at most 1.25x)`);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
} finally {
  if (!realRepo) rmSync(repo, { recursive: true, force: true });
}
