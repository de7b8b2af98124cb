import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Passage } from '../../src/core/knowledge/passage';
import { passageCost, rulesBlock } from '../../src/core/prompt/dataBlocks';
import { withoutLinkTargets } from '../../src/core/prompt/withoutLinkTargets';

const GUIDE = `- Use \`const\` for all of your references; avoid using \`var\`. eslint: [\`prefer-const\`](https://eslint.org/docs/rules/prefer-const), [\`no-const-assign\`](https://eslint.org/docs/rules/no-const-assign)

  > Why? See [the rationale][why] and ![a diagram](img/const.png "Const").

  \`\`\`javascript
  // bad: the brackets and parentheses below are code, not a link
  var a = handlers[0](event);
  const b = [label](url);
  \`\`\`

  Inline code such as \`[text](target)\` is code too.

[why]: https://github.com/airbnb/javascript#references--prefer-const
`;

test('Markdown links keep their text and lose their targets; code spans and blocks are untouched', () => {
  const compact = withoutLinkTargets('docs/style.md', GUIDE);
  assert.equal(
    compact,
    GUIDE.replace('[`prefer-const`](https://eslint.org/docs/rules/prefer-const)', '`prefer-const`')
      .replace('[`no-const-assign`](https://eslint.org/docs/rules/no-const-assign)', '`no-const-assign`')
      .replace('[the rationale][why]', 'the rationale')
      .replace('![a diagram](img/const.png "Const")', 'a diagram')
      .replace('[why]: https://github.com/airbnb/javascript#references--prefer-const', ''),
  );
  assert.doesNotMatch(compact, /https?:/);
});

test('reStructuredText loses its `text <url>`_ targets; other sources are left as they are', () => {
  assert.equal(withoutLinkTargets('docs/pep-0008.rst', 'See `PEP 257 <https://peps.python.org/pep-0257/>`_ and ``code <x>``.'), 'See `PEP 257`_ and ``code <x>``.');
  const plain = 'See [this](https://example.com).';
  assert.equal(withoutLinkTargets('docs/notes.txt', plain), plain);
});

test('the prompt shows and budgets a rule without its link targets', () => {
  const passage: Passage = { id: 'p', kb: 'style', source: 'docs/style.md', startLine: 1, endLine: 15, heading: 'References', text: GUIDE, score: 1, appliesTo: [] };
  const block = rulesBlock([{ passage, text: GUIDE }], '0123456789abcdef').text;
  assert.doesNotMatch(block, /eslint\.org|github\.com/);
  assert.match(block, /eslint: `prefer-const`, `no-const-assign`/);
  assert.ok(passageCost(passage, GUIDE) < passageCost({ ...passage, source: 'docs/style.txt' }, GUIDE));
});
