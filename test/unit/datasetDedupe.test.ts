import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deduplicator, eventKey, minHash, sampleKey } from '../../src/core/dataset/dedupe';
import { jaccard, shingles } from '../../src/core/shingles';
import { buildSamples } from '../../src/core/dataset/samples/buildSamples';
import { feedbackEvent, reviewEvent } from '../support/reviewEvents';

const longHunk = (changed: string) =>
  ['@@ -10,12 +10,12 @@', ...Array.from({ length: 12 }, (_, i) => (i === 6 ? `+  const ${changed} = computeTotal(items, taxRate);` : ` line ${i}: keep(value${i}, options);`))].join('\n');

describe('Deduplicator', () => {
  it('drops exact duplicates that differ only in hunk position and whitespace', () => {
    const dedupe = new Deduplicator();
    assert.equal(dedupe.check(eventKey(reviewEvent())), undefined);
    const moved = reviewEvent({ groupId: 'pr-2', diffHunk: '@@ -40,2 +40,2 @@\n const a = 1;\n-let b  = 2;\n+var b = 2;', comment: 'Prefer const over var:  b is never reassigned.' });
    assert.equal(dedupe.check(eventKey(moved)), 'exact-duplicate');
  });

  it('drops near-duplicates and keeps different evidence', () => {
    const dedupe = new Deduplicator();
    const comment = 'Name the variable for what it holds; total is vague here and in the loop below.';
    assert.equal(dedupe.check(eventKey(reviewEvent({ diffHunk: longHunk('total'), comment }))), undefined);
    assert.equal(dedupe.check(eventKey(reviewEvent({ groupId: 'pr-9', diffHunk: longHunk('sum'), comment }))), 'near-duplicate');
    assert.equal(dedupe.check(eventKey(reviewEvent({ groupId: 'pr-3', diffHunk: longHunk('total'), comment: 'This allocates on every call; hoist the table out of the function.' }))), undefined);
    assert.equal(dedupe.check(eventKey(reviewEvent({ groupId: 'pr-4' }))), undefined);
  });

  it('judges signatures worked out ahead in the order they are checked, not the order they were made', () => {
    const comment = 'Name the variable for what it holds; total is vague here and in the loop below.';
    const keys = [reviewEvent({ groupId: 'pr-9', diffHunk: longHunk('sum'), comment }), reviewEvent({ diffHunk: longHunk('total'), comment }), reviewEvent(), reviewEvent({ groupId: 'pr-2' })].map(eventKey);
    const dedupe = new Deduplicator();
    const signed = keys.map((key) => dedupe.sign(key));
    assert.deepEqual([1, 0, 3, 2].map((i) => dedupe.check(signed[i]!)), [undefined, 'near-duplicate', undefined, 'exact-duplicate']);
    const byKey = new Deduplicator();
    assert.deepEqual([1, 0, 3, 2].map((i) => byKey.check(keys[i]!)), [undefined, 'near-duplicate', undefined, 'exact-duplicate']);
  });

  it('never merges evidence with opposite labels', () => {
    const dedupe = new Deduplicator();
    assert.equal(dedupe.check(eventKey(feedbackEvent('accepted', 'let x = 1;', 'Prefer const.'))), undefined);
    assert.equal(dedupe.check(eventKey(feedbackEvent('dismissed', 'let x = 1;', 'Prefer const.'))), undefined);
    assert.equal(dedupe.check(eventKey(feedbackEvent('dismissed', 'let x = 1;', 'Prefer const.'))), 'exact-duplicate');
  });
});

describe('sample duplicates', () => {
  it('catches a follow-up and the branch rewrite it made teaching the same refinement', () => {
    const before = 'export function total(items) {\n  var sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}';
    const after = before.replace('var', 'let');
    const { samples } = buildSamples([
      reviewEvent({ kind: 'review-followup', groupId: 'm1', before, after, comment: 'sum is reassigned, so let, not var' }),
      reviewEvent({ kind: 'branch-rewrite', groupId: 'm1', before, after, comment: 'Address review: sum is reassigned, so let, not var' }),
    ]);
    const refinements = samples.filter((s) => s.task === 'code-refinement');
    assert.equal(refinements.length, 2);
    const dedupe = new Deduplicator();
    assert.deepEqual(
      refinements.map((s) => dedupe.check(sampleKey(s))),
      [undefined, 'near-duplicate'],
    );
  });
});

describe('MinHash', () => {
  it('estimates the Jaccard similarity of shingle sets', () => {
    const a = shingles(longHunk('total'));
    const b = shingles(longHunk('sum'));
    const exact = jaccard(a, b);
    const [sa, sb] = [minHash(a, 256), minHash(b, 256)];
    const estimate = sa.filter((v, i) => v === sb[i]).length / 256;
    assert.ok(exact > 0.8 && exact < 1, `exact ${exact}`);
    assert.ok(Math.abs(estimate - exact) < 0.1, `estimate ${estimate} vs ${exact}`);
    assert.equal(jaccard(a, a), 1);
  });

  it('treats a text shorter than a shingle as one shingle', () => {
    assert.equal(shingles('a b', 3).length, 1);
    assert.equal(shingles('', 3).length, 0);
    assert.equal(shingles('x = x = x = x', 3).length, 2);
  });
});
