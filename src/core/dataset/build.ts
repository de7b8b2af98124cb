import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Config } from '../config';
import { cancellationError, HouseStyleError, isCancellation, throwIfCancelled } from '../errors';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import type { RuleSearch } from '../review/ruleRetrieval';
import { createCleaner } from './clean';
import { composeReport } from './composeReport';
import type { CommentExportOrigin, DatasetReport } from './datasetReport';
import { DatasetFolder } from './datasetFolder';
import { datasetWarnings } from './datasetWarnings';
import { Deduplicator, eventKey } from './dedupe';
import { SKIP_EXAMPLES, type Evidence } from './evidence';
import { chooseBaseModel } from './exporters/baseModel';
import type { FormatName } from './exporters/datasetFormat';
import { openDatasetRules, type DatasetRules } from './datasetRules';
import { datasetFormat } from './exporters/formats';
import { FEEDBACK_LOG, readFeedbackLog } from './feedbackLog';
import { generatedFiles } from './generatedFiles';
import { mineGitHistory, startHistoryPasses, type HistoryPasses, type MineOptions } from './git/mineGitHistory';
import { remoteRepository, unkeyedPullRequests } from './git/remoteRepository';
import { planOutputFiles, writeOutputFiles } from './outputFiles';
import { importReviewComments } from './reviewComments/importReviewComments';
import type { MinedItem, ReviewEvent } from './reviewEvent';
import { Scrubber } from './scrub';
import { splitDataset } from './splitDataset';
import { Tally } from './tally';
import { trainingSamples } from './trainingSamples';

export interface DatasetWriteOptions {
  out: string;
  format: FormatName;
  config: Config;
  /** Hugging Face id (or path) of the model to train; defaults to the checkpoint behind config.ollama.model. */
  baseModel?: string;
  /** Where train_lora.yaml saves the adapter: outside the dataset folder; `<out>-adapter` by default. */
  adapterDir?: string;
  /** The review-comment exports the items include, for the card's sources. */
  reviewComments?: CommentExportOrigin[];
  /** The workspace's rules for the hybrid review-findings variant, and what the card says about them. */
  rules?: { search?: RuleSearch; note: string };
  /** The repository the evidence came from: its .gitattributes and files tell which are generated. */
  repo?: string;
  signal?: AbortSignal;
  progress?: Progress;
  logger?: Logger;
}

/** Drop reasons that mean the file is not hand-written code. */
const GENERATED_DROPS = new Set(['generated-file', 'lock-file', 'minified']);

async function collectEvidence(items: AsyncIterable<MinedItem>, options: DatasetWriteOptions): Promise<Evidence> {
  const { config, signal } = options;
  const { botAuthors, maxHunkLines, includeBookkeeping, includeNonCode } = config.dataset;
  const clean = createCleaner({ botAuthors, maxHunkLines, includeBookkeeping, includeNonCode });
  // Scrubbing happens here, before anything can reach a file; everything written derives from these events.
  const scrubber = new Scrubber({ anonymizeAuthors: config.dataset.anonymizeAuthors });
  const dedupe = new Deduplicator();
  const evidence: Evidence = { events: [], drops: new Tally(), skipped: new Tally(), skipExamples: [], scrubber, generated: new Map(), reviewThreads: { exported: 0, imported: 0 } };
  const cleanedEvents: ReviewEvent[] = [];
  // Progress is the sources' to report (they know their totals); this loop only filters.
  for await (const item of items) {
    throwIfCancelled(signal);
    if ('history' in item) {
      evidence.history = item.history;
      continue;
    }
    if ('threads' in item) {
      evidence.reviewThreads.exported += item.threads.exported;
      evidence.reviewThreads.imported += item.threads.imported;
      continue;
    }
    if ('skip' in item) {
      const skip = scrubber.skip(item.skip);
      evidence.skipped.add(skip.reason);
      if (evidence.skipExamples.length < SKIP_EXAMPLES) evidence.skipExamples.push(skip);
      continue;
    }
    const cleaned = clean(item.event);
    if ('drop' in cleaned) {
      evidence.drops.add(cleaned.drop);
      if (GENERATED_DROPS.has(cleaned.drop) && !evidence.generated.has(item.event.path)) evidence.generated.set(item.event.path, cleaned.drop);
      continue;
    }
    cleanedEvents.push(scrubber.event(cleaned.event));
  }
  // Generated files are known from the repository as a whole (.gitattributes, each file's head), so once all
  // paths are in; before de-duplication, so that no generated change stands in for a hand-written one.
  const generated = await generatedFiles(cleanedEvents, options.repo, signal);
  for (const [file, why] of generated.reasons) evidence.generated.set(file, why);
  for (const event of cleanedEvents) {
    if (generated.reasons.has(event.path)) {
      evidence.drops.add('generated-file');
      continue;
    }
    const duplicate = dedupe.check(eventKey(event));
    if (duplicate) evidence.drops.add(duplicate);
    else evidence.events.push(event);
  }
  throwIfCancelled(signal);
  return evidence;
}

