import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeOf, codeTokens } from '../../src/core/knowledge/codeTokens';

test('code is spelled as pairs of adjacent symbols and identifier parts, so a rule\'s example and the code under review share words', () => {
  // Each run of symbols gives its adjacent pairs (`!=`, `&&`, `=>`, `::`, and `);` of `bar(x);`); a lone symbol
  // and plain words add nothing (the text has them).
  assert.deepEqual(codeTokens('if (a != b && f => g) Foo::bar(x);'), ['op213d', 'op2626', 'op3d3e', 'op3a3a', 'op293b']);
  assert.deepEqual(codeTokens('lineStart = MAX_VALUE + parseHTTPHeader(x)'), ['line', 'start', 'max', 'value', 'parse', 'http', 'header']);
  // The same syntax in a rule's example and in reviewed code is the same word, in any language, with no list
  // of operators: `!=` alone or in a longer run, and a mutable default (`=[]`) before `)` or `):`.
  assert.ok(codeTokens('if(ptr != NULL)').includes(codeTokens('x != 0')[0]!));
  assert.ok(codeTokens('if (a!=-1)').includes('op213d'));
  const example = new Set(codeTokens('def add(item, items=[])'));
  assert.deepEqual(codeTokens('def imports(names=[]):').filter((token) => example.has(token)), ['op3d5b', 'op5b5d', 'op5d29']);
  assert.deepEqual(codeTokens('x = 1.5e3'), []);
});

test('two words with only spaces between them are one word, as in a rule\'s example and the code that breaks it', () => {
  // "using" and "namespace" are everywhere in a C++ guide; `using namespace` is in one rule.
  assert.deepEqual(codeTokens('using namespace std;\nreturn NULL;'), ['wpusingxnamespace', 'wpnamespacexstd', 'wpreturnxnull']);
  assert.deepEqual(codeTokens('using\tnamespace'), codeTokens('using namespace'));
  // Not across a line, a symbol or a dot; identifiers are spelled as the index spells words.
  assert.deepEqual(codeTokens('return\nx; a.b(c)').filter((token) => token.startsWith('wp')), []);
  assert.deepEqual(codeTokens('static MAX_SIZE'), ['max', 'size', 'wpstaticxmaxsize']);
});

test('a passage\'s code is its fenced and indented blocks and its inline spans', () => {
  const passage = ['Prefer `nullptr` over `NULL`:', '', '```cpp', 'int *p = nullptr;', '```', '', '    x := f()', 'Prose about code.'].join('\n');
  assert.equal(codeOf(passage), ['nullptr', 'NULL', 'int *p = nullptr;', '    x := f()'].join('\n'));
  // A list item's prose wrapped onto an indented line is prose, as CommonMark reads it; after a blank line it is code.
  const list = ['- Opening braces go on the same line as', '    the declaration they open.', '', '    if (x) {', '\tcall();'].join('\n');
  assert.equal(codeOf(list), ['    if (x) {', '\tcall();'].join('\n'));
  // AsciiDoc: a listing block under its [source] line is code; a Markdown heading's `----` underline is not.
  const asciiDoc = ['Use `snake_case`.', '', '[source,ruby]', '----', '# bad', 'def someMethod', '----', '', 'Setext title', '----', 'prose'].join('\n');
  assert.equal(codeOf(asciiDoc), ['snake_case', '# bad', 'def someMethod'].join('\n'));
});
