import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleOpenings } from '../../src/core/review/ruleOpenings';

// Shaped like the Elixir style guide's rules: each bullet opens with an anchor, its rule wraps, its example follows.
const BULLETS = `## Expressions

* <a name="true-as-last-condition"></a>
  Use \`true\` as the last condition of the \`cond\` special form when you need a
  clause that always matches.
  <sup>[[link](#true-as-last-condition)]</sup>

  \`\`\`elixir
  # not preferred
  cond do
    :else -> "OK"
  end
  \`\`\`

* <a name="zero-arity-parens"></a>
  Use parentheses for calls to functions with zero arity, so they can be
  distinguished from variables. Starting in Elixir 1.4, the compiler warns.
`;

test('each bullet of a section is one opening: its rule, unwrapped, without anchor, link or example', () => {
  const shown = ruleOpenings({ source: 'docs/STYLE.md', heading: 'Guide > Expressions', text: BULLETS }, 1000).split('\n');
  assert.deepEqual(shown, [
    'Use `true` as the last condition of the `cond` special form when you need a clause that always matches.',
    'Use parentheses for calls to functions with zero arity, so they can be distinguished from variables.',
  ]);
});

test('a paragraph shows its first sentence, not cut at "e.g." or an ellipsis, and a long one is cut', () => {
  const text = [
    'Never swallow an error: an empty catch block hides failures. Log it, or rethrow it.',
    '',
    'We prefer $( ... ) for command substitution; unlike ``, it properly nests.',
    '',
    'Use an initializer (e.g. `{}`) where a type allows one. Otherwise assign.',
    '',
    `A rule that goes on ${'and on '.repeat(30)}without a stop`,
  ].join('\n');
  const shown = ruleOpenings({ source: 'docs/STYLE.md', heading: 'Guide > Errors', text }, 1000).split('\n');
  assert.equal(shown[0], 'Never swallow an error: an empty catch block hides failures.');
  assert.equal(shown[1], 'We prefer $( ... ) for command substitution; unlike ``, it properly nests.');
  assert.equal(shown[2], 'Use an initializer (e.g. `{}`) where a type allows one.');
  assert.match(shown[3]!, /^A rule that goes on and on .*…$/);
  assert.ok(shown[3]!.length <= 121, shown[3]);
});

test('code is never an opening: fenced, indented, or an AsciiDoc listing; nor are titles, underlines, tables, attributes or directives', () => {
  const text = [
    'Unit Tests',
    '==========',
    '',
    '.. note:: this is a directive',
    '',
    '| Rule | Example |',
    '|------|---------|',
    '',
    '    indented_code = call()',
    '',
    ':toc: preamble',
    'ifndef::backend-pdf[]',
    'endif::[]',
    '',
    '[source,ruby]',
    '----',
    'listing_code = 1',
    '----',
    '',
    '```',
    'fenced_code();',
    '```',
    '',
    '<table>',
    '<thead><tr><th>Bad</th><th>Good</th></tr></thead>',
    '<tbody>',
    '<tr><td>',
    '',
    '- [H203] Use assertIsNone to check for None, never',
    '  assertEqual(None, x).',
  ].join('\n');
  const shown = ruleOpenings({ source: 'HACKING.rst', heading: 'Style > Unit Tests', text }, 1000);
  assert.equal(shown, '[H203] Use assertIsNone to check for None, never assertEqual(None, x).');
});

test('the budget keeps whole openings, at least one, and says when rules were left out', () => {
  const text = Array.from({ length: 40 }, (_, i) => `- Rule number ${i + 1} says what to do in this case.`).join('\n');
  const shown = ruleOpenings({ source: 'docs/STYLE.md', heading: 'Rules', text }, 200).split('\n');
  assert.equal(shown.at(-1), '…');
  assert.deepEqual(shown.slice(0, -1), Array.from({ length: shown.length - 1 }, (_, i) => `Rule number ${i + 1} says what to do in this case.`));
  assert.ok(shown.slice(0, -1).join('\n').length <= 200);
  assert.ok(shown.length > 2);
  assert.deepEqual(ruleOpenings({ source: 'docs/STYLE.md', heading: 'Rules', text }, 10).split('\n'), ['Rule number 1 says what to do in this case.', '…']);
});

test('links keep their text, as the prompt shows them', () => {
  const text = '1. We use [Allman style](http://en.wikipedia.org/wiki/Indent_style#Allman_style) braces, where each brace begins on a new line.';
  assert.equal(ruleOpenings({ source: 'docs/coding-style.md', heading: 'C# Coding Style', text }, 1000), 'We use Allman style braces, where each brace begins on a new line.');
});
