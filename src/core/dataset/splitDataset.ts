import { balanceWithinSplits } from './balance';
import type { DatasetReport } from './datasetReport';
import { leakageUnits, NEAR_DUPLICATE_THRESHOLD, refuseCrossSplitLeakage } from './leakage';
import type { PreferencePair, Sample } from './samples/sample';
import { SPLIT_NAMES, splitByGroup, type SplitName, type SplitRatios } from './split';
import type { Tally } from './tally';

export interface SplitOptions {
  seed: string;
  ratios: SplitRatios;
  /** dataset.qualityEstimationMaxLabelShare, enforced again inside each split. */
  maxLabelShare: number;
  /** Where the samples left out to balance a split are counted. */
  drops: Tally;
}

export interface DatasetSplit {
  sets: Record<SplitName, Sample[]>;
  /** Every supervised sample, in split order (train, validation, test). */
  samples: Sample[];
  pairSets: Record<SplitName, PreferencePair[]>;
  leakage: DatasetReport['leakage'];
}

/**
 * Train, validation and test by change, never a change in two splits; near-duplicates across changes (a change
 * and its version-only variant) are split as one unit, and a near-duplicate pair found in two splits afterwards
 * stops the build. Preference pairs are split the same way, by their change's unit.
 */
export function splitDataset(samples: readonly Sample[], pairs: readonly PreferencePair[], options: SplitOptions): DatasetSplit {
  const { seed, ratios, maxLabelShare, drops } = options;
  const unitOf = leakageUnits(samples);
  const { sets, dropped } = balanceWithinSplits(splitByGroup(samples, seed, ratios, unitOf), { maxLabelShare, seed });
  drops.add('quality-estimation-label-balance', dropped);
  const kept = SPLIT_NAMES.flatMap((name) => sets[name]);
  const pairSets = splitByGroup(pairs, seed, ratios, unitOf);
  const crossSplitPairs = refuseCrossSplitLeakage(sets);
  const units = new Set(kept.map((sample) => unitOf(sample.groupId))).size;
  const groups = new Set(kept.map((sample) => sample.groupId)).size;
  return { sets, samples: kept, pairSets, leakage: { threshold: NEAR_DUPLICATE_THRESHOLD, groups, units, crossSplitPairs } };
}
