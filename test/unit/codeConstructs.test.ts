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

test('names Go constructs in Effective Go\'s words, not JavaScript\'s', () => {
  const code = 'package user_store\n\nfunc (s *Store) GetOwner() string {\n\tif s.owner == "" {\n\t\tpanic("no owner")\n\t}\n\treturn s.owner\n}';
  const found = words('Go', code);
  for (const phrase of ['package names', 'getters Get prefix', 'panic errors']) assert.ok(found.includes(phrase), `${phrase} in ${found}`);
  assert.ok(!found.includes('equality strict comparison'), found);
});

test('code of no named file is read as the family its syntax shows, or as any when it shows none', () => {
  const python = constructWords(undefined, ['def load(path):', '    for key in config.keys():', '        x = len(key)']).join(' | ');
  assert.ok(python.includes('default iterators dictionary keys'), python);
  assert.ok(!python.includes('formatting gofmt'), python);
  const go = constructWords(undefined, ['func load() {', '  value, _ := read()', '}']).join(' | ');
  assert.ok(go.includes('blank identifier') && go.includes('formatting gofmt'), go);
  assert.ok(!go.includes('indentation spaces per level'), go);
  // One line that every family could have written: every family's detectors are tried.
  const unknown = constructWords(undefined, ['sorter = lambda n: new Array(n)']).join(' | ');
  assert.ok(unknown.includes('arrays literal') && unknown.includes('lambda functions'), unknown);
});

test('names JavaScript constructs beyond arrays and functions: modules, objects, variables, comparison', () => {
  const code = "const util = require('./util');\nconst point = {\n  x: x,\n  'y': 2,\n};\nlet count = 0;\ncount++;\nconst ready = done ? true : false;";
  const found = words('JavaScript', code);
  for (const phrase of ['modules import export require', 'objects property value shorthand', 'objects quote properties', 'unary increments', 'unneeded ternary', 'references const let']) {
    assert.ok(found.includes(phrase), `${phrase} in ${found}`);
  }
});
