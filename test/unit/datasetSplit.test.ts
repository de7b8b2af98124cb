import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPLIT_NAMES, splitByGroup, splitOf } from '../../src/core/dataset/split';

const ratios = { train: 0.8, validation: 0.1, test: 0.1 };
const samples = (groups: number, perGroup: number, prefix = 'pr') =>
  Array.from({ length: groups * perGroup }, (_, i) => ({ groupId: `${prefix}-${Math.floor(i / perGroup)}`, n: i }));

describe('splitByGroup', () => {
  it('puts every sample of a group in one split', () => {
    const sets = splitByGroup(samples(300, 4), 'seed', ratios);
    const where = new Map<string, Set<string>>();
    for (const split of SPLIT_NAMES) for (const s of sets[split]) where.set(s.groupId, (where.get(s.groupId) ?? new Set()).add(split));
    assert.equal(where.size, 300);
    assert.deepEqual(
      [...where.values()].filter((splits) => splits.size > 1),
      [],
    );
  });

  it('is reproducible and follows the ratios', () => {
    const all = samples(10_000, 1);
    const first = splitByGroup(all, 'seed', ratios);
    const again = splitByGroup(all, 'seed', ratios);
    assert.deepEqual(again, first);
    assert.ok(Math.abs(first.train.length / 10_000 - 0.8) < 0.02, `train ${first.train.length}`);
    assert.ok(Math.abs(first.validation.length / 10_000 - 0.1) < 0.02, `validation ${first.validation.length}`);
    assert.ok(Math.abs(first.test.length / 10_000 - 0.1) < 0.02, `test ${first.test.length}`);
  });

  it('keeps each group where it was when unrelated samples are added', () => {
    const base = samples(500, 2);
    const grown = [...samples(700, 3, 'other'), ...base];
    const before = splitByGroup(base, 'seed', ratios);
    const after = splitByGroup(grown, 'seed', ratios);
    for (const split of SPLIT_NAMES) {
      assert.deepEqual(
        after[split].filter((s) => s.groupId.startsWith('pr-')),
        before[split],
      );
    }
  });

  it('moves groups when the seed changes, and honours degenerate ratios', () => {
    const groups = samples(200, 1).map((s) => s.groupId);
    const moved = groups.filter((g) => splitOf(g, 'a', ratios) !== splitOf(g, 'b', ratios));
    assert.ok(moved.length > 20, `${moved.length} moved`);
    assert.ok(groups.every((g) => splitOf(g, 'a', { train: 1, validation: 0, test: 0 }) === 'train'));
    assert.ok(groups.every((g) => splitOf(g, 'a', { train: 0, validation: 0, test: 1 }) === 'test'));
  });
});
