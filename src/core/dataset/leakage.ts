import { HouseStyleError } from '../errors';
import { withoutVersions } from './bookkeeping';
import { jaccard, mix32, shingles } from '../shingles';
import { minHash } from './dedupe';
import { userMessage, type Sample } from './samples/sample';
import type { SplitName } from './split';

/** Jaccard similarity of normalised shingles at or above which two samples are near-duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.9;
/**
 * 32 bands of 8 rows: a pair at 0.9 similarity is missed with probability (1 - 0.9^8)^32, about 1.5e-8, but a
 * pair at 0.35 (unrelated code in one file layout, under one prompt template) becomes a candidate with
 * probability 0.7%, not the 21% of 16 bands of 4 rows, which made the exact checks grow with the square of the
 * samples (2,000 pull requests' worth took more than half an hour).
 */
const PERMUTATIONS = 256;
const BANDS = 32;

/** The review prompt's nonce marks data blocks; it says nothing about content, so it compares as one token. */
const NONCE = /\b[0-9a-f]{16}\b/g;

/**
 * What two samples are compared on: prompt and answer with versions, numbers and the numbers inside
 * identifiers (`v0_10`, `node_0_10_3`) normalised away, so that variants of one change made for different
 * release lines compare as the same text.
 */
export function leakageText(sample: Sample): string {
  return withoutVersions(`${userMessage(sample)}\n${sample.response}`.replace(NONCE, '<nonce>'));
}

/** Index pairs of items whose normalised texts are near-duplicates, found by banded MinHash and confirmed exactly. */
export function nearDuplicatePairs(texts: readonly string[], family = 0): Array<[number, number]> {
  const sets = texts.map((text) => shingles(text));
  const rows = PERMUTATIONS / BANDS;
  const buckets = new Map<number, number[]>();
  const pairs: Array<[number, number]> = [];
  sets.forEach((set, i) => {
    const signature = minHash(set, PERMUTATIONS, family);
    // Earlier items already compared with this one (a pair can share several bands).
    const checked = new Set<number>();
    for (let band = 0; band < BANDS; band++) {
      let key = band;
      for (let r = band * rows; r < (band + 1) * rows; r++) key = mix32(Math.imul(key, 0x01000193) ^ signature[r]!);
      const bucket = buckets.get(key);
      for (const j of bucket ?? []) {
        if (checked.has(j)) continue;
        checked.add(j);
        if (jaccard(sets[j]!, set) >= NEAR_DUPLICATE_THRESHOLD) pairs.push([j, i]);
      }
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
  });
  return pairs;
}

/**
 * The unit each group must be split with: groups whose samples are near-duplicates of each other's are
 * joined (union-find), so that a version-only variant of a change never sits in another split than it.
 */
export function leakageUnits(samples: readonly Sample[]): (groupId: string) => string {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const [i, j] of nearDuplicatePairs(samples.map(leakageText))) {
    const a = find(samples[i]!.groupId);
    const b = find(samples[j]!.groupId);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  return find;
}

/**
 * Near-duplicate pairs that sit in different splits, looked for with an independent set of permutations
 * (not the ones that formed the units), so it is a second look rather than a restatement.
 */
export function crossSplitNearDuplicates(sets: Record<SplitName, readonly Sample[]>): number {
  const items = (Object.entries(sets) as Array<[SplitName, readonly Sample[]]>).flatMap(([split, samples]) => samples.map((sample) => ({ split, sample })));
  return nearDuplicatePairs(items.map(({ sample }) => leakageText(sample)), 1).filter(([i, j]) => items[i]!.split !== items[j]!.split).length;
}

/** The last guard before a dataset is written: near-duplicates in two splits would leak test answers into training. */
export function refuseCrossSplitLeakage(sets: Record<SplitName, readonly Sample[]>): number {
  const crossSplit = crossSplitNearDuplicates(sets);
  if (crossSplit > 0) {
    throw new HouseStyleError(
      `${crossSplit} near-duplicate sample pairs ended up in different splits; no dataset was written.`,
      'This is a bug in House Style; please report it with the repository history that caused it.',
      'dataset',
    );
  }
  return crossSplit;
}
