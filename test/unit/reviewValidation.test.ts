import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Passage } from '../../src/core/knowledge/passage';
import { findingsJsonSchema, meetsThreshold } from '../../src/core/review/finding';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { validateAnswer } from '../../src/core/review/validateFindings';
import { moveAfterFix } from '../../src/core/review/shiftFindings';

const passage: Passage = { id: 'p-9', kb: 'style', source: 'docs/style.md', startLine: 10, endLine: 14, heading: 'Naming', text: 'Use camelCase.', score: 1, appliesTo: [] };
const labels = new Map([['R1', passage]]);
const target = { ...fileTarget('src/a.ts', Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')), ranges: [{ startLine: 10, endLine: 20 }] };
const [window] = reviewWindows(target, 100);
const good = { rule: 'camelCase names', severity: 'warning', startLine: 12, endLine: 12, message: 'Rename user_name to userName.', replacement: 'const userName = 1;', citations: ['R1'] };

test('valid findings come back with citations resolved to source, lines and heading', () => {
  const check = validateAnswer(JSON.stringify({ findings: [good] }), window!, labels);
  assert.ok(check.ok);
  assert.deepEqual(check.findings, [{ path: 'src/a.ts', rule: 'camelCase names', severity: 'warning', startLine: 12, endLine: 12, message: 'Rename user_name to userName.', replacement: 'const userName = 1;', citations: [{ id: 'p-9', kb: 'style', source: 'docs/style.md', startLine: 10, endLine: 14, heading: 'Naming' }] }]);
});

test('findings outside the reviewed lines, citing unknown passages, or malformed are dropped and counted', () => {
  const answer = {
    findings: [
      good,
      { ...good, startLine: 30, endLine: 30 },
      { ...good, startLine: 15, endLine: 14 },
      { ...good, citations: ['R1', 'R7'] },
      { ...good, citations: [] },
      { ...good, severity: 'fatal' },
      'not an object',
    ],
  };
  const check = validateAnswer(JSON.stringify(answer), window!, labels);
  assert.ok(check.ok);
  assert.equal(check.findings.length, 1);
  assert.deepEqual(check.dropped, { outOfRange: 2, unknownCitation: 1, invalid: 3 });
});

test('an answer that is not the findings JSON is refused with a reason (the reviewer retries once)', () => {
  for (const content of ['Here are my findings: none', '{"findings": [', '{"issues": []}', '[]']) {
    const check = validateAnswer(content, window!, labels);
    assert.equal(check.ok, false, content);
  }
  const fenced = validateAnswer('```json\n{"findings": []}\n```', window!, labels);
  assert.ok(fenced.ok);
});

test('the format schema requires every field but the replacement and refuses extra keys', () => {
  const schema = findingsJsonSchema() as { properties: { findings: { items: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> } } } };
  const item = schema.properties.findings.items;
  assert.deepEqual([...item.required].sort(), ['citations', 'endLine', 'message', 'rule', 'severity', 'startLine']);
  assert.equal(item.additionalProperties, false);
  assert.deepEqual(item.properties.severity, { type: 'string', enum: ['error', 'warning', 'info', 'hint'], description: 'How serious the violation is, as the cited rule states it.' });
});

test('--fail-on thresholds', () => {
  assert.ok(meetsThreshold('error', 'warning'));
  assert.ok(meetsThreshold('warning', 'warning'));
  assert.ok(!meetsThreshold('info', 'warning'));
  assert.ok(meetsThreshold('hint', 'hint'));
  assert.ok(!meetsThreshold('error', 'none'));
});

test('after a fix is applied, findings below it move by the change in line count and overlapping ones go', () => {
  const base = { path: 'a.ts', rule: 'r', severity: 'warning' as const, message: 'm', citations: [] };
  const applied = { startLine: 10, endLine: 12, replacement: 'one line\n' };
  assert.deepEqual(moveAfterFix({ ...base, startLine: 3, endLine: 4 }, applied), { ...base, startLine: 3, endLine: 4 });
  assert.deepEqual(moveAfterFix({ ...base, startLine: 20, endLine: 21 }, applied), { ...base, startLine: 18, endLine: 19 });
  assert.equal(moveAfterFix({ ...base, startLine: 12, endLine: 14 }, applied), undefined);
  assert.deepEqual(moveAfterFix({ ...base, startLine: 20, endLine: 20 }, { startLine: 5, endLine: 5, replacement: 'a\nb\nc' }), { ...base, startLine: 22, endLine: 22 });
});
