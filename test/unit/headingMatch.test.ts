import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferHeadingMatches } from '../../src/core/knowledge/headingMatch';
import type { Passage } from '../../src/core/knowledge/passage';

const passage = (id: string, heading: string): Passage => ({ id, kb: 'style', source: 'STYLE.md', startLine: 1, endLine: 2, heading, text: 'text', score: 1, appliesTo: [] });
const ids = (passages: Passage[]) => passages.map((p) => p.id);

// Twelve candidates in the search's order; the seventh is the section whose own heading names the code's construct.
const candidates = Array.from({ length: 12 }, (_, i) => passage(`p${i + 1}`, i === 6 ? 'Style > Return Statements' : `Style > Topic ${i + 1}`));

test('a passage whose own heading holds a query word rises, at half the weight of the search\'s order (seventh to fifth)', () => {
  const order = ids(preferHeadingMatches('scala code in Api.scala\ndef return val', candidates, 5));
  assert.deepEqual(order, ['p1', 'p2', 'p3', 'p4', 'p7']);
});

test('a word every heading holds tells nothing, and without a match the search\'s order stands', () => {
  const rules = [passage('a', 'Rule one'), passage('b', 'Rule two'), passage('c', 'Rule three')];
  assert.deepEqual(ids(preferHeadingMatches('rule', rules, 3)), ['a', 'b', 'c']);
  assert.deepEqual(ids(preferHeadingMatches('nothing here', candidates, 3)), ['p1', 'p2', 'p3']);
});

test('only the last part of the section path counts: a parent heading names no rule of its own', () => {
  const nested = [passage('x', 'Spacing'), passage('y', 'Return values > Naming'), passage('z', 'Return Statements')];
  assert.deepEqual(ids(preferHeadingMatches('return', nested, 3)), ['x', 'z', 'y']);
});
