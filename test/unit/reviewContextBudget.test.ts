import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Passage } from '../../src/core/knowledge/passage';
import { packPassages } from '../../src/core/review/contextBudget';
import { passageCost, rulesBlock } from '../../src/core/prompt/dataBlocks';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { retrievalQuery, retrieveRules } from '../../src/core/review/ruleRetrieval';
import { parseConfig } from '../../src/core/config';

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

test('overlapping chunks of one section: contained ones are dropped, the rest join one block without the shared lines', () => {
  const lines = Array.from({ length: 18 }, (_, i) => `Sentence ${i + 1} of the naming rules.`);
  const chunk = (id: string, score: number, start: number, end: number) =>
    passage(id, score, { source: 'docs/style.md', heading: 'Naming', startLine: start, endLine: end, text: lines.slice(start - 1, end).join('\n') });
  // The chunker repeats the last lines of a chunk at the start of the next (overlap).
  const [first, second, inside, earlier] = [chunk('a', 0.05, 7, 14), chunk('b', 0.04, 13, 18), chunk('c', 0.03, 8, 10), chunk('d', 0.02, 1, 7)];
  const packed = packPassages([inside, second, first, earlier], { path: 'x.ts', budgetTokens: 10_000, cost: passageCost });
  assert.deepEqual(
    packed.passages.map(({ passage: p }) => [p.id, p.startLine, p.endLine]),
    [['a', 1, 18]],
  );
  assert.equal(packed.passages[0]!.text, lines.join('\n'));
  assert.equal(packed.dropped.duplicate, 1);
  // One block, paid once, costs less than the three it replaces.
  assert.equal(packed.tokens, passageCost(packed.passages[0]!.passage, packed.passages[0]!.text));
  assert.ok(packed.tokens < [earlier, first, second].reduce((sum, p) => sum + passageCost(p, p.text), 0));
});

test('touching chunks of different sections, or of different PDF pages, stay apart', () => {
  const sections = [
    passage('naming', 0.05, { source: 'docs/style.md', heading: 'Naming', startLine: 1, endLine: 4 }),
    passage('errors', 0.04, { source: 'docs/style.md', heading: 'Errors', startLine: 5, endLine: 8 }),
  ];
  assert.deepEqual(packPassages(sections, { path: 'x.ts', budgetTokens: 10_000, cost: passageCost }).passages.map((p) => p.passage.id), ['naming', 'errors']);
  // A PDF's lines are counted within each page: the same numbers on two pages are different text.
  const pages = [
    passage('p1', 0.05, { source: 'docs/standard.pdf', heading: 'Scope', page: 1, startLine: 1, endLine: 5 }),
    passage('p2', 0.04, { source: 'docs/standard.pdf', heading: 'Scope', page: 2, startLine: 2, endLine: 4 }),
  ];
  const packed = packPassages(pages, { path: 'x.ts', budgetTokens: 10_000, cost: passageCost });
  assert.deepEqual(packed.passages.map((p) => [p.passage.id, p.passage.page]), [['p1', 1], ['p2', 2]]);
  assert.equal(packed.dropped.duplicate, 0);
});

// Two thirds of the budget go to passages shown whole: a budget whose two thirds are `tokens`.
const budgetForWhole = (tokens: number) => Math.ceil(tokens * 1.5);

test('the budget is never exceeded; a passage too large is skipped and smaller ones after it still fit', () => {
  const big = passage('big', 0.05, { text: 'long '.repeat(400) });
  const small = [passage('s1', 0.04), passage('s2', 0.03), passage('s3', 0.02)];
  const budget = budgetForWhole(passageCost(small[0]!, small[0]!.text) * 2 + 5);
  const packed = packPassages([big, ...small], { path: 'x.ts', budgetTokens: budget, cost: passageCost });
  assert.deepEqual(packed.passages.filter((p) => !p.openings).map((p) => p.passage.id), ['s1', 's2']);
  assert.ok(packed.tokens <= budget);
  assert.equal(packed.dropped.overBudget + packed.passages.filter((p) => p.openings).length, 2);
});

