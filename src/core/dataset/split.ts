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

/** How far (in share of samples) a split may drift from its ratio before groups are moved to repair it. */
const SPLIT_TOLERANCE = 0.02;
/** Below this many groups no placement can promise shares, so each group stays where its hash puts it. */
export const MIN_GROUPS_TO_BALANCE = 30;

/**
 * Splits items by group: each group where its hash puts it (`splitOf`), then, with at least
 * MIN_GROUPS_TO_BALANCE groups, when that leaves a split more than two points off its ratio (a few large
 * groups), the fewest groups that repair it are moved, best-fitting first. `groupOf` maps a group to the unit that must stay together (near
 * duplicates of other groups join one unit: see leakage.ts).
 */
export function splitByGroup<T extends { groupId: string }>(items: Iterable<T>, seed: string, ratios: SplitRatios, groupOf: (groupId: string) => string = (id) => id): Record<SplitName, T[]> {
  const list = [...items];
  const sizes = new Map<string, number>();
  for (const item of list) {
    const unit = groupOf(item.groupId);
    sizes.set(unit, (sizes.get(unit) ?? 0) + 1);
  }
  const placed = assignGroups(sizes, seed, ratios);
  const sets: Record<SplitName, T[]> = { train: [], validation: [], test: [] };
  for (const item of list) sets[placed.get(groupOf(item.groupId))!].push(item);
  return sets;
}

function assignGroups(sizes: Map<string, number>, seed: string, ratios: SplitRatios): Map<string, SplitName> {
  const placed = new Map<string, SplitName>();
  const load: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  let total = 0;
  for (const [group, size] of sizes) {
    const split = splitOf(group, seed, ratios);
    placed.set(group, split);
    load[split] += size;
    total += size;
  }
  if (total === 0 || sizes.size < MIN_GROUPS_TO_BALANCE) return placed;
  const drift = (split: SplitName, loads = load) => loads[split] / total - ratios[split];
  const worst = (loads: Record<SplitName, number>) => Math.max(...SPLIT_NAMES.map((split) => Math.abs(drift(split, loads))));
  // Each move strictly lowers the worst drift, so this ends; the bound is a guard.
  for (let moves = 0; moves < sizes.size; moves++) {
    if (worst(load) <= SPLIT_TOLERANCE) break;
    const over = [...SPLIT_NAMES].sort((a, b) => drift(b) - drift(a))[0]!;
    const under = [...SPLIT_NAMES].sort((a, b) => drift(a) - drift(b))[0]!;
    const needed = Math.min(drift(over), -drift(under)) * total;
    let best: { group: string; after: number; fit: number } | undefined;
    for (const [group, split] of placed) {
      if (split !== over) continue;
      const size = sizes.get(group)!;
      const after = worst({ ...load, [over]: load[over] - size, [under]: load[under] + size });
      const fit = Math.abs(size - needed);
      if (after < worst(load) && (!best || after < best.after || (after === best.after && fit < best.fit))) best = { group, after, fit };
    }
    if (!best) break;
    const size = sizes.get(best.group)!;
    placed.set(best.group, under);
    load[over] -= size;
    load[under] += size;
  }
  return placed;
}
