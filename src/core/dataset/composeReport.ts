import { histogram } from './card';
import { REPORT_GENERATOR, type CommentExportOrigin, type DatasetReport } from './datasetReport';
import { SKIP_EXAMPLES, type Evidence } from './evidence';
import type { BaseModelChoice } from './exporters/baseModel';
import type { FormatName } from './exporters/datasetFormat';
import { GIT_ONLY_KINDS, type ReviewEvent } from './reviewEvent';
import { lengthSignal } from './samples/lengthSignal';
import { userMessage, type PreferencePair } from './samples/sample';
import type { SplitRatios } from './split';
import type { DatasetSplit } from './splitDataset';
import { Tally } from './tally';

/** A review-findings answer without findings. */
const EMPTY_FINDINGS = '{"findings":[]}';

export interface ReportFacts {
  out: string;
  format: FormatName;
  /** The files the folder holds, by name. */
  files: string[];
  seed: string;
  ratios: SplitRatios;
  base: BaseModelChoice;
  adapterDir: string;
  evidence: Evidence;
  split: DatasetSplit;
  pairs: readonly PreferencePair[];
  reviewComments: CommentExportOrigin[];
  /** What the card says about the knowledge base the hybrid variant's rules came from. */
  knowledgeBase: string;
  warnings: string[];
}

/** report.json: what a build wrote, counted every way the card shows it, and what it left out and why. */
export function composeReport(facts: ReportFacts): DatasetReport {
  const { evidence, split, pairs } = facts;
  const { sets, samples, pairSets } = split;
  const findingsLength = lengthSignal(samples.filter((s) => s.task === 'review-findings').map((s) => ({ length: s.metadata.windowLines ?? 0, positive: s.response !== EMPTY_FINDINGS })));
  return {
    generator: REPORT_GENERATOR,
    out: facts.out,
    format: facts.format,
    builtAt: new Date().toISOString(),
    files: facts.files,
    split: { seed: facts.seed, ratios: { train: facts.ratios.train, validation: facts.ratios.validation, test: facts.ratios.test } },
    training: { baseModel: facts.base.model, template: facts.base.template, adapterDir: facts.adapterDir },
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
    leakage: split.leakage,
    fallbacks: fallbacks(evidence.events),
    generatedFiles: { files: evidence.generated.size, examples: [...evidence.generated].slice(0, SKIP_EXAMPLES).map(([file, why]) => ({ source: file, reason: why })) },
    reviewComments: facts.reviewComments,
    ...(evidence.history && { history: evidence.history }),
    knowledgeBase: facts.knowledgeBase,
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
    warnings: facts.warnings,
  };
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