/**
 * The dataset pipeline after the sources: clean → scrub → dedupe → samples → split → write. Writes
 * every file into a temporary folder beside `out` and moves it into place only when complete.
 */
export async function writeDatasetFrom(items: AsyncIterable<MinedItem>, options: DatasetWriteOptions): Promise<DatasetReport> {
  const { config, signal } = options;
  const logger = options.logger ?? silentLogger;
  const format = datasetFormat(options.format);
  const folder = await DatasetFolder.create(options.out);
  try {
    const evidence = await collectEvidence(items, options);
    const { samples, pairs } = await trainingSamples(evidence.events, { config, drops: evidence.drops, ...(options.rules?.search && { rules: options.rules.search }), ...(signal && { signal }) });
    if (samples.length === 0 && pairs.length === 0) throw noSamplesError(evidence);
    const { seed, split: ratios } = config.dataset;
    const split = splitDataset(samples, pairs, { seed, ratios, maxLabelShare: config.dataset.qualityEstimationMaxLabelShare, drops: evidence.drops });
    const base = chooseBaseModel(options.baseModel, config.ollama.model);
    const warnings = datasetWarnings({ base, split, pairs, format, qualityEstimationMaxShare: config.dataset.qualityEstimationMaxShare });
    for (const warning of warnings) logger.warn(warning);
    const plan = planOutputFiles(split, format);
    const adapterDir = options.adapterDir ?? `${folder.out}-adapter`;
    const report = composeReport({
      out: folder.out,
      format: format.name,
      files: plan.files,
      seed,
      ratios,
      base,
      adapterDir,
      evidence,
      split,
      pairs,
      reviewComments: options.reviewComments ?? [],
      knowledgeBase: options.rules?.note ?? 'No workspace was given, so no knowledge base was searched: only the fine-tuned review-findings variant was built.',
      warnings,
    });
    await writeOutputFiles(folder, { plan, format, base, adapterDir, report, progress: options.progress ?? noProgress, ...(signal && { signal }) });
    throwIfCancelled(signal);
    await folder.commit(plan.files);
    logger.info(`Dataset written to ${folder.out}: ${split.samples.length} samples, ${pairs.length} preference pairs.`);
    return report;
  } catch (error) {
    await folder.discard();
    throw error;
  }
}

/** Nothing to train on: what was kept and left out, and where more evidence comes from. */
function noSamplesError(evidence: Evidence): HouseStyleError {
  const reasons = Object.entries({ ...evidence.drops.toRecord(), ...evidence.skipped.toRecord() })
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return new HouseStyleError(
    `No samples could be built: ${evidence.events.length} review events were kept${reasons ? ` (left out: ${reasons})` : ''}.`,
    'Mine more history (a wider date range, fewer path filters, a higher commit limit), add pull-request review-comment exports, or check dataset.reviewPatterns in the configuration.',
    'dataset',
  );
}

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
  // Git starts on the history (and answers the remote's URL, which never rejects) while the knowledge base is
  // brought up to date, so neither waits for the other.
  const remote = remoteRepository(options.repo, config.dataset.remote, signal);
  const mining = historyOptions(options);
  const history = { options: mining, passes: startHistoryPasses(mining) };
  try {
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
