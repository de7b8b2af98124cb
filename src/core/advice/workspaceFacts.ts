import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { knowledgeBase, type Config, type Route } from '../config';
import { gitText } from '../git/gitProcess';
import { REPORT_GENERATOR, type DatasetReport } from '../dataset/datasetReport';
import { REPORT_FILE } from '../datasetFiles';
import { discoverSources } from '../knowledge/sources';
import type { OllamaClient } from '../models/ollama/client';
import { readRegistry } from '../models/registry';
import { COMPARISON_FILE, type ComparisonRecord } from '../eval/comparisonRecord';
import type { EvaluationReport } from '../eval/evaluate';
import { MIN_TEST_EXAMPLES } from '../dataset/testSplitSize';
import type { RouteFigures } from '../eval/routeFigures';

/** How often the indexed docs changed in the CHURN_DAYS before the last commit, from git history. */
export interface DocChurn {
  files: number;
  commits: number;
  filesChanged: number;
  days: number;
}

export interface DatasetFacts {
  path: string;
  samples: number;
  trainSamples: number;
  /** Evidence kept after cleaning and de-duplication (report.json `events`). */
  keptEvidence: number;
  /** Drops other than the balancing caps: what cleaning, de-duplication and sample building threw away. */
  noiseDrops: number;
  /** noiseDrops as a share of noiseDrops + keptEvidence. */
  noiseShare: number;
  /** Quality-estimation samples the balancing caps left out: kept evidence, not noise. */
  balancingDrops: number;
  warnings: number;
  /** Review-comment evidence kept after cleaning (report.json `events['pr-comment']`). */
  reviewComments: number;
}

/** What the advisor knows about a workspace; `unmeasured` says what it could not find out, and why. */
export interface WorkspaceFacts {
  docs?: DocChurn;
  dataset?: DatasetFacts;
  /** Pull-request numbers the commit messages mention. */
  pullRequestRefs?: number;
  /** The newest Compare Routes run: latency per route, no quality. */
  comparison?: ComparisonRecord;
  /** The newest evaluation of the active version (or, with none, the newest evaluation). */
  evaluation?: Pick<EvaluationReport, 'evaluatedAt' | 'file' | 'examples' | 'routes' | 'differences' | 'probe'>;
  latencyTargetMs: number;
  fineTunedModel?: string;
  ollama: { host: string; reachable: boolean };
  unmeasured: string[];
}

const CHURN_DAYS = 90;

export async function gatherFacts(workspace: string, config: Config, client: OllamaClient, options: { dataset?: string; signal?: AbortSignal } = {}): Promise<WorkspaceFacts> {
  const unmeasured: string[] = [];
  const registry = await readRegistry(workspace);
  const fineTunedModel = config.models.fineTuned ?? registry.active;
  const [docs, pullRequestRefs, reachable, evaluation, newestBuild, comparison] = await Promise.all([
    docChurn(workspace, config, options.signal).catch((error: Error) => void unmeasured.push(`doc churn: ${error.message}`)),
    pullRequestReferences(workspace, options.signal).catch(() => undefined),
    client.isReachable(),
    latestEvaluation(workspace, fineTunedModel),
    options.dataset ? undefined : newestDatasetBuild(workspace),
    latestComparison(workspace),
  ]);
  const datasetDir = options.dataset ?? newestBuild ?? registry.models.find((m) => m.name === fineTunedModel)?.dataset?.path;
  const dataset = datasetDir === undefined ? undefined : await datasetFacts(path.resolve(workspace, datasetDir));
  if (!dataset) unmeasured.push(datasetDir === undefined ? `dataset: no dataset build in ${path.join('.housestyle', DATASETS_DIR)} (housestyle dataset build writes one)` : `dataset: no finished dataset at ${datasetDir} (it has no report.json)`);
  if (!evaluation) {
    const what = fineTunedModel ? `no evaluation of ${fineTunedModel} yet` : 'no evaluation yet';
    unmeasured.push(
      reachable ? `route quality and latency: ${what} (run housestyle eval --dataset DIR)` : `route quality and latency: ${what}, and Ollama is not reachable at ${client.host} to run one`,
    );
  }
  return {
    ...(docs && { docs }),
    ...(dataset && { dataset }),
    ...(pullRequestRefs !== undefined && { pullRequestRefs }),
    ...(evaluation && { evaluation }),
    ...(comparison && { comparison }),
    latencyTargetMs: config.models.latencyTargetMs,
    ...(fineTunedModel && { fineTunedModel }),
    ollama: { host: client.host, reachable },
    unmeasured,
  };
}

