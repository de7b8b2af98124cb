// Fetching review comments at scale: a synthetic repository of 2,000 pull requests and 20,000 review comments
// (7 threads of a comment and, on every third, a reply; bots and empty approvals besides; each pull request
// reviewed, answered in a second commit and landed by merge or squash, see syntheticForgeRepo.ts) served by the forge
// stand-in (test/support/forgeTestServer.ts) under GitHub's documented limits. Prints the requests, seconds and
// peak RSS of a full fetch beside the stand-in's own serving time, the busiest minute against GitHub's secondary
// limits, a second (incremental) fetch, and what `dataset build` makes of the cache (run as the CLI, in its own
// process). Never fails on time. BENCH_PULLS changes the size; BENCH_BUILD_TIMEOUT_S bounds the build (default 1,800 s; 0 skips it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/core/config';
import { fetchReviewComments, type FetchReport } from '../../src/core/forge/fetchReviewComments';
import { REPO_ROOT } from '../support/cli';
import { ForgeTestServer } from '../support/forgeTestServer';
import { buildSyntheticForgeRepo } from '../support/syntheticForgeRepo';

const PULLS = Number(process.env.BENCH_PULLS ?? 2000);
const TOKEN = 'bench-token';

// The fetch runs in a child process of its own (this file again), so its peak RSS is the fetch's, not the stand-in's.
if (process.argv[2] === 'fetch-child') {
  const [workspace, target, apiUrl] = process.argv.slice(3) as [string, string, string];
  const started = performance.now();
  const report = await fetchReviewComments({ workspace, config: await loadConfig(workspace), target, apiUrl, env: { GITHUB_TOKEN: TOKEN } });
  process.stdout.write(JSON.stringify({ report, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  process.exit(0);
}

async function fetchInChild(workspace: string, target: string, apiUrl: string): Promise<{ report: FetchReport; seconds: number; peakRssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'fetch-child', workspace, target, apiUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.on('close', resolve));
  return JSON.parse(out) as { report: FetchReport; seconds: number; peakRssMb: number };
}

const made = buildSyntheticForgeRepo({ pulls: PULLS, commentsPerPull: 7, seed: 2026 });
const workspace = made.repo.dir;
// 20-line review windows: the synthetic files are 60 lines with changes 20 lines apart, so each comment has a window of its own.
mkdirSync(path.join(workspace, '.housestyle'), { recursive: true });
writeFileSync(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ review: { windowLines: 20 } }));
const server = await ForgeTestServer.start({ forge: 'github', repo: made, token: TOKEN });
const target = `github:${made.owner}/${made.name}`;

const first = await fetchInChild(workspace, target, server.apiUrl);
const full = first.report;
const exported = (JSON.parse(readFileSync(full.exportFile, 'utf8')) as Array<{ id: number }>).length;
const servingSeconds = server.stats.servingMs / 1000;

const before = { requests: server.stats.requests, notModified: server.stats.notModified };
const second = await fetchInChild(workspace, target, server.apiUrl);
await server.close();

console.log(`repository: ${PULLS} pull requests, ${made.humanComments} human review comments (+${made.botComments} by bots, ${made.emptyApprovals} empty approvals)`);
console.log(`full fetch: ${full.requests.requests} requests (${full.requests.retries} retries, ${full.requests.rateLimitWaits} rate-limit waits) in ${first.seconds.toFixed(1)} s; stand-in serving time ${servingSeconds.toFixed(1)} s; fetch peak RSS ${first.peakRssMb} MB`);
console.log(`  comments: ${exported} exported, ${server.stats.commentsServed} served by the stand-in (bots included), each once: ${server.stats.commentsServed === made.humanComments + made.botComments}`);
console.log(`  busiest minute: ${server.stats.maxPerMinute.core} REST requests (GitHub's secondary limit: 900), ${server.stats.maxPerMinute.graphql} GraphQL (2,000); secondary-limit refusals: ${server.stats.secondaryLimited}`);
console.log(`  filtered: ${full.totals.botComments} bot comments, ${full.totals.emptyApprovals} empty approvals; ${full.totals.threads} threads, ${full.totals.reviews} reviews, ${full.totals.commits} commits`);
console.log(`second fetch (nothing changed): ${second.report.requests.requests} requests (${server.stats.requests - before.requests} at the stand-in, ${server.stats.notModified - before.notModified} answered 304), ${second.report.fetched} pull requests fetched, ${second.seconds.toFixed(2)} s, peak RSS ${second.peakRssMb} MB`);

const buildTimeout = Number(process.env.BENCH_BUILD_TIMEOUT_S ?? 1800);
if (buildTimeout === 0) {
  console.log('dataset build skipped (BENCH_BUILD_TIMEOUT_S=0)');
  made.repo.remove();
  process.exit(0);
}
// The build's own peak RSS, reported by its process as it exits (a spawned process's usage is not the parent's).
const PEAK_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write(`build peak RSS ${Math.round(process.resourceUsage().maxRSS/1024)} MB\\n`))';
const started = performance.now();
const build = spawnSync(process.execPath, ['--import', 'tsx', '--import', PEAK_RSS, path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'dataset', 'build', '--workspace', workspace, '--out', path.join(workspace, '.housestyle', 'bench-dataset'), '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: buildTimeout * 1000 });
const buildSeconds = (performance.now() - started) / 1000;
if (build.status === 0) {
  const report = JSON.parse(build.stdout) as { events: Record<string, number>; samples: { total: number; byTask: Record<string, number> }; drops: Record<string, number> };
  const peakRss = /build peak RSS \d+ MB/.exec(build.stderr)?.[0];
  console.log(`dataset build from the cache: ${report.samples.total} samples in ${buildSeconds.toFixed(1)} s (${peakRss}); events ${JSON.stringify(report.events)}; by task ${JSON.stringify(report.samples.byTask)}; left out ${JSON.stringify(report.drops)}`);
  const [largest] = Object.entries(report.samples.byTask).sort((a, b) => b[1] - a[1]);
  console.log(`  largest task: ${largest?.[0]} (${largest?.[1]} samples); review-findings the largest: ${largest?.[0] === 'review-findings'}; at least 500 samples: ${report.samples.total >= 500}`);
} else {
  console.log(`dataset build failed after ${buildSeconds.toFixed(1)} s: ${build.stderr.split('\n').filter((l) => !l.includes('include glob')).slice(-5).join(' | ')}`);
}
made.repo.remove();
