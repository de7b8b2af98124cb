import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constructWords } from '../../src/core/review/codeConstructs';

const words = (language: string, code: string) => constructWords(language, code.split('\n')).join(' | ');

test('names Python constructs in the words guides use for them', () => {
  const found = words('Python', 'from .utils import *\n\ndef addItem(item, items=[]):\n    try:\n        items.append(item)\n    except:\n        pass');
  for (const phrase of ['wildcard imports', 'relative absolute', 'mutable default arguments', 'bare except', 'naming conventions names function method mixedCase']) {
    assert.ok(found.includes(phrase), `${phrase} in ${found}`);
  }
});

test('names JavaScript constructs, and only for the language that has them', () => {
  const code = 'function greet(user) {\n  const first = user.first;\n  return "Hi " + first;\n}';
  const found = words('JavaScript', code);
  for (const phrase of ['object destructuring', 'string concatenation', 'functions declarations']) assert.ok(found.includes(phrase), `${phrase} in ${found}`);
  assert.ok(!words('Python', 'items = []\nfor i in range(3):\n    items.append(i)').includes('arrays'));
});

test('plain code in the language\'s usual style adds nothing', () => {
  assert.deepEqual(constructWords('Python', ['def total(values):', '    return sum(values)']), []);
  assert.deepEqual(constructWords('TypeScript', ['export const total = (values: number[]) => values.reduce((a, b) => a + b, 0);']), []);
});
