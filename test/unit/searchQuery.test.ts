import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikeCode } from '../../src/core/review/looksLikeCode';
import { searchRequest } from '../../src/core/review/ruleRetrieval';

const searchQuery = (text: string, file?: string) => searchRequest(text, file).query;

const CODE = [
  'def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket',
  'DEFAULT_PLUGINS = [\n    \'auth\',\n    \'billing\',]',
  'def net(gross, tax):\n    return (gross -\n            tax)',
  'const first = user.first;\nreturn "Hi " + first;',
  'fn get_name(&self) -> &str {\n    &self.name\n}',
  'if err != nil {\n\treturn err\n}',
  '[features]\nuse-std = []',
  'public class userAccount {\n  private int Count;\n}',
  'x = 1',
];
const PROSE = [
  'how are variables named',
  'Never swallow an error: an empty catch block hides failures from everyone.',
  'What does the guide say about imports (absolute vs relative)?',
  'for loops vs comprehensions: which is preferred?',
  'Write docstrings for every public function.\nKeep them short.',
  'tabs or spaces',
];

test('code in several languages reads as code; questions in words do not', () => {
  for (const code of CODE) assert.ok(looksLikeCode(code), code);
  for (const prose of PROSE) assert.ok(!looksLikeCode(prose), prose);
});

test('search takes a question as written, and code as a review would search for it', () => {
  for (const prose of PROSE) assert.equal(searchQuery(prose), prose);

  // No file: no language line; the code's words, most frequent first, then its code tokens where it has any.
  assert.deepEqual(searchQuery(CODE[0]!).split('\n'), ['bucket item def add append return', 'op3d5b op5b5d op5d29 op293a wpdefxadd wpreturnxbucket']);
  assert.deepEqual(searchQuery(CODE[5]!).split('\n'), ['err if nil return', 'op213d wpifxerr wpreturnxerr']);
  assert.deepEqual(searchQuery(CODE[4]!).split('\n').at(-1)!.split(' '), ['get', 'name', 'op2826', 'op2d3e', 'wpfnxgetname']);

  // A file named: its language heads the query.
  assert.deepEqual(searchQuery('items = [1, 2]\nvar total = items.length;', 'src/cart.py').split('\n'), ['Python code in src/cart.py', 'items var total length', 'wpvarxtotal']);
  // A file named makes even words a code query.
  assert.match(searchQuery('tabs or spaces', 'Makefile'), /^Makefile code in Makefile\n/);
});

test('search prefers the rules of the code\'s language: the named file\'s, or Python or Go where the syntax shows it', () => {
  assert.equal(searchRequest(CODE[0]!).language, 'Python');
  assert.equal(searchRequest(CODE[5]!).language, 'Go');
  // C-like syntax is shared by many languages; TOML and prose are no programming language.
  assert.equal(searchRequest(CODE[3]!).language, undefined);
  assert.equal(searchRequest(CODE[6]!).language, undefined);
  assert.equal(searchRequest(PROSE[0]!).language, undefined);
  assert.equal(searchRequest('let x = 1;', 'src/app.ts').language, 'TypeScript');
  assert.equal(searchRequest('tabs or spaces', 'Makefile').language, undefined);
});
