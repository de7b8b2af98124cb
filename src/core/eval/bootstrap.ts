/**
 * Percentile bootstrap (Efron & Tibshirani, 1993, ch. 13): the statistic recomputed on resamples of the examples
 * drawn with replacement; the 2.5th and 97.5th percentiles bound its 95% interval. Paired over the same examples,
 * it gives the interval of a difference between two routes (Koehn, 2004, "Statistical significance tests for
 * machine translation evaluation"). Seeded, so a report can be reproduced to the digit.
 */
import { seededRandom } from '../seededRandom';

export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 22;

export interface Interval {
  low: number;
  high: number;
}

/**
 * The 95% interval of `statistic` over `n` examples: it is called with the indices of each resample (`n` draws
 * with replacement). With no examples there is nothing to resample and the interval is [NaN, NaN].
 */
export function bootstrapInterval(n: number, statistic: (indices: readonly number[]) => number, seed = BOOTSTRAP_SEED, resamples = BOOTSTRAP_RESAMPLES): Interval {
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(seed);
  const values: number[] = [];
  const indices = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    values.push(statistic(indices));
  }
  values.sort((a, b) => a - b);
  return { low: values[Math.floor(0.025 * resamples)]!, high: values[Math.ceil(0.975 * resamples) - 1]! };
}
