import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { cancellationError, HouseStyleError, isCancellation } from '../errors';
import { noProgress } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import type { DatasetReport } from './datasetReport';
import type { DatasetRules } from './datasetRules';
import { FEEDBACK_LOG, readFeedbackLog } from './feedbackLog';
import { mineGitHistory, startHistoryPasses, type HistoryPasses, type MineOptions } from './git/mineGitHistory';
import { remoteRepository, unkeyedPullRequests } from './git/remoteRepository';
import { importReviewComments } from './reviewComments/importReviewComments';
import type { MinedItem } from './reviewEvent';
import type { DatasetWriteOptions } from './writeDataset';

export interface BuildDatasetOptions extends Omit<DatasetWriteOptions, 'rules'> {
  /** The git repository whose history is mined. */
  repo: string;
  /** The workspace whose knowledge base gives the hybrid review-findings variant its rules; none without it. */
  workspace?: string;
  extensionRoot?: string;
  /** The model client the knowledge base's Ollama embedder uses (the workspace service's). */
  client?: OllamaClient;
  /** JSON exports of pull-request review comments (GitHub or GitLab); the workspace service adds the ones `dataset fetch` wrote. */
  comments?: string[];
  /** An editor feedback log (JSONL); see defaultFeedbackLog. */
  feedback?: string;
  since?: string;
  until?: string;
  /** Path filters (git pathspecs) for the history. */
  paths?: string[];
  /** At most this many commits; defaults to config.dataset.maxCommits. */
  maxCommits?: number;
}

/**
 * Where a build writes when no output folder is given: `.housestyle/datasets/<YYYY-MM-DD-HHMMSS>` in the
 * workspace, so that each build has its own folder and an earlier one is never replaced by default.
 */
export function defaultDatasetFolder(workspace: string, date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return path.join(workspace, '.housestyle', 'datasets', stamp);
}

/** The workspace's feedback log, when the editor has recorded one. */
export async function defaultFeedbackLog(workspace: string): Promise<string | undefined> {
  const file = path.join(workspace, FEEDBACK_LOG);
  return (await stat(file).catch(() => undefined))?.isFile() ? file : undefined;
}

/**
 * The sources, richest evidence first so that it is what de-duplication keeps: exported review comments
 * (a reviewer's own words), the feedback log, then the git history.
 */
async function* sources(options: BuildDatasetOptions & { comments: string[]; remote: Promise<string | undefined>; history: { options: MineOptions; passes: HistoryPasses } }): AsyncGenerator<MinedItem> {
  const { repo, config, signal, logger, comments } = options;
  const progress = options.progress ?? noProgress;
  if ((await options.remote) === undefined) {
    const skip = unkeyedPullRequests(config.dataset.remote);
    logger?.warn(`${skip.reason}.`);
    yield { skip };
  }
  for (const [index, file] of comments.entries()) {
    progress.report('Importing review comments', index, comments.length);
    yield* importReviewComments({ repo, file, remote: config.dataset.remote, signal, logger });
  }
  if (options.feedback) {
    if (!(await stat(options.feedback).catch(() => undefined))?.isFile()) {
      throw new HouseStyleError(`Feedback log not found: ${options.feedback}.`, `Pass the JSONL log the editor writes (${FEEDBACK_LOG} in the workspace), or build without one.`, 'usage');
    }
    yield* readFeedbackLog(options.feedback);
  }
  yield* mineGitHistory(options.history.options, options.history.passes);
}

/** How the build mines the repository's history. */
function historyOptions(options: BuildDatasetOptions): MineOptions {
  const { config } = options;
  return {
    repo: options.repo,
    since: options.since,
    until: options.until,
    paths: options.paths,
    maxCommits: options.maxCommits ?? config.dataset.maxCommits,
    reviewPatterns: config.dataset.reviewPatterns,
    botAuthors: config.dataset.botAuthors,
    notesRef: config.dataset.notesRef,
    mergeRules: config.dataset,
    signal: options.signal,
    progress: options.progress ?? noProgress,
    logger: options.logger,
  };
}

/**
 * Builds a fine-tuning dataset from a repository's review history: sources → clean → scrub → dedupe →
 * samples → split → write, into `out` as a whole (an existing dataset there is replaced only once the new
 * one is complete). Resolves with what was written and left out; rejects with a HouseStyleError the user
 * can act on (code `cancelled` when `signal` aborts, whichever step it stopped).
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<DatasetReport> {
  const { workspace, config, client, extensionRoot, logger, progress, signal } = options;
  let rules: DatasetRules | undefined;
  // Git starts on the history (and then answers the remote's URL, which never rejects) while the knowledge base
  // is brought up to date, so neither waits for the other.
  const mining = historyOptions(options);
  const history = { options: mining, passes: startHistoryPasses(mining) };
  const remote = remoteRepository(options.repo, config.dataset.remote, signal);
  try {
    // What turns evidence into files (and the knowledge base's modules) loads once git is running: evaluating it
    // first would delay git's start by as long.
    const [{ writeDatasetFrom }, { openDatasetRules }] = await Promise.all([import('./writeDataset'), import('./datasetRules')]);
    rules = workspace ? await openDatasetRules({ workspace, config, ...(client && { client }), ...(extensionRoot && { extensionRoot }), ...(logger && { logger }), ...(progress && { progress }), ...(signal && { signal }) }) : undefined;
    const comments = options.comments ?? [];
    const reviewComments = options.reviewComments ?? comments.map((file) => ({ file }));
    return await writeDatasetFrom(sources({ ...options, comments, remote, history }), { ...options, reviewComments, ...(rules && { rules }) });
  } catch (error) {
    if (!isCancellation(error) && !options.signal?.aborted) throw error;
    throw cancellationError('Dataset build cancelled; nothing was written and any earlier dataset is unchanged.', undefined, error);
  } finally {
    await history.passes.close();
    await rules?.search?.close();
  }
}
