import type { Config } from '../config';
import type { RuleSearch } from '../review/ruleRetrieval';
import { balanceQualityEstimation } from './balance';
import { Deduplicator, sampleKey } from './dedupe';
import type { ReviewEvent } from './reviewEvent';
import { buildSamples, type EventSamples } from './samples/buildSamples';
import { reviewFindingsSamples } from './samples/reviewFindings';
import type { PreferencePair, Sample } from './samples/sample';
import type { Tally } from './tally';

export interface TrainingSamplesOptions {
  config: Config;
  /** The workspace's rules, for the hybrid review-findings variant. */
  rules?: RuleSearch;
  /** Where the samples and evidence left out are counted, by reason. */
  drops: Tally;
  /** Each event's own samples, when the caller made them ahead (see eventSamples). */
  samplesOf?: (event: ReviewEvent) => EventSamples;
  signal?: AbortSignal;
}

/**
 * Every task's samples from the kept evidence, each taught once, with quality estimation capped and balanced;
 * the preference pairs beside them. What is left out on the way is added to `drops`.
 */
export async function trainingSamples(events: readonly ReviewEvent[], options: TrainingSamplesOptions): Promise<{ samples: Sample[]; pairs: PreferencePair[] }> {
  const { config, drops, signal } = options;
  const built = buildSamples(events, options.samplesOf);
  const { pairs, unused } = built;
  const findings = await reviewFindingsSamples(events, { config, ...(options.rules && { rules: options.rules }), ...(signal && { signal }) });
  // Different evidence can still teach the same thing (a follow-up commit and the branch rewrite it makes).
  const sampleDedupe = new Deduplicator();
  const all = [...built.samples, ...findings.samples];
  const unique = all.filter((sample) => !sampleDedupe.check(sampleKey(sample)));
  const balanced = balanceQualityEstimation(unique, { maxShare: config.dataset.qualityEstimationMaxShare, maxLabelShare: config.dataset.qualityEstimationMaxLabelShare, seed: config.dataset.seed });
  drops.add('duplicate-sample', all.length - unique.length);
  drops.add('no-sample', unused.noSample);
  drops.add('unpaired-dismissed-finding', unused.unpairedDismissed);
  drops.add('quality-estimation-from-truncated-hunk', unused.truncatedHunk);
  drops.add('quality-estimation-label-balance', balanced.dropped.labelBalance);
  drops.add('quality-estimation-share-cap', balanced.dropped.taskShare);
  for (const [reason, n] of Object.entries(findings.drops.toRecord())) drops.add(`review-findings: ${reason}`, n);
  return { samples: balanced.samples, pairs };
}
