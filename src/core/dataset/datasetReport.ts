import type { FormatName } from './exporters/datasetFormat';
import type { HistoryFacts } from './git/commitGraph';
import type { SkipRecord } from './reviewEvent';
import type { LengthSignal } from './samples/lengthSignal';
import type { SplitName, SplitRatios } from './split';

/** Marks report.json as ours: an existing output folder is only ever replaced when it holds one. */
export const REPORT_GENERATOR = 'housestyle dataset build';

/** Where a review-comments export came from: a forge and the date of the fetch that wrote it, or a file given by hand. */
export interface CommentExportOrigin {
  file: string;
  /** For an export a fetch wrote: `github:owner/repo` and when that fetch completed. */
  fetched?: { source: string; fetchedAt: string };
}

export interface HistogramBucket {
  /** Upper bound in characters, inclusive; null for the open last bucket. */
  upTo: number | null;
  count: number;
}

/** What a build produced and left out; written as report.json and rendered as the dataset card. */
export interface DatasetReport {
  generator: typeof REPORT_GENERATOR;
  /** Absolute output folder. */
  out: string;
  format: FormatName;
  builtAt: string;
  /** Files in the output folder, by name. */
  files: string[];
  split: { seed: string; ratios: SplitRatios };
  /** `adapterDir`: where train_lora.yaml saves the adapter (outside the dataset folder). */
  training: { baseModel: string; template: string; adapterDir: string };
  /** Evidence kept after cleaning and de-duplication, by source kind. */
  events: Record<string, number>;
  /** Review threads in the comment exports (given or fetched), and those joined to code in the repository; `events['pr-comment']` are the ones kept. */
  reviewThreads: { exported: number; imported: number };
  samples: {
    total: number;
    byTask: Record<string, number>;
    bySplit: Record<SplitName, number>;
    bySource: Record<string, number>;
    /** Label balance: quality estimation by answer; review-findings by variant and whether the answer has findings. */
    labels: Record<'quality-estimation' | 'review-findings', Record<string, number>>;
    /** Samples from git-only evidence (no reviewer's words), by task. */
    fromGitOnly: Record<string, number>;
    /** How well window length alone predicts whether a review-findings answer has findings (absent with one label only). */
    findingsLength?: LengthSignal;
  };
  /**
   * Near-duplicate control: samples at or above `threshold` similarity (versions and numbers normalised) are
   * split together; `groups` changes became `units` split units; `crossSplitPairs` is checked after splitting.
   */
  leakage: { threshold: number; groups: number; units: number; crossSplitPairs: number };
  /** Review comments whose code came from the export's hunk, not from git, with the first few named. */
  fallbacks: { commentHunkFromExport: number; examples: SkipRecord[] };
  /** Files left out as not hand-written code (generated, lock files, minified): how many, the first few with why. */
  generatedFiles: { files: number; examples: SkipRecord[] };
  /** The review-comment exports read: each file, and for one a fetch wrote, its forge repository and fetch date. */
  reviewComments: CommentExportOrigin[];
  /** How the history's pull requests landed (absent when no history was mined). */
  history?: HistoryFacts;
  /** What the hybrid review-findings variant was retrieved from, or why it was not built. */
  knowledgeBase: string;
  preferencePairs: { total: number; bySplit: Record<SplitName, number>; byPairing: Record<string, number> };
  /** Replacements by kind (secrets by type, emails, authors), counted on the evidence kept after cleaning. */
  scrubs: Record<string, number>;
  /** Evidence dropped by cleaning, de-duplication or sample building, by reason. */
  drops: Record<string, number>;
  /** Inputs the sources skipped, by reason, with the first few records. */
  skipped: { byReason: Record<string, number>; examples: SkipRecord[] };
  /** First and last dates (YYYY-MM-DD) of the samples' changes and comments. */
  dateRange?: { from: string; to: string };
  /** Characters of the user prompt and of the answer, over all supervised samples. */
  lengths: { prompt: HistogramBucket[]; response: HistogramBucket[] };
  warnings: string[];
}
