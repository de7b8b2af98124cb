import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Passage } from '../../src/core/knowledge/passage';
import { packPassages } from '../../src/core/review/contextBudget';
import { passageCost } from '../../src/core/review/prompt';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { retrievalQuery } from '../../src/core/review/ruleRetrieval';

function passage(id: string, score: number, fields: Partial<Passage> = {}): Passage {
  return { id, kb: 'style', source: `docs/${id}.md`, startLine: 1, endLine: 5, heading: '', text: `Rule ${id}: ${'words '.repeat(20)}`, score, appliesTo: [], ...fields };
}

test('rules scoped to other files are left out; a rule scoped to this file outranks a general one of similar score', () => {
  const packed = packPassages(
    [passage('general', 0.030), passage('python', 0.040, { appliesTo: ['**/*.py'] }), passage('typescript', 0.026, { appliesTo: ['*.ts'] })],
    { path: 'src/app.ts', budgetTokens: 10_000, cost: passageCost },
  );
  assert.deepEqual(packed.passages.map((p) => p.passage.id), ['typescript', 'general']);
  assert.equal(packed.dropped.outOfScope, 1);
});

test('overlapping chunks of one source: contained ones are dropped, shared overlap lines are cut', () => {
  const lines = Array.from({ length: 12 }, (_, i) => `Sentence ${i + 1} of the naming rules.`);
  const first = passage('a', 0.05, { source: 'docs/style.md', startLine: 1, endLine: 8, text: lines.slice(0, 8).join('\n') });
  // The chunker repeats the last lines of a chunk at the start of the next (overlap).
  const second = passage('b', 0.04, { source: 'docs/style.md', startLine: 7, endLine: 12, text: lines.slice(6).join('\n') });
  const inside = passage('c', 0.03, { source: 'docs/style.md', startLine: 2, endLine: 4, text: lines.slice(1, 4).join('\n') });
  const packed = packPassages([inside, second, first], { path: 'x.ts', budgetTokens: 10_000, cost: passageCost });
  assert.deepEqual(packed.passages.map((p) => p.passage.id), ['a', 'b']);
  assert.equal(packed.passages[1]!.text, lines.slice(8).join('\n'));
  assert.equal(packed.dropped.duplicate, 1);
});

test('the budget is never exceeded; a passage too large is skipped and smaller ones after it still fit', () => {
  const big = passage('big', 0.05, { text: 'long '.repeat(400) });
  const small = [passage('s1', 0.04), passage('s2', 0.03), passage('s3', 0.02)];
  const budget = passageCost(small[0]!, small[0]!.text) * 2 + 5;
  const packed = packPassages([big, ...small], { path: 'x.ts', budgetTokens: budget, cost: passageCost });
  assert.deepEqual(packed.passages.map((p) => p.passage.id), ['s1', 's2']);
  assert.ok(packed.tokens <= budget);
  assert.equal(packed.dropped.overBudget, 2);
});

test('the retrieval query names language and path, then the window\'s most frequent distinct words', () => {
  const lines = Array.from({ length: 300 }, (_, i) => (i % 50 === 49 ? `catchAll(userName); // rare${i}` : `const word${i} = userName + shared;`));
  const [window] = reviewWindows(fileTarget('src/app.ts', lines.join('\n')), 300);
  const [header, body] = retrievalQuery(window!).split('\n');
  assert.equal(header, 'TypeScript code in src/app.ts');
  const words = body!.split(' ');
  assert.equal(words.length, 24);
  assert.deepEqual(words.slice(0, 4), ['userName', 'const', 'shared', 'catchAll']);
  assert.equal(new Set(words).size, 24);
});