test('the last third of the budget lists the rules of the passages not shown whole, then of those past `whole`, by their openings', () => {
  const section = (id: string, score: number, rules: string[]) =>
    passage(id, score, { heading: `Guide > ${id}`, text: rules.map((rule) => `- ${rule} For example:\n\n  \`\`\`js\n  ${'example(); '.repeat(12)}\n  \`\`\``).join('\n') });
  const first = section('first', 0.05, ['Use const for bindings never reassigned.', 'Use let otherwise.']);
  const second = section('second', 0.04, ['Name booleans as questions.', 'Prefer whole words.']);
  const third = section('third', 0.03, ['Never swallow an error.', 'Log it or rethrow it.']);
  const past = section('past', 0.02, ['Import named bindings only.']);
  const budget = budgetForWhole(passageCost(first, first.text) + passageCost(second, second.text) + 5);
  const packed = packPassages([first, second, third, past], { path: 'x.js', budgetTokens: budget, cost: passageCost, whole: 3 });
  assert.deepEqual(packed.passages.map((p) => [p.passage.id, p.openings === true]), [['first', false], ['second', false], ['third', true], ['past', true]]);
  assert.equal(packed.passages[2]!.text, 'Never swallow an error.\nLog it or rethrow it.');
  assert.equal(packed.passages[3]!.text, 'Import named bindings only.');
  assert.ok(packed.tokens <= budget);
  assert.equal(packed.retrieved, 4);

  // Where every one of the first `whole` fits, those past it are not weighed at all.
  const roomy = packPassages([first, second, third, past], { path: 'x.js', budgetTokens: 10_000, cost: passageCost, whole: 3 });
  assert.deepEqual(roomy.passages.map((p) => [p.passage.id, p.openings === true]), [['first', false], ['second', false], ['third', false]]);
  assert.equal(roomy.retrieved, 3);
  assert.deepEqual(roomy.dropped, { outOfScope: 0, duplicate: 0, overBudget: 0 });
});

