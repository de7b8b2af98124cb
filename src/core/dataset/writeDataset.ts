import type { Config } from '../config';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { RuleSearch } from '../review/ruleRetrieval';
import { createCleaner } from './clean';
import { composeReport } from './composeReport';
import type { CommentExportOrigin, DatasetReport } from './datasetReport';
import { DatasetFolder } from './datasetFolder';
import { datasetWarnings } from './datasetWarnings';
import { Deduplicator, eventKey, type DedupeSignature } from './dedupe';
import { SKIP_EXAMPLES, type Evidence } from './evidence';
import { chooseBaseModel } from './exporters/baseModel';
import type { FormatName } from './exporters/datasetFormat';
import { datasetFormat } from './exporters/formats';
import { GeneratedFileCheck } from './generatedFiles';
import { planOutputFiles, writeOutputFiles } from './outputFiles';
import type { MinedItem, ReviewEvent } from './reviewEvent';
import { eventSamples, type EventSamples } from './samples/buildSamples';
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

/** The evidence, and each cleaned event's own samples, made as it arrived (while git was still writing). */
async function collectEvidence(items: AsyncIterable<MinedItem>, options: DatasetWriteOptions): Promise<{ evidence: Evidence; samples: Map<ReviewEvent, EventSamples> }> {
  const { config, signal } = options;
  const { botAuthors, maxHunkLines, includeBookkeeping, includeNonCode } = config.dataset;
  const clean = createCleaner({ botAuthors, maxHunkLines, includeBookkeeping, includeNonCode });
  // Scrubbing happens here, before anything can reach a file; everything written derives from these events.
  const scrubber = new Scrubber({ anonymizeAuthors: config.dataset.anonymizeAuthors });
  const dedupe = new Deduplicator();
  const evidence: Evidence = { events: [], drops: new Tally(), skipped: new Tally(), skipExamples: [], scrubber, generated: new Map(), reviewThreads: { exported: 0, imported: 0 } };
  // Each kept event with what de-duplication compares, worked out as it arrives (while git is still writing).
  const cleanedEvents: Array<{ event: ReviewEvent; signature: DedupeSignature }> = [];
  const samples = new Map<ReviewEvent, EventSamples>();
  // Generated files are known from the repository as a whole (.gitattributes, each file's head), so once all
  // paths are in; before de-duplication, so that no generated change stands in for a hand-written one. Git is
  // asked about each path as it first comes.
  const generatedCheck = new GeneratedFileCheck(options.repo, signal);
  try {
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
      const event = scrubber.event(cleaned.event);
      cleanedEvents.push({ event, signature: dedupe.sign(eventKey(event)) });
      generatedCheck.add(event);
      samples.set(event, eventSamples(event));
    }
    const generated = await generatedCheck.result();
    for (const [file, why] of generated.reasons) evidence.generated.set(file, why);
    for (const { event, signature } of cleanedEvents) {
      if (generated.reasons.has(event.path)) {
        evidence.drops.add('generated-file');
        continue;
      }
      const duplicate = dedupe.check(signature);
      if (duplicate) evidence.drops.add(duplicate);
      else evidence.events.push(event);
    }
  } finally {
    generatedCheck.close();
  }
  throwIfCancelled(signal);
  return { evidence, samples };
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
    const { evidence, samples: made } = await collectEvidence(items, options);
    // Every kept event is one of the cleaned events, whose samples were made as they came.
    const samplesOf = (event: ReviewEvent) => made.get(event)!;
    const { samples, pairs } = await trainingSamples(evidence.events, { config, drops: evidence.drops, samplesOf, ...(options.rules?.search && { rules: options.rules.search }), ...(signal && { signal }) });
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
