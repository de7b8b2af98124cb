import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandRanges, mergeRanges } from '../../src/core/lineRange';
import { fileTarget, selectionTarget, splitLines } from '../../src/core/review/reviewTarget';
import { reviewWindows, windowContains } from '../../src/core/review/reviewWindow';

const numbered = (n: number, blankEvery = 0) => Array.from({ length: n }, (_, i) => (blankEvery && (i + 1) % blankEvery === 0 ? '' : `line ${i + 1}`)).join('\n') + '\n';

test('lines: a final newline ends the last line; CRLF and CR split too', () => {
  assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
  assert.deepEqual(splitLines('a\r\nb\rc'), ['a', 'b', 'c']);
  assert.deepEqual(splitLines(''), []);
  assert.deepEqual(splitLines('\n'), ['']);
});

test('diff hunks grow by the context lines, are clipped to the file and merge when they meet', () => {
  assert.deepEqual(expandRanges([{ startLine: 3, endLine: 3 }, { startLine: 10, endLine: 11 }, { startLine: 40, endLine: 41 }], 3, 42), [
    { startLine: 1, endLine: 14 },
    { startLine: 37, endLine: 42 },
  ]);
  assert.deepEqual(mergeRanges([{ startLine: 5, endLine: 6 }, { startLine: 1, endLine: 4 }]), [{ startLine: 1, endLine: 6 }]);
  assert.deepEqual(expandRanges([{ startLine: 1, endLine: Number.MAX_SAFE_INTEGER }], 2, 0), []);
});

test('a long file is split into windows that cover every line exactly once and never exceed the limit', () => {
  const target = fileTarget('src/big.ts', numbered(1000, 37));
  const windows = reviewWindows(target, 120);
  const covered: number[] = windows.flatMap((w) => w.segments.flatMap((s) => Array.from({ length: s.endLine - s.startLine + 1 }, (_, i) => s.startLine + i)));
  assert.deepEqual(covered, Array.from({ length: 1000 }, (_, i) => i + 1));
  for (const window of windows) assert.ok(window.segments.reduce((n, s) => n + s.endLine - s.startLine + 1, 0) <= 120);
  // Cuts prefer a blank line near the limit (every 37th line is blank here).
  for (const window of windows.slice(0, -1)) assert.equal(target.lines[window.segments.at(-1)!.endLine - 1], '');
});

test('small ranges share a window and a finding spanning the gap between them is outside it', () => {
  const target = { ...fileTarget('a.py', numbered(300)), ranges: [{ startLine: 10, endLine: 20 }, { startLine: 100, endLine: 110 }, { startLine: 200, endLine: 260 }] };
  const windows = reviewWindows(target, 80);
  assert.deepEqual(windows.map((w) => w.segments), [[{ startLine: 10, endLine: 20 }, { startLine: 100, endLine: 110 }], [{ startLine: 200, endLine: 260 }]]);
  assert.ok(windowContains(windows[0]!, { startLine: 12, endLine: 14 }));
  assert.ok(!windowContains(windows[0]!, { startLine: 15, endLine: 105 }));
});

test('a selection is clipped to the file', () => {
  assert.deepEqual(selectionTarget('a.ts', numbered(10), { startLine: 8, endLine: 50 }).ranges, [{ startLine: 8, endLine: 10 }]);
  assert.deepEqual(selectionTarget('a.ts', numbered(10), { startLine: 20, endLine: 30 }).ranges, []);
});