async function docChurn(workspace: string, config: Config, signal?: AbortSignal): Promise<DocChurn> {
  const { files } = await discoverSources(workspace, knowledgeBase(config, config.review.knowledgeBase));
  if (files.length === 0) return { files: 0, commits: 0, filesChanged: 0, days: CHURN_DAYS };
  // The window ends at the last commit, not today, so a repository that went quiet is judged on its active days.
  const last = Number((await gitText(workspace, ['log', '-1', '--format=%ct'], signal)).trim());
  const since = new Date((last - CHURN_DAYS * 86_400) * 1000).toISOString();
  const log = await gitText(workspace, ['log', `--since=${since}`, '--format=%x00%H', '--name-only', '--', ...files], signal);
  const commits = log.split('\0').filter((entry) => entry.trim());
  const changed = new Set(commits.flatMap((entry) => entry.split('\n').slice(1).map((l) => l.trim()).filter(Boolean)));
  return { files: files.length, commits: commits.length, filesChanged: changed.size, days: CHURN_DAYS };
}

async function pullRequestReferences(workspace: string, signal?: AbortSignal): Promise<number> {
  const log = await gitText(workspace, ['log', '--format=%s%n%b'], signal);
  return new Set([...log.matchAll(/(?:pull request |\(|\s)#(\d+)\b/g)].map((m) => m[1])).size;
}

/** Where `dataset build` writes by default (build.ts defaultDatasetFolder): one folder per build, named by its date. */
const DATASETS_DIR = 'datasets';
/** The drops build.ts counts for the quality-estimation balancing caps: samples left out on purpose, not noise. */
const BALANCING_DROPS = new Set(['quality-estimation-label-balance', 'quality-estimation-share-cap']);

/** The newest finished build (one with a report.json) under .housestyle/datasets, by its build time. */
async function newestDatasetBuild(workspace: string): Promise<string | undefined> {
  const folder = path.join(workspace, '.housestyle', DATASETS_DIR);
  const names = await readdir(folder).catch(() => [] as string[]);
  let newest: { dir: string; builtAt: string } | undefined;
  for (const name of names) {
    const report = await readJson<Partial<DatasetReport>>(path.join(folder, name, REPORT_FILE));
    if (report?.generator === REPORT_GENERATOR && typeof report.builtAt === 'string' && (!newest || report.builtAt > newest.builtAt)) newest = { dir: path.join(folder, name), builtAt: report.builtAt };
  }
  return newest?.dir;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function datasetFacts(folder: string): Promise<DatasetFacts | undefined> {
  const report = await readJson<DatasetReport>(path.join(folder, REPORT_FILE));
  if (!report?.samples) return undefined;
  const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
  const drops = Object.entries(report.drops ?? {});
  const noiseDrops = sum(drops.filter(([reason]) => !BALANCING_DROPS.has(reason)).map(([, n]) => n));
  const keptEvidence = sum(Object.values(report.events ?? {}));
  return {
    path: folder,
    samples: report.samples.total,
    trainSamples: report.samples.bySplit.train,
    keptEvidence,
    noiseDrops,
    noiseShare: keptEvidence + noiseDrops ? noiseDrops / (keptEvidence + noiseDrops) : 0,
    balancingDrops: sum(drops.filter(([reason]) => BALANCING_DROPS.has(reason)).map(([, n]) => n)),
    warnings: report.warnings.length,
    reviewComments: report.events?.['pr-comment'] ?? 0,
  };
}

/**
 * The newest report `housestyle eval` wrote that measured the active version (any, when there is none). Reports
 * of fewer than MIN_TEST_EXAMPLES examples, or written before figures carried intervals, are not read.
 */
async function latestEvaluation(workspace: string, active: string | undefined): Promise<WorkspaceFacts['evaluation'] | undefined> {
  const folder = path.join(workspace, '.housestyle', 'eval');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => /^eval-.*\.json$/.test(n)).sort().reverse();
  for (const name of names) {
    const report = await readJson<EvaluationReport>(path.join(folder, name));
    if (!report || !Array.isArray(report.differences) || !(report.examples >= MIN_TEST_EXAMPLES)) continue;
    if (active && !report.routes.some((r) => r.route !== 'rag' && r.model === active)) continue;
    return { evaluatedAt: report.evaluatedAt, file: path.join(folder, name), examples: report.examples, routes: report.routes, differences: report.differences, probe: report.probe };
  }
  return undefined;
}

/** The newest Compare Routes record, if one was written and still reads as one. */
async function latestComparison(workspace: string): Promise<ComparisonRecord | undefined> {
  const record = await readJson<ComparisonRecord>(path.join(workspace, COMPARISON_FILE));
  return record && typeof record.comparedAt === 'string' && Array.isArray(record.paths) && Array.isArray(record.routes) ? record : undefined;
}

/** Mean Ollama latency of one call on a route, from an evaluation or a comparison. */
export function latencyPerCall(measured: { routes: readonly RouteFigures[] } | undefined, route: Route): number | undefined {
  const figures = measured?.routes.find((r) => r.route === route);
  return figures && figures.calls > 0 ? figures.latency.totalMs / figures.calls : undefined;
}