test('without a path (chat with no code in view) no rule is out of scope, and none is boosted', async () => {
  const found = [passage('general', 0.03), passage('python', 0.04, { appliesTo: ['*.py'] }), passage('typescript', 0.02, { appliesTo: ['*.ts'] })];
  const scoped = await retrieveRules({ search: async () => found }, 'q', 'src/app.ts', parseConfig({}));
  assert.deepEqual(scoped.passages.map((p) => p.passage.id), ['general', 'typescript']);
  const anywhere = await retrieveRules({ search: async () => found }, 'q', undefined, parseConfig({}));
  assert.deepEqual(anywhere.passages.map((p) => p.passage.id), ['python', 'general', 'typescript']);
  assert.equal(anywhere.retrieved, 3);
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

test('a passage the budget cannot hold whole keeps its lines that best match the query, cited by the lines shown', () => {
  const whole = [passage('first', 0.05, { text: 'Prefer small functions. '.repeat(30) }), passage('second', 0.04, { text: 'Name things well. '.repeat(30) })];
  const lines = [
    ...Array.from({ length: 12 }, (_, i) => `General advice about layout and wrapping, line ${i + 1}.`),
    'Never compare with `== null`; use `is None` instead.',
    'The identity check says what is meant.',
    ...Array.from({ length: 12 }, (_, i) => `More advice about comments and spacing, line ${i + 1}.`),
  ];
  const long = passage('long', 0.03, { source: 'docs/style.md', heading: 'Comparisons', startLine: 40, endLine: 40 + lines.length - 1, text: lines.join('\n') });
  const budget = budgetForWhole(whole.reduce((sum, p) => sum + passageCost(p, p.text), 0) + 100);
  assert.ok(passageCost(long, long.text) > 100);

  // Without the query its lines cannot be chosen: it is listed by its opening sentence only.
  const plain = packPassages([...whole, long], { path: 'x.py', budgetTokens: budget, cost: passageCost });
  assert.deepEqual(plain.passages.map((p) => [p.passage.id, p.openings === true]), [['first', false], ['second', false], ['long', true]]);

  const packed = packPassages([...whole, long], { path: 'x.py', budgetTokens: budget, cost: passageCost, query: 'Python code in x.py\nif value == None\nop3d3d' });
  assert.deepEqual(packed.passages.map((p) => p.passage.id), ['first', 'second', 'long']);
  assert.deepEqual(packed.passages.slice(0, 2), whole.map((p) => ({ passage: p, text: p.text })));
  const shown = packed.passages[2]!;
  assert.ok(shown.passage.startLine <= 52 && shown.passage.endLine >= 52, `the rule's line is shown (${shown.passage.startLine}-${shown.passage.endLine})`);
  assert.ok(shown.passage.endLine - shown.passage.startLine + 1 < lines.length);
  // The text is the document's own lines, and the prompt cites exactly those.
  assert.equal(shown.text, lines.slice(shown.passage.startLine - 40, shown.passage.endLine - 40 + 1).join('\n'));
  assert.match(rulesBlock([shown], 'n0').text, new RegExp(`lines="${shown.passage.startLine}-${shown.passage.endLine}"`));
  assert.ok(packed.tokens <= budget);
  assert.equal(packed.dropped.overBudget, 0);
});

test('with the query known, no passage takes more than a quarter of the budget, so a long first one leaves room for the rest', () => {
  const lines = Array.from({ length: 60 }, (_, i) => (i === 30 ? 'Use `const` for bindings that are never reassigned.' : `Background on the history of the codebase, paragraph ${i + 1}.`));
  const long = passage('long', 0.05, { source: 'docs/style.md', heading: 'History', startLine: 1, endLine: 60, text: lines.join('\n') });
  const small = [passage('s1', 0.04, { text: 'Rule s1: '.concat('words '.repeat(150)) }), passage('s2', 0.03, { text: 'Rule s2: '.concat('words '.repeat(150)) })];
  const budget = budgetForWhole(passageCost(long, long.text) + passageCost(small[0]!, small[0]!.text) + 20);

  const plain = packPassages([long, ...small], { path: 'x.ts', budgetTokens: budget, cost: passageCost });
  assert.deepEqual(plain.passages.filter((p) => !p.openings).map((p) => p.passage.id), ['long', 's1']);
  const packed = packPassages([long, ...small], { path: 'x.ts', budgetTokens: budget, cost: passageCost, query: 'TypeScript code in x.ts\nlet const' });
  assert.deepEqual(packed.passages.map((p) => [p.passage.id, p.openings === true]), [['long', false], ['s1', false], ['s2', false]]);
  const shown = packed.passages[0]!;
  assert.ok(passageCost(shown.passage, shown.text) <= budget / 4);
  assert.ok(shown.passage.startLine <= 31 && 31 <= shown.passage.endLine, `the matching line is shown (${shown.passage.startLine}-${shown.passage.endLine})`);
  assert.equal(shown.text, lines.slice(shown.passage.startLine - 1, shown.passage.endLine).join('\n'));
});

test('an excerpt of a passage whose text is not its file\'s lines one for one (an HTML list) is cited by the whole passage', () => {
  const items = Array.from({ length: 40 }, (_, i) => (i === 20 ? 'Never compare with == null; use is None.' : `Advice on layout and wrapping, item ${i + 1}.`));
  // Forty list items read from an HTML file whose elements sit on lines 100 to 260.
  const html = passage('html', 0.05, { source: 'docs/style.html', heading: 'Comparisons', startLine: 100, endLine: 260, text: items.join('\n') });
  const budget = passageCost(html, html.text) - 1;
  const packed = packPassages([html], { path: 'x.py', budgetTokens: budget, cost: passageCost, query: 'Python code in x.py\nif value == None\nop3d3d' });
  const shown = packed.passages[0]!;
  assert.ok(shown.text.includes('use is None') && shown.text.split('\n').length < items.length, shown.text);
  assert.deepEqual([shown.passage.startLine, shown.passage.endLine], [100, 260]);
});
