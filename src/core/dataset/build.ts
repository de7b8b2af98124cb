import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Config } from '../config';
import { cancellationError, HouseStyleError, isCancellation, throwIfCancelled } from '../errors';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import type { RuleSearch } from '../review/ruleRetrieval';
import { balanceQualityEstimation, balanceWithinSplits } from './balance';
import { histogram, renderDatasetCard } from './card';
import { createCleaner } from './clean';
import { CARD_FILE, REPORT_FILE } from '../datasetFiles';
import { REPORT_GENERATOR, type DatasetReport } from './datasetReport';
import { DatasetFolder } from './datasetFolder';
import { Deduplicator, eventKey, sampleKey } from './dedupe';
import { chooseBaseModel } from './exporters/baseModel';
import type { FormatName } from './exporters/datasetFormat';
import { openDatasetRules, type DatasetRules } from './datasetRules';
import { datasetFormat } from './exporters/formats';
import { datasetInfo, loraTrainingConfig, type TrainingFile } from './exporters/llamaFactory';
import { FEEDBACK_LOG, readFeedbackLog } from './feedbackLog';
import { commentExportOrigin, fetchedCommentExports, type CommentExportOrigin } from '../forge/forgeCache';
import { generatedFiles } from './generatedFiles';
import type { HistoryFacts } from './git/commitGraph';
import { mineGitHistory } from './git/mineGitHistory';
import { remoteRepository, unkeyedPullRequests } from './git/remoteRepository';
import { leakageUnits, NEAR_DUPLICATE_THRESHOLD, refuseCrossSplitLeakage } from './leakage';
import { importReviewComments } from './reviewComments/importReviewComments';
import { GIT_ONLY_KINDS, type MinedItem, type ReviewEvent, type SkipRecord, type ThreadCount } from './reviewEvent';
import { buildSamples } from './samples/buildSamples';
import { lengthSignal } from './samples/lengthSignal';
import { reviewFindingsSamples } from './samples/reviewFindings';
import { userMessage, type PreferencePair, type Sample } from './samples/sample';
import { Scrubber } from './scrub';
import { MIN_TRAIN_SAMPLES, SPLIT_NAMES, splitByGroup, type SplitName } from './split';
import { Tally } from './tally';

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

const SKIP_EXAMPLES = 20;
/** A review-findings answer without findings. */
const EMPTY_FINDINGS = '{"findings":[]}';

/** A training file to write: its records, made as they are written, and the samples behind them. */
interface PlannedFile {
  fileName: string;
  kind: TrainingFile['kind'];
  items: (Sample | PreferencePair)[];
  records: () => Iterable<object>;
}

function* lazyMap<T, U>(items: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}

/** Evidence after cleaning, scrubbing and de-duplication, with what was dropped and why. */
interface Evidence {
  events: ReviewEvent[];
  drops: Tally;
  skipped: Tally;
  skipExamples: SkipRecord[];
  scrubber: Scrubber;
  history?: HistoryFacts;
  /** Files left out as generated (lock files, minified and generated code), with why. */
  generated: Map<string, string>;
  reviewThreads: ThreadCount['threads'];
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

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const tally = new Tally();
  for (const item of items) tally.add(key(item));
  return tally.toRecord();
}

/** Review comments whose code came from the export's hunk instead of git, counted and named. */
function fallbacks(events: readonly ReviewEvent[]): DatasetReport['fallbacks'] {
  const fellBack = events.filter((event) => event.metadata.hunkFallback !== undefined);
  return {
    commentHunkFromExport: fellBack.length,
    examples: fellBack.slice(0, SKIP_EXAMPLES).map((event) => ({ source: `${event.metadata.url ?? event.groupId} ${event.path}`, reason: event.metadata.hunkFallback! })),
  };
}

function dateRange(dates: string[]): DatasetReport['dateRange'] {
  const times = dates.map((d) => Date.parse(d)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return undefined;
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: day(Math.min(...times)), to: day(Math.max(...times)) };
}

