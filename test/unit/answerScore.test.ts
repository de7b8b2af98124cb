import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreAnswer } from '../../src/core/eval/answerScore';
import type { TestExample } from '../../src/core/eval/testSplit';

const example = (reference: string, task: 'review-comment' | 'review-findings' = 'review-comment'): TestExample => ({ line: 1, task, path: 'a.ts', prompt: { task, nonce: '0123456789abcdef' }, reference });

test('exact match compares the tokens BLEU compares: case and spacing are no miss, another word is', () => {
  const reference = 'Use camelCase for variables: rename retry_count to retryCount.';
  assert.equal(scoreAnswer(example(reference), '  use camelcase for variables:  Rename retry_count to retryCount .\n').exact, true);
  assert.equal(scoreAnswer(example(reference), 'Use camelCase for constants: rename retry_count to retryCount.').exact, false);
});

test('an invalid answer to a findings example is never exact and scores 0, even where the human found nothing', () => {
  const score = scoreAnswer(example('{"findings": []}', 'review-findings'), "I think it's fine.");
  assert.deepEqual([score.valid, score.exact, score.bleu, score.bleuWithStop], [false, false, 0, 0]);
  assert.deepEqual([scoreAnswer(example('{"findings": []}', 'review-findings'), '{"findings":[]}').exact], [true]);
});
