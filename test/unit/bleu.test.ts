import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bleuTokens, sentenceBleu, smoothedBleu4 } from '../../src/core/eval/bleu';

const RETURNED = { removeStopwords: true };

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

test('tokens: words and punctuation split, case folded, as CodeReviewer tokenizes (underscores split, like NIST)', () => {
  assert.deepEqual(bleuTokens('Use camelCase, e.g. retry_count -> retryCount.'), ['use', 'camelcase', ',', 'e', '.', 'g', '.', 'retry', '_', 'count', '-', '>', 'retrycount', '.']);
  assert.deepEqual(bleuTokens('Version 1.5, not 2-3'), ['version', '1', '.', '5', ',', 'not', '2', '-', '3']);
});

test('identical texts score 1', () => {
  assert.equal(sentenceBleu('the cat sat on the mat', 'the cat sat on the mat'), 1);
});

test('one substituted word, worked by hand', () => {
  // Candidate: the cat is on the mat (6 tokens); reference: the cat sat on the mat (6 tokens).
  // 1-grams 5/6; 2-grams (the cat, on the, the mat) (3+1)/(5+1); 3-grams (on the mat) (1+1)/(4+1);
  // 4-grams 0 → (0+1)/(3+1); no brevity penalty. exp((ln 5/6 + ln 4/6 + ln 2/5 + ln 1/4) / 4).
  close(sentenceBleu('the cat sat on the mat', 'the cat is on the mat'), Math.exp((Math.log(5 / 6) + Math.log(4 / 6) + Math.log(2 / 5) + Math.log(1 / 4)) / 4));
  close(sentenceBleu('the cat sat on the mat', 'the cat is on the mat'), 0.4854917717073234);
});

test('a short candidate: smoothing keeps higher orders at 1, the brevity penalty is exp(1 - (r+1)/(c+1))', () => {
  // "the cat" against 6 reference tokens: 1-grams 2/2, 2-grams (1+1)/(1+1), 3- and 4-grams (0+1)/(0+1).
  close(sentenceBleu('the cat sat on the mat', 'the cat'), Math.exp(1 - 7 / 3));
});

test('no word in common scores (almost) 0, an empty answer exp(-r)', () => {
  assert.ok(sentenceBleu('never swallow errors', 'use tabs') < 1e-70);
  close(sentenceBleu('never swallow errors', ''), Math.exp(-3));
});

test('the corpus score is the mean sentence score times 100, rounded to 2 decimals', () => {
  const pairs = [
    { reference: 'the cat sat on the mat', prediction: 'the cat sat on the mat' },
    { reference: 'the cat sat on the mat', prediction: 'the cat is on the mat' },
  ];
  assert.equal(smoothedBleu4(pairs), 74.27);
  assert.equal(smoothedBleu4([]), 0);
});

test('the returned figure removes CodeReviewer\'s stopwords before lowercasing, as its evaluator does', () => {
  // "this", "to", "something", "can" are on its list; "please" is not; "Use" is kept because "use" is listed in lower case.
  assert.deepEqual(bleuTokens('please rename this flag to something callers can read', RETURNED), ['please', 'rename', 'flag', 'callers', 'read']);
  assert.deepEqual(bleuTokens('Use camelCase; use it.', RETURNED), ['use', 'camelcase', ';', '.']);
  // One word of 9 (with stopwords) or of 5 (without): no brevity-free n-gram, so exp(1 - (r + 1) / 2).
  close(sentenceBleu('please rename this flag to something callers can read', 'rename'), Math.exp(-4));
  close(sentenceBleu('please rename this flag to something callers can read', 'rename', RETURNED), Math.exp(-2));
  // A reference of stopwords only is empty once they are removed: an answer of stopwords only then matches it.
  assert.equal(sentenceBleu('it is not this', 'this is it', RETURNED), 1);
});

test('agrees with CodeReviewer\'s own evaluator on 60 pairs and their corpus, both figures', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/codereviewer-bleu/cases.json', import.meta.url), 'utf8')) as {
    corpus: { withStop: number; returned: number };
    pairs: { reference: string; prediction: string; withStop: number; returned: number }[];
  };
  for (const pair of fixture.pairs) {
    assert.equal(smoothedBleu4([pair]), pair.withStop, JSON.stringify(pair));
    assert.equal(smoothedBleu4([pair], RETURNED), pair.returned, JSON.stringify(pair));
  }
  assert.equal(smoothedBleu4(fixture.pairs), fixture.corpus.withStop);
  assert.equal(smoothedBleu4(fixture.pairs, RETURNED), fixture.corpus.returned);
});
