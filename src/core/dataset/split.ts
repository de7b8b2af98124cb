import { createHash } from 'node:crypto';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export interface SplitRatios {
  train: number;
  validation: number;
  test: number;
}

/** Below this many training samples a LoRA rarely learns a team's habits; the build warns. */
export const MIN_TRAIN_SAMPLES = 500;

/**
 * The split of a group: a uniform number drawn from a hash of the seed and the group id, cut by the
 * ratios. It depends on nothing else, so a group never moves when unrelated samples are added, and
 * every sample of one change lands in the same set.
 */
export function splitOf(groupId: string, seed: string, ratios: SplitRatios): SplitName {
  const digest = createHash('sha256').update(seed).update('\u0000').update(groupId).digest();
  const u = digest.readUIntBE(0, 6) / 2 ** 48;
  if (u < ratios.train) return 'train';
  if (u < ratios.train + ratios.validation) return 'validation';
  return 'test';
}

export function splitByGroup<T extends { groupId: string }>(items: Iterable<T>, seed: string, ratios: SplitRatios): Record<SplitName, T[]> {
  const sets: Record<SplitName, T[]> = { train: [], validation: [], test: [] };
  for (const item of items) sets[splitOf(item.groupId, seed, ratios)].push(item);
  return sets;
}
