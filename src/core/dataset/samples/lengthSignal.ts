/**
 * How well one number alone (a window's length) predicts a yes/no label: the best accuracy any threshold on it
 * reaches (either direction), beside the base rate (always answering the more common label), and the AUC of
 * the number as a score (0.5: no signal). A dataset whose labels a length threshold predicts teaches a model
 * to answer by length; both figures near chance mean it cannot.
 */
export interface LengthSignal {
  samples: number;
  /** Share of the more common label. */
  baseRate: number;
  /** Best accuracy of `length <= t` (or `length > t`) predicting the label, over every threshold t. */
  thresholdAccuracy: number;
  /** Probability that a random positive is longer than a random negative (ties count half). */
  auc: number;
}

export function lengthSignal(items: ReadonlyArray<{ length: number; positive: boolean }>): LengthSignal | undefined {
  const positives = items.filter((item) => item.positive).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const sorted = [...items].sort((a, b) => a.length - b.length);
  // Walk the thresholds between distinct lengths: at each, how many of each label lie at or below it.
  let best = Math.max(positives, negatives);
  let below = { positive: 0, negative: 0 };
  // AUC by ranks (Mann–Whitney U): for each positive, negatives shorter plus half the ties.
  let wins = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    const tie = { positive: 0, negative: 0 };
    while (j < sorted.length && sorted[j]!.length === sorted[i]!.length) {
      if (sorted[j]!.positive) tie.positive++;
      else tie.negative++;
      j++;
    }
    wins += tie.positive * (below.negative + tie.negative / 2);
    below = { positive: below.positive + tie.positive, negative: below.negative + tie.negative };
    // "Short is negative" is right for the negatives below and the positives above; the reverse for the rest.
    const shortNegative = below.negative + (positives - below.positive);
    best = Math.max(best, shortNegative, items.length - shortNegative);
    i = j;
  }
  return { samples: items.length, baseRate: Math.max(positives, negatives) / items.length, thresholdAccuracy: best / items.length, auc: wins / (positives * negatives) };
}
