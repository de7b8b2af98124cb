import type { HistoryFacts } from './git/commitGraph';
import type { ReviewEvent, SkipRecord, ThreadCount } from './reviewEvent';
import type { Scrubber } from './scrub';
import type { Tally } from './tally';

/** How many skipped inputs, fallbacks and generated files a report names as examples. */
export const SKIP_EXAMPLES = 20;

/** Evidence after cleaning, scrubbing and de-duplication, with what was dropped and why (`collectEvidence` in build.ts). */
export interface Evidence {
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
