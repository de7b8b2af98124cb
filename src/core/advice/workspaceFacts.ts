import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { knowledgeBase, type Config, type Route } from '../config';
import { gitOutput } from '../dataset/git/gitProcess';
import { REPORT_FILE, type DatasetReport } from '../dataset/datasetReport';
import { discoverSources } from '../knowledge/sources';
import { OllamaClient } from '../models/ollama/client';
import { readRegistry } from '../models/registry';
import type { EvaluationReport } from '../eval/evaluate';

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
  /** Evidence dropped by cleaning and dedupe, as a share of what was mined. */
  dropShare: number;
  warnings: number;
  commentsImported: number;
}

/** What the advisor knows about a workspace; `unmeasured` says what it could not find out, and why. */
export interface WorkspaceFacts {
  docs?: DocChurn;
  dataset?: DatasetFacts;
  /** Pull-request numbers the commit messages mention. */
  pullRequestRefs?: number;
  evaluation?: Pick<EvaluationReport, 'evaluatedAt' | 'routes' | 'probe' | 'file'>;
  latencyTargetMs: number;
  fineTunedModel?: string;
  ollama: { host: string; reachable: boolean };
  unmeasured: string[];
}

const CHURN_DAYS = 90;

export async function gatherFacts(workspace: string, config: Config, options: { dataset?: string; signal?: AbortSignal } = {}): Promise<WorkspaceFacts> {
  const unmeasured: string[] = [];
  const client = OllamaClient.fromConfig(config);
  const registry = await readRegistry(workspace);
  const [docs, pullRequestRefs, reachable, evaluation] = await Promise.all([
    docChurn(workspace, config, options.signal).catch((error: Error) => void unmeasured.push(`doc churn: ${error.message}`)),
    pullRequestReferences(workspace, options.signal).catch(() => undefined),
    client.isReachable(),
    latestEvaluation(workspace),
  ]);
  const datasetDir = options.dataset ?? registry.models.findLast((m) => m.dataset)?.dataset?.path ?? '.housestyle/dataset';
  const dataset = await datasetFacts(path.resolve(workspace, datasetDir));
  if (!dataset) unmeasured.push(`dataset: no dataset at ${datasetDir} (housestyle dataset build writes one)`);
  if (!evaluation) {
    unmeasured.push(
      reachable
        ? 'route quality and latency: no evaluation yet (run housestyle eval --dataset DIR)'
        : `route quality and latency: no evaluation yet, and Ollama is not reachable at ${client.host} to run one`,
    );
  }
  const fineTunedModel = config.models.fineTuned ?? registry.active;
  return {
    ...(docs && { docs }),
    ...(dataset && { dataset }),
    ...(pullRequestRefs !== undefined && { pullRequestRefs }),
    ...(evaluation && { evaluation }),
    latencyTargetMs: config.models.latencyTargetMs,
    ...(fineTunedModel && { fineTunedModel }),
    ollama: { host: client.host, reachable },
    unmeasured,
  };
}

async function gitText(workspace: string, args: string[], signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of gitOutput(workspace, args, signal)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
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

async function datasetFacts(folder: string): Promise<DatasetFacts | undefined> {
  let report: DatasetReport;
  try {
    report = JSON.parse(await readFile(path.join(folder, REPORT_FILE), 'utf8')) as DatasetReport;
  } catch {
    return undefined;
  }
  const dropped = Object.values(report.drops ?? {}).reduce((a, b) => a + b, 0);
  const kept = Object.values(report.events ?? {}).reduce((a, b) => a + b, 0);
  const commentsImported = Object.entries(report.events ?? {})
    .filter(([kind]) => kind.includes('comment'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    path: folder,
    samples: report.samples.total,
    trainSamples: report.samples.bySplit.train,
    dropShare: kept + dropped ? dropped / (kept + dropped) : 0,
    warnings: report.warnings.length,
    commentsImported,
  };
}

/** The newest report `housestyle eval` wrote. */
async function latestEvaluation(workspace: string): Promise<WorkspaceFacts['evaluation'] | undefined> {
  const folder = path.join(workspace, '.housestyle', 'eval');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => /^eval-.*\.json$/.test(n)).sort();
  const newest = names.at(-1);
  if (!newest) return undefined;
  try {
    const report = JSON.parse(await readFile(path.join(folder, newest), 'utf8')) as EvaluationReport;
    return { evaluatedAt: report.evaluatedAt, routes: report.routes, probe: report.probe, file: path.join(folder, newest) };
  } catch {
    return undefined;
  }
}

/** Mean Ollama latency of one call on a route, from an evaluation. */
export function latencyPerCall(evaluation: WorkspaceFacts['evaluation'], route: Route): number | undefined {
  const figures = evaluation?.routes.find((r) => r.route === route);
  return figures && figures.calls > 0 ? figures.latency.totalMs / figures.calls : undefined;
}
