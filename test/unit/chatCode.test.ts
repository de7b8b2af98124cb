import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chosenCode } from '../../src/core/chat/chosenCode';

const FILE = { path: 'src/app.ts', text: 'const a = 1;\nconst b = 2;\n' };

test('chat code: "with selection" and nothing selected sends no code, and the turn says so', () => {
  assert.deepEqual(chosenCode('selection', FILE), { label: 'no code: nothing is selected in src/app.ts' });
});

test('chat code: a selection goes with its lines; "with file" sends the whole file; "no code" sends and says nothing', () => {
  const selected = { ...FILE, selection: { startLine: 2, endLine: 2 } };
  assert.deepEqual(chosenCode('selection', selected), { code: selected, label: 'with src/app.ts:2-2' });
  assert.deepEqual(chosenCode('file', selected), { code: FILE, label: 'with src/app.ts' });
  assert.deepEqual(chosenCode('none', selected), {});
});

test('chat code: with no workspace file open, no code goes and the turn says why', () => {
  assert.deepEqual(chosenCode('file', undefined), { label: 'no code: no workspace file is open' });
  assert.deepEqual(chosenCode('selection', undefined), { label: 'no code: no workspace file is open' });
});
