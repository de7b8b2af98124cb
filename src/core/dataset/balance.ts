import { sha256 } from '../hash';
import { userMessage, type Sample } from './samples/sample';

export interface QualityBalanceOptions {
  /** Most of all samples quality estimation may be (dataset.qualityEstimationMaxShare). */
  maxShare: number;
  /** Most of quality estimation one label may be (dataset.qualityEstimationMaxLabelShare). */
  maxLabelShare: number;
  /** How many more of the majority label than the share allows may stay, so that tiny sets are not emptied. */
  slack?: number;
  seed: string;
}

export interface QualityBalanceResult {
  samples: Sample[];
  /** Quality-estimation samples left out to balance the labels, and to cap the task's share. */
  dropped: { labelBalance: number; taskShare: number };
}

/**
 * Caps quality estimation against the other tasks and balances its labels, so that a history where most
 * hunks passed as written does not teach "no" for everything: the majority label is cut to maxLabelShare,
 * then both labels in proportion until the task is at most maxShare of the samples. A dataset of quality
 * estimation alone is not capped (there is nothing to cap against). Which samples stay is decided by a
 * seeded hash, so a build is reproducible.
 */
export function balanceQualityEstimation(samples: readonly Sample[], options: QualityBalanceOptions): QualityBalanceResult {
  const order = (sample: Sample) => sha256(options.seed, sample.groupId, userMessage(sample));
  const byLabel = (label: string) =>
    samples
      .filter((s) => s.task === 'quality-estimation' && s.response === label)
      .map((sample) => ({ sample, key: order(sample) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map(({ sample }) => sample);
  const yes = byLabel('yes');
  const no = byLabel('no');
  const others = samples.length - yes.length - no.length;
  const [minority, majority] = yes.length <= no.length ? [yes, no] : [no, yes];
  const p = options.maxLabelShare;
  // The most of the majority label that `minority` allows; the epsilon keeps 8 × 0.6 / 0.4 from flooring to 11.
  const allowed = (minorityCount: number) => (p >= 1 ? Infinity : Math.floor((minorityCount * p) / (1 - p) + 1e-9) + (options.slack ?? 0));
  let keepMajority = Math.min(majority.length, allowed(minority.length));
  let keepMinority = minority.length;
  const balanced = keepMajority + keepMinority;
  const cap = others === 0 || options.maxShare >= 1 ? Infinity : Math.floor((others * options.maxShare) / (1 - options.maxShare) + 1e-9);
  if (balanced > cap) {
    keepMinority = Math.floor((cap * keepMinority) / balanced);
    keepMajority = Math.min(cap - keepMinority, allowed(keepMinority));
  }
  const kept = new Set([...minority.slice(0, keepMinority), ...majority.slice(0, keepMajority)]);
  return {
    samples: samples.filter((s) => s.task !== 'quality-estimation' || kept.has(s)),
    dropped: { labelBalance: majority.length + minority.length - balanced, taskShare: balanced - kept.size },
  };
}

/**
 * Balances the quality-estimation labels again inside each split: groups fall into splits whole, so a split
 * can end up mostly one label (train 63.5% "no" on libuv) even when the whole dataset is balanced. Only the
 * label share is enforced here (the task's share was capped before splitting), with one sample of slack so
 * that a split of two or three such samples is not emptied.
 */
export function balanceWithinSplits<Split extends string>(
  sets: Record<Split, Sample[]>,
  options: Pick<QualityBalanceOptions, 'maxLabelShare' | 'seed'>,
): { sets: Record<Split, Sample[]>; dropped: number } {
  let dropped = 0;
  const balanced = {} as Record<Split, Sample[]>;
  for (const name of Object.keys(sets) as Split[]) {
    const result = balanceQualityEstimation(sets[name], { ...options, maxShare: 1, slack: 1 });
    balanced[name] = result.samples;
    dropped += result.dropped.labelBalance;
  }
  return { sets: balanced, dropped };
}
