import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseByRank } from '../../src/core/knowledge/store';

test('reciprocal rank fusion favours rows both lists rank well, and keeps k', () => {
  const bm25 = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const vectors = [{ id: 'c' }, { id: 'b' }, { id: 'd' }];
  const fused = fuseByRank([bm25, vectors], 3);
  assert.deepEqual(fused.map((row) => row.id), ['c', 'b', 'a'], 'first and third beats second twice, which beats first once');
  assert.deepEqual(fused.map((row) => row._relevance_score), [1 / 63 + 1 / 61, 2 / 62, 1 / 61]);
  assert.deepEqual(fuseByRank([[], []], 5), []);
});