/**
 * The dataset pipeline after the sources: clean → scrub → dedupe → samples → split → write. Writes
 * every file into a temporary folder beside `out` and moves it into place only when complete.
 */
export async function writeDatasetFrom(items: AsyncIterable<MinedItem>, options: DatasetWriteOptions): Promise<DatasetReport> {
  const { config, signal } = options;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const format = datasetFormat(options.format);
  const folder = await DatasetFolder.create(options.out);
  try {
    const evidence = await collectEvidence(items, options);
    const built = buildSamples(evidence.events);
    const { pairs, unused } = built;
    const findings = await reviewFindingsSamples(evidence.events, { config, ...(options.rules?.search && { rules: options.rules.search }), ...(signal && { signal }) });
    // Different evidence can still teach the same thing (a follow-up commit and the branch rewrite it makes).
    const sampleDedupe = new Deduplicator();
    const all = [...built.samples, ...findings.samples];
    const unique = all.filter((sample) => !sampleDedupe.check(sampleKey(sample)));
    const balanced = balanceQualityEstimation(unique, { maxShare: config.dataset.qualityEstimationMaxShare, maxLabelShare: config.dataset.qualityEstimationMaxLabelShare, seed: config.dataset.seed });
    evidence.drops.add('duplicate-sample', all.length - unique.length);
    evidence.drops.add('no-sample', unused.noSample);
    evidence.drops.add('unpaired-dismissed-finding', unused.unpairedDismissed);
    evidence.drops.add('quality-estimation-from-truncated-hunk', unused.truncatedHunk);
    evidence.drops.add('quality-estimation-label-balance', balanced.dropped.labelBalance);
    evidence.drops.add('quality-estimation-share-cap', balanced.dropped.taskShare);
    for (const [reason, n] of Object.entries(findings.drops.toRecord())) evidence.drops.add(`review-findings: ${reason}`, n);
    if (balanced.samples.length === 0 && pairs.length === 0) {
      const reasons = Object.entries({ ...evidence.drops.toRecord(), ...evidence.skipped.toRecord() })
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ');
      throw new HouseStyleError(
        `No samples could be built: ${evidence.events.length} review events were kept${reasons ? ` (left out: ${reasons})` : ''}.`,
        'Mine more history (a wider date range, fewer path filters, a higher commit limit), add pull-request review-comment exports, or check dataset.reviewPatterns in the configuration.',
        'dataset',
      );
    }

    const { seed, split: ratios } = config.dataset;
    // Near-duplicates across groups (a change and its version-only variant) are split as one unit.
    const unitOf = leakageUnits(balanced.samples);
    const { sets, dropped } = balanceWithinSplits(splitByGroup(balanced.samples, seed, ratios, unitOf), { maxLabelShare: config.dataset.qualityEstimationMaxLabelShare, seed });
    evidence.drops.add('quality-estimation-label-balance', dropped);
    const samples = SPLIT_NAMES.flatMap((name) => sets[name]);
    const pairSets = splitByGroup(pairs, seed, ratios, unitOf);
    const crossSplit = refuseCrossSplitLeakage(sets);
    const units = new Set(samples.map((sample) => unitOf(sample.groupId))).size;
    const groups = new Set(samples.map((sample) => sample.groupId)).size;
    const base = chooseBaseModel(options.baseModel, config.ollama.model);
    const findingsLength = lengthSignal(samples.filter((s) => s.task === 'review-findings').map((s) => ({ length: s.metadata.windowLines ?? 0, positive: s.response !== EMPTY_FINDINGS })));

    const warnings = [...base.warnings];
    if (sets.train.length < MIN_TRAIN_SAMPLES) {
      warnings.push(
        `Only ${sets.train.length} training samples, fewer than ${MIN_TRAIN_SAMPLES} (the usual minimum for a useful LoRA): add history or comment exports, or treat this dataset as a trial.`,
      );
    }
    if (sets.validation.length === 0) warnings.push('The validation split is empty; train_lora.yaml holds out 10% of train (val_size) instead.');
    const qualityShare = (countBy(samples, (s) => s.task)['quality-estimation'] ?? 0) / Math.max(1, samples.length);
    if (qualityShare > config.dataset.qualityEstimationMaxShare) {
      warnings.push(`Quality estimation is ${Math.round(qualityShare * 100)}% of the samples: the history gave no other task to balance it against. Add review-comment exports (--comments) for the tasks that need a reviewer's words.`);
    }
    if (pairs.length > 0 && format.datasetInfo('preference.jsonl', 'preference') === undefined) {
      warnings.push(
        `The preference files are in OpenAI's DPO shape, which LLaMA-Factory cannot read, so dataset_info.json leaves them out; build with --format sharegpt or alpaca for LLaMA-Factory DPO.`,
      );
    }
    for (const warning of warnings) logger.warn(warning);

    const planned: PlannedFile[] = [
      ...SPLIT_NAMES.map((split): PlannedFile => ({ fileName: `${split}.jsonl`, kind: 'sft', items: sets[split], records: () => lazyMap(sets[split], format.sampleRecord) })),
      ...(pairs.length === 0
        ? []
        : SPLIT_NAMES.map((split): PlannedFile => ({
            fileName: `preference_${split}.jsonl`,
            kind: 'preference',
            items: pairSets[split],
            records: () => lazyMap(pairSets[split], format.preferenceRecord),
          }))),
    ];
    const trainingFiles: TrainingFile[] = planned
      .filter((p) => p.items.length > 0)
      .map((p) => ({ name: `housestyle_${p.fileName.replace(/\.jsonl$/, '')}`, fileName: p.fileName, kind: p.kind }));
    // One line per written record, in file order: where each sample came from, without touching the training shape.
    const metadata = planned.flatMap((p) => p.items.map((item, i) => ({ file: p.fileName, line: i + 1, task: item.task, groupId: item.groupId, ...item.metadata })));

    const nameOf = (split: SplitName) => trainingFiles.find((f) => f.fileName === `${split}.jsonl`)?.name;
    const files = [...planned.map((p) => p.fileName), 'metadata.jsonl', 'dataset_info.json', 'train_lora.yaml', CARD_FILE, REPORT_FILE];
    const adapterDir = options.adapterDir ?? `${folder.out}-adapter`;
    const report: DatasetReport = {
      generator: REPORT_GENERATOR,
      out: folder.out,
      format: format.name,
      builtAt: new Date().toISOString(),
      files,
      split: { seed, ratios: { train: ratios.train, validation: ratios.validation, test: ratios.test } },
      training: { baseModel: base.model, template: base.template, adapterDir },
      events: countBy(evidence.events, (e) => e.kind),
      reviewThreads: evidence.reviewThreads,
      samples: {
        total: samples.length,
        byTask: countBy(samples, (s) => s.task),
        bySplit: { train: sets.train.length, validation: sets.validation.length, test: sets.test.length },
        bySource: countBy(samples, (s) => s.metadata.source),
        labels: {
          'quality-estimation': countBy(samples.filter((s) => s.task === 'quality-estimation'), (s) => s.response),
          'review-findings': countBy(samples.filter((s) => s.task === 'review-findings'), (s) => `${s.metadata.variant}, ${s.response === EMPTY_FINDINGS ? 'no findings' : 'findings'}`),
        },
        fromGitOnly: countBy(samples.filter((s) => GIT_ONLY_KINDS.has(s.metadata.source)), (s) => s.task),
        ...(findingsLength && { findingsLength }),
      },
      leakage: { threshold: NEAR_DUPLICATE_THRESHOLD, groups, units, crossSplitPairs: crossSplit },
      fallbacks: fallbacks(evidence.events),
      generatedFiles: { files: evidence.generated.size, examples: [...evidence.generated].slice(0, SKIP_EXAMPLES).map(([file, why]) => ({ source: file, reason: why })) },
      reviewComments: options.reviewComments ?? [],
      ...(evidence.history && { history: evidence.history }),
      knowledgeBase: options.rules?.note ?? 'No workspace was given, so no knowledge base was searched: only the fine-tuned review-findings variant was built.',
      preferencePairs: {
        total: pairs.length,
        bySplit: { train: pairSets.train.length, validation: pairSets.validation.length, test: pairSets.test.length },
        byPairing: countBy(pairs, (p) => p.metadata.pairing),
      },
      scrubs: evidence.scrubber.counts.toRecord(),
      drops: evidence.drops.toRecord(),
      skipped: { byReason: evidence.skipped.toRecord(), examples: evidence.skipExamples },
      dateRange: dateRange([...samples, ...pairs].map((s) => s.metadata.date)),
      lengths: {
        prompt: histogram(samples.map((s) => userMessage(s).length)),
        response: histogram(samples.map((s) => s.response.length)),
      },
      warnings,
    };

    let written = 0;
    const step = () => progress.report('Writing dataset', ++written, files.length);
    for (const { fileName, records } of planned) {
      await folder.writeJsonl(fileName, records(), signal);
      step();
    }
    await folder.writeJsonl('metadata.jsonl', metadata, signal);
    step();
    await folder.writeText('dataset_info.json', `${JSON.stringify(datasetInfo(format, trainingFiles), null, 2)}\n`);
    step();
    const train = nameOf('train') ?? 'housestyle_train';
    const validation = nameOf('validation');
    await folder.writeText('train_lora.yaml', loraTrainingConfig({ datasetDir: folder.out, outputDir: adapterDir, baseModel: base.model, template: base.template, train, ...(validation && { validation }) }));
    step();
    await folder.writeText(CARD_FILE, renderDatasetCard(report));
    step();
    // report.json last: it is what marks a folder as a finished dataset.
    await folder.writeText(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    step();
    throwIfCancelled(signal);
    await folder.commit(files);
    logger.info(`Dataset written to ${folder.out}: ${samples.length} samples, ${pairs.length} preference pairs.`);
    return report;
  } catch (error) {
    await folder.discard();
    throw error;
  }
}

export interface BuildDatasetOptions extends Omit<DatasetWriteOptions, 'rules'> {
  /** The git repository whose history is mined. */
  repo: string;
  /** The workspace whose knowledge base gives the hybrid review-findings variant its rules; none without it. */
  workspace?: string;
  extensionRoot?: string;
  /** The model client the knowledge base's Ollama embedder uses (the workspace service's). */
  client?: OllamaClient;
  /** JSON exports of pull-request review comments (GitHub or GitLab). */
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
async function* sources(options: BuildDatasetOptions & { comments: string[] }): AsyncGenerator<MinedItem> {
  const { repo, config, signal, logger, comments } = options;
  const progress = options.progress ?? noProgress;
  if ((await remoteRepository(repo, config.dataset.remote, signal)) === undefined) {
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
  yield* mineGitHistory({
    repo,
    since: options.since,
    until: options.until,
    paths: options.paths,
    maxCommits: options.maxCommits ?? config.dataset.maxCommits,
    reviewPatterns: config.dataset.reviewPatterns,
    botAuthors: config.dataset.botAuthors,
    notesRef: config.dataset.notesRef,
    mergeRules: config.dataset,
    signal,
    progress,
    logger,
  });
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
  try {
    rules = workspace ? await openDatasetRules({ workspace, config, ...(client && { client }), ...(extensionRoot && { extensionRoot }), ...(logger && { logger }), ...(progress && { progress }), ...(signal && { signal }) }) : undefined;
    // Without --comments, the exports `dataset fetch` wrote (src/core/forge) are read.
    const comments = options.comments ?? (workspace ? await fetchedCommentExports(workspace) : []);
    const reviewComments = await Promise.all(comments.map(commentExportOrigin));
    return await writeDatasetFrom(sources({ ...options, comments }), { ...options, reviewComments, ...(rules && { rules }) });
  } catch (error) {
    if (!isCancellation(error) && !options.signal?.aborted) throw error;
    throw cancellationError('Dataset build cancelled; nothing was written and any earlier dataset is unchanged.', undefined, error);
  } finally {
    await rules?.search?.close();
  }
}
