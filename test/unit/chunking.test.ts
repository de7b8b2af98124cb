import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkSource } from '../../src/core/knowledge/chunk/chunkSource';
import { chunkMarkdown } from '../../src/core/knowledge/chunk/markdown';
import { chunkHtml } from '../../src/core/knowledge/chunk/html';
import { chunkCodeComments } from '../../src/core/knowledge/chunk/codeComments';
import type { Chunk } from '../../src/core/knowledge/chunk/chunk';
import { countTokens } from '../../src/core/knowledge/tokens';
import { codeOf } from '../../src/core/knowledge/codeTokens';

const defaults = { maxTokens: 512, overlapTokens: 50 };

/** Every Markdown chunk is exactly the source lines it claims. */
function assertExactLines(text: string, chunks: Chunk[]): void {
  const lines = text.split('\n');
  for (const chunk of chunks) {
    assert.equal(chunk.text, lines.slice(chunk.startLine - 1, chunk.endLine).join('\n'), `chunk ${chunk.startLine}-${chunk.endLine}`);
  }
}

describe('chunkMarkdown', () => {
  const guide = [
    '# Guide', // 1
    '', // 2
    'Intro.', // 3
    '', // 4
    '## Naming', // 5
    '', // 6
    'Use camelCase.', // 7
    '', // 8
    '### Constants', // 9
    'UPPER_SNAKE_CASE for constants.', // 10
    '', // 11
    '```ts', // 12
    '# not a heading', // 13
    'const MAX = 1;', // 14
    '```', // 15
    '', // 16
    '## Errors', // 17
    '- never swallow', // 18
    '- throw Error objects', // 19
  ].join('\n');

  it('splits at headings with the heading path and exact 1-based lines', () => {
    const chunks = chunkMarkdown('guide.md', guide, defaults);
    assert.deepEqual(
      chunks.map((c) => [c.heading, c.startLine, c.endLine]),
      [
        ['Guide', 1, 3],
        ['Guide > Naming', 5, 7],
        ['Guide > Naming > Constants', 9, 15],
        ['Guide > Errors', 17, 19],
      ],
    );
    assertExactLines(guide, chunks);
    assert.ok(chunks[2]!.text.includes('# not a heading'), 'a # line inside a code block is code, not a heading');
  });

  it('keeps code blocks whole when they fit, splits long sections with overlap, and never cuts or repeats a list item', () => {
    const list = Array.from({ length: 40 }, (_, i) => `- rule number ${i} says something about naming things well`).join('\n');
    const code = ['```ts', ...Array.from({ length: 10 }, (_, i) => `const value${i} = compute(${i});`), '```'].join('\n');
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} explains why the team prefers small functions and early returns.`).join('\n\n');
    const text = `# Long\n\n${code}\n\n${paragraphs}\n\n${list}\n`;
    const options = { maxTokens: 120, overlapTokens: 20 };
    const chunks = chunkMarkdown('long.md', text, options);
    assertExactLines(text, chunks);
    for (const chunk of chunks) assert.ok(countTokens(chunk.heading) + countTokens(chunk.text) <= options.maxTokens, `chunk ${chunk.startLine} fits`);
    assert.ok(chunks.some((c) => c.text.startsWith('# Long') && c.text.includes(code)), 'the code block stays in one chunk');
    // The paragraphs did not fit one chunk: consecutive chunks overlap, never by more than the overlap budget.
    const listStart = text.split('\n').findIndex((line) => line.startsWith('- rule')) + 1;
    const prose = chunks.filter((c) => c.endLine < listStart);
    assert.ok(prose.length >= 3);
    for (let i = 1; i < prose.length; i++) {
      const previous = prose[i - 1]!;
      const current = prose[i]!;
      assert.ok(current.startLine <= previous.endLine, `chunk at ${current.startLine} overlaps the previous one`);
      const shared = text.split('\n').slice(current.startLine - 1, previous.endLine).join('\n');
      assert.ok(countTokens(shared) <= options.overlapTokens);
    }
    // The list's rules are packed whole, several to a chunk, each in exactly one chunk: no overlap repeats one.
    const rules = chunks.filter((c) => c.endLine >= listStart);
    assert.ok(rules.length >= 3 && rules.length < 40);
    assert.deepEqual(rules.flatMap((c) => c.text.split('\n').filter((line) => line.startsWith('- rule'))), list.split('\n'));
    // Nothing is lost: every non-blank line is in some chunk.
    const covered = new Set(chunks.flatMap((c) => Array.from({ length: c.endLine - c.startLine + 1 }, (_, j) => c.startLine + j)));
    text.split('\n').forEach((line, i) => line.trim() && assert.ok(covered.has(i + 1), `line ${i + 1} is covered`));
  });

  it('reads applyTo from front matter without shifting line numbers', () => {
    const text = '---\napplyTo: "**/*.test.ts, src/**"\n---\n# Tests\n\nName tests by behaviour.\n';
    const [chunk] = chunkMarkdown('.housestyle/rules/tests.instructions.md', text, defaults);
    assert.deepEqual(chunk!.appliesTo, ['**/*.test.ts', 'src/**']);
    assert.deepEqual([chunk!.startLine, chunk!.endLine], [4, 6]);
    assertExactLines(text, [chunk!]);
  });

  it("reads Cursor's .mdc rules and the agents' rule files as Markdown: scoped by their globs, split at headings", () => {
    const text = '---\ndescription: Naming\nglobs: src/**/*.ts\nalwaysApply: false\n---\n# Naming\n\nBooleans read as questions.\n\n## Files\n\nOne class per file.\n';
    const mdc = chunkSource('.cursor/rules/naming.mdc', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in mdc);
    assert.deepEqual(mdc.chunks.map((c) => [c.heading, c.startLine, c.appliesTo]), [['Naming', 6, ['src/**/*.ts']], ['Naming > Files', 10, ['src/**/*.ts']]]);
    const rules = chunkSource('.cursorrules', '# Tests\n\nName tests by behaviour.\n\n# Errors\n\nNever swallow an error.\n', { ...defaults, codeComments: false });
    assert.ok('chunks' in rules);
    assert.deepEqual(rules.chunks.map((c) => c.heading), ['Tests', 'Errors']);
  });

  it('handles skipped heading levels and seven-hash lines', () => {
    const text = '# A\n#### D\ntext d\n####### seven\n###### F\ntext f\n';
    const chunks = chunkMarkdown('deep.md', text, defaults);
    assert.deepEqual(chunks.map((c) => c.heading), ['A > D', 'A > D > F']);
    assert.ok(chunks[0]!.text.includes('####### seven'));
    assertExactLines(text, chunks);
  });

  it('makes no passage of HTML comments, which readers never see: a generator\'s notice before the title is left out', () => {
    const text = ['<!--', '  This file was generated. DO NOT EDIT.', '-->', '', '# Guide', '', '<!-- markdownlint-disable MD013 -->', '', '## Errors', '', 'Wrap errors with context.', '', '<!-- a note --> <!-- and another -->', '', '<!-- kept: not only a comment --> Handle each error once.', ''].join('\n');
    const chunks = chunkMarkdown('style.md', text, defaults);
    // The notice and the heading's switch make no passage; a comment within a section stays in its lines.
    assert.deepEqual(chunks.map((c) => [c.heading, c.startLine, c.endLine]), [['Guide > Errors', 9, 15]]);
    assert.doesNotMatch(chunks[0]!.text, /DO NOT EDIT|markdownlint/);
    assertExactLines(text, chunks);
  });

  it('cuts a single line longer than the budget between words', () => {
    const text = `# Minified\n${'word '.repeat(400)}\n`;
    const chunks = chunkMarkdown('min.md', text, { maxTokens: 64, overlapTokens: 0 });
    assert.ok(chunks.length > 5);
    for (const chunk of chunks) assert.ok(countTokens(chunk.text) + countTokens(chunk.heading) <= 64);
    assert.equal(chunks.map((c) => c.text.replace(/^# Minified\n?/, '')).join('').split(/\s+/).filter(Boolean).length, 400, 'no word lost or repeated');
  });

  it('reads headings over every example ("Right:", "Wrong:") as labels: rule and examples stay one section', () => {
    const example = (label: string, code: string) => [`###### ${label}`, '', '```cpp', code, '```', ''];
    const text = [
      '# Style', '', '### Names', '', 'Use snake_case for variables.', '',
      ...example('Right:', 'size_t buffer_size;'), ...example('Wrong:', 'size_t bufferSize;'),
      'Use full words.', '', ...example('Right:', 'size_t length;'), ...example('Wrong:', 'size_t len;'),
      '### Casts', '', 'No C-style casts.', '', ...example('Right:', 'auto x = static_cast<int>(y);'), ...example('Wrong:', 'auto x = (int)y;'),
      '#### Example', '', 'A section named Example only twice stays a section.', '', '#### Example', '', 'Its second one.',
    ].join('\n');
    const chunks = chunkMarkdown('CodingStyle.md', text, defaults);
    assertExactLines(text, chunks);
    assert.equal(chunkMarkdown('README.md', "## <a name='imports'>Imports</a>\n\nNo wildcards.", defaults)[0]!.heading, 'Imports', 'an anchor in a heading is markup, not its name');
    // Attribute lists after a heading (Pandoc's `{#id}`, Writerside's, as Kotlin's conventions write) are no part of its name.
    assert.equal(chunkMarkdown('coding-conventions.md', '### Enumerations {initial-collapse-state="collapsed" collapsible="true"}\n\nUse trailing commas.', defaults)[0]!.heading, 'Enumerations');
    assert.equal(chunkMarkdown('guide.md', '## Naming {#naming .rule}\n\nUse camelCase.', defaults)[0]!.heading, 'Naming');
    assert.deepEqual([...new Set(chunks.map((c) => c.heading))], ['Style > Names', 'Style > Casts', 'Style > Casts > Example']);
    const names = chunks.filter((c) => c.heading === 'Style > Names');
    assert.equal(names.length, 1, 'the rules of Names and their examples fit one passage');
    assert.match(names[0]!.text, /snake_case[\s\S]*bufferSize;[\s\S]*Use full words\.[\s\S]*size_t len;/);
    assert.match(chunks.find((c) => c.heading === 'Style > Casts')!.text, /###### Right:\n\n```cpp\nauto x = static_cast/, "the label's lines stay in the text");
  });
});

describe('chunkHtml', () => {
  it('splits at h1-h6 and maps paragraphs, list items and rows to their source lines', () => {
    const html = [
      '<html><head><title>x</title><style>p{}</style></head><body>', // 1
      '<h1>Guide</h1>', // 2
      '<p>Use camelCase', // 3
      'for variables.</p>', // 4
      '<h2>Tables</h2>', // 5
      '<table><tr><td>Rule</td><td>Why</td></tr>', // 6
      '<tr><td>no var</td><td>scoping</td></tr></table>', // 7
      '<script>ignored()</script>', // 8
      '<ul><li>one</li><li>two</li></ul>', // 9
      '</body></html>',
    ].join('\n');
    const chunks = chunkHtml('guide.html', html, defaults);
    assert.deepEqual(
      chunks.map((c) => [c.heading, c.startLine, c.endLine, c.text]),
      [
        ['Guide', 3, 4, 'Use camelCase for variables.'],
        ['Guide > Tables', 6, 9, 'Rule | Why\nno var | scoping\none\ntwo'],
      ],
    );
  });

  it('keeps code as code: a <pre> block fenced with its language, inline <code> in backticks, none in headings', () => {
    const html = [
      '<h3>6.2 Caught exceptions: not <code>ignored</code></h3>', // 1
      '<p>Rethrow it as an <code class="prettyprint lang-java">AssertionError</code>.</p>', // 2
      '<pre class="prettyprint lang-java">try {', // 3
      '  parse(text);', // 4
      '} catch (NumberFormatException ok) {', // 5
      '}', // 6
      '</pre>', // 7
    ].join('\n');
    const [chunk] = chunkHtml('javaguide.html', html, defaults);
    assert.equal(chunk!.heading, '6.2 Caught exceptions: not ignored');
    assert.equal(chunk!.text, ['Rethrow it as an `AssertionError`.', '```java', 'try {', '  parse(text);', '} catch (NumberFormatException ok) {', '}', '```'].join('\n'));
    assert.deepEqual([chunk!.startLine, chunk!.endLine], [2, 7]);
    assert.match(codeOf(chunk!.text), /^AssertionError\ntry \{/, 'the code tokens of HTML guides are indexed');
    // A permalink of symbols (Sphinx's ¶) is no part of a heading's name; a name's own symbols stay.
    const sphinx = '<h1>C# Guide<a class="headerlink" href="#guide">¶</a></h1>\n<h2>Naming<a href="#naming">#</a></h2>\n<p>Use PascalCase.</p>';
    assert.equal(chunkHtml('guide.html', sphinx, defaults)[0]!.heading, 'C# Guide > Naming');
  });
});

describe('chunkCodeComments', () => {
  it('indexes comment blocks and docstrings only, one group per block, skipping short pragmas', () => {
    const ts = ['// eslint-disable-next-line', 'const a = 1;', '/**', ' * Retries are capped so a dead host', ' * cannot stall the queue.', ' */', 'function retry() {}', '// Always pass the logger in, never import it.', 'x();'].join('\n');
    const chunks = chunkCodeComments('src/retry.ts', ts, defaults);
    assert.deepEqual(
      chunks.map((c) => [c.startLine, c.endLine]),
      [
        [4, 5],
        [8, 8],
      ],
    );
    assert.match(chunks[0]!.text, /Retries are capped so a dead host\ncannot stall the queue\./);
    const py = 'def f():\n    """Return the user, or None when the id is unknown."""\n    # a short one\n    return None\n';
    assert.deepEqual(chunkCodeComments('app/users.py', py, defaults).map((c) => [c.startLine, c.text]), [[2, 'Return the user, or None when the id is unknown.']]);
  });

  it('skips source files unless comments are asked for', () => {
    assert.ok('skip' in chunkSource('src/a.ts', '// a comment with enough words here\n', { ...defaults, codeComments: false }));
    assert.ok('chunks' in chunkSource('src/a.ts', '// a comment with enough words here\n', { ...defaults, codeComments: true }));
  });
});

describe('chunkRestructuredText', () => {
  const pep = [
    'PEP: 8', // 1
    '', // 2
    '============', // 3
    'Code Lay-out', // 4
    '============', // 5
    '', // 6
    'Indentation', // 7
    '-----------', // 8
    '', // 9
    'Use 4 spaces per indentation level::', // 10
    '', // 11
    '    foo = long_function_name(var_one,', // 12
    '                             var_two)', // 13
    '', // 14
    '=======', // 15
    'Imports', // 16
    '=======', // 17
    '', // 18
    '- Imports should usually be on separate lines.', // 19
    '', // 20
    'Not a title because the line is longer', // 21
    '---', // 22
  ].join('\n');

  it('splits at underlined (and overlined) titles, levels in order of first appearance, with exact lines', () => {
    const chunks = chunkSource('docs/pep-0008.rst', pep, { ...defaults, codeComments: false });
    assert.ok('chunks' in chunks);
    assert.deepEqual(
      chunks.chunks.map((c) => [c.heading, c.startLine, c.endLine]),
      [
        ['', 1, 1],
        // "Code Lay-out" has nothing under it but its subsection: no passage of its own, as in Markdown.
        ['Code Lay-out > Indentation', 7, 13],
        ['Imports', 15, 22],
      ],
    );
    assertExactLines(pep, chunks.chunks);
  });

  it("reads a .txt guide written in reStructuredText as such, as Sphinx projects keep theirs; a target names the section below", () => {
    // As Django's docs/internals/contributing/writing-code/coding-style.txt is laid out.
    const text = [
      '============', 'Coding style', '============', '', 'Follow these standards.', '',
      '.. _coding-style-python:', '', 'Python style', '============', '', '* Use underscores, not camelCase.', '',
      '.. _coding-style-imports:', '', 'Imports', '=======', '', '* Sort imports.', '', '  .. code-block:: python', '', '      import json', '',
    ].join('\n');
    const result = chunkSource('docs/internals/coding-style.txt', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in result);
    assert.deepEqual(result.chunks.map((c) => [c.heading, c.startLine, c.endLine]), [
      ['Coding style', 1, 5],
      ['Coding style > Python style', 7, 12],
      ['Coding style > Imports', 14, 23],
    ]);
    assertExactLines(text, result.chunks);
    // Plain text that writes no such markup stays plain text (git's CodingGuidelines has none).
    const plain = chunkSource('docs/notes.txt', 'Rules\n=====\n\nKeep it short.\n', { ...defaults, codeComments: false });
    assert.ok('chunks' in plain);
    assert.deepEqual(plain.chunks.map((c) => c.heading), ['Rules']);
  });
});

describe('list items and AsciiDoc', () => {
  it('packs a plain-text guide\'s bullets whole: one too long for a chunk starts its own, with no overlap', () => {
    const bullet = (i: number, words: number) => [` - Rule ${i}: ${'word '.repeat(words).trim()}`, '   continued.'];
    const text = ['For C programs:', '', ...bullet(1, 10), ...bullet(2, 40), ...bullet(3, 10), ''].join('\n');
    const result = chunkSource('Documentation/CodingGuidelines', text, { maxTokens: 64, overlapTokens: 20, codeComments: false });
    assert.ok('chunks' in result);
    const chunks: Chunk[] = result.chunks;
    assertExactLines(text, chunks);
    // Every rule is in exactly one chunk, whole.
    for (const rule of [1, 2, 3]) {
      const holding = chunks.filter((c) => c.text.includes(`Rule ${rule}:`));
      assert.equal(holding.length, 1, `rule ${rule}`);
      assert.ok(holding[0]!.text.includes(`Rule ${rule}: word`) && holding[0]!.text.split('\n').some((line) => line === '   continued.'));
    }
    assert.ok(!chunks.some((c) => c.text.includes('Rule 1:') && c.text.includes('Rule 2:')), 'rule 2 does not fit beside rule 1');
  });

  it("names a plain-text guide's sections by the short lines that name them, as git's CodingGuidelines does", () => {
    const text = [
      'Like other projects, we have some guidelines.  For Git in general,', 'a few rough rules are:', '', ' - We live in the real world.', '',
      'For C programs:', '', ' - We use tabs to indent.', '', ' - Do not initialize globals to 0.', '',
      'Error Messages', '', ' - Do not end a single-sentence error message with a full stop.', '',
      'Please read this.', '', 'It is short.', '',
    ].join('\n');
    const result = chunkSource('Documentation/CodingGuidelines', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in result);
    assert.deepEqual(result.chunks.map((c) => [c.heading, c.startLine]), [['', 1], ['For C programs', 6], ['Error Messages', 12]]);
    // A sentence, even a short one, names nothing: it stays in the section it is in.
    assert.match(result.chunks[2]!.text, /full stop\.\n\nPlease read this\.\n\nIt is short\.$/);
    assertExactLines(text, result.chunks);
    // Titles over an underline name sections too, with the section's text right below or after a blank line.
    const underlined = chunkSource('docs/guide.txt', 'Team Conventions\n================\n\nIntro.\n\nNaming\n------\n\nUse snake_case.\n\nErrors\n------\nNever swallow errors.\n', { ...defaults, codeComments: false });
    assert.ok('chunks' in underlined);
    assert.deepEqual(underlined.chunks.map((c) => [c.heading, c.startLine, c.endLine]), [['Team Conventions', 1, 4], ['Naming', 6, 9], ['Errors', 11, 13]]);
    // Written in AsciiDoc without the extension, as git's SubmittingPatches is: read as AsciiDoc.
    const asciiDoc = chunkSource('Documentation/SubmittingPatches', 'Submitting Patches\n==================\n\n== Guidelines\n\nSend patches inline.\n\n== Trailers\n\nSign off.\n', { ...defaults, codeComments: false });
    assert.ok('chunks' in asciiDoc);
    assert.deepEqual(asciiDoc.chunks.map((c) => c.heading), ['Submitting Patches > Guidelines', 'Submitting Patches > Trailers']);
  });

  it('splits AsciiDoc at its section titles, not at `==` lines inside listing blocks', () => {
    const text = ['= Ruby Style Guide', '', 'Intro.', '', '== Layout', '', '* Use two spaces.', '', '----', '== not a title', '----', '', '=== Tabs', 'Never tabs.'].join('\n');
    const result = chunkSource('docs/ruby/README.adoc', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in result);
    assert.deepEqual(result.chunks.map((c) => [c.heading, c.startLine, c.endLine]), [
      ['Ruby Style Guide', 1, 3],
      ['Ruby Style Guide > Layout', 5, 11],
      ['Ruby Style Guide > Layout > Tabs', 13, 14],
    ]);
    assertExactLines(text, result.chunks);
  });

  it('reads AsciiDoc titles over an underline (as git titles its guides), and tells them from block fences by length', () => {
    // As git's ReviewingGuidelines.adoc opens: the document's title underlined with `=`, sections with `-` and `~`.
    const text = [
      'Reviewing Patches', '=================', '', 'Introduction', '------------', 'Be kind.', '',
      'Principles', '----------', '', 'Selecting patches', '~~~~~~~~~~~~~~~~~', 'Start with the oldest.', '',
      'An example:', '----', '== not a title', '----', '',
    ].join('\n');
    const result = chunkSource('Documentation/ReviewingGuidelines.adoc', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in result);
    assert.deepEqual(result.chunks.map((c) => c.heading), [
      'Reviewing Patches > Introduction',
      'Reviewing Patches > Principles > Selecting patches',
    ]);
    assert.match(result.chunks[1]!.text, /An example:\n----\n== not a title\n----/);
    assertExactLines(text, result.chunks);
    // As the Ruby style guide writes: a `[TIP]` over an example block's `====` is the block's metadata, not a title;
    // an inline anchor is no part of a title's name.
    const ruby = ['= Ruby Style Guide', '', '== Layout', '', '[TIP]', '====', 'Read the intro.', '====', '', '=== Tabs or Spaces? [[tabs-or-spaces]]', '', 'Use only spaces.', ''].join('\n');
    const rubyChunks = chunkSource('README.adoc', ruby, { ...defaults, codeComments: false });
    assert.ok('chunks' in rubyChunks);
    assert.deepEqual(rubyChunks.chunks.map((c) => c.heading), ['Ruby Style Guide > Layout', 'Ruby Style Guide > Layout > Tabs or Spaces?']);
  });
  it("gives AsciiDoc sections the attribute lines above their titles, and makes no passage of the document's header", () => {
    // As Zalando's API guidelines number their rules (`[#243]` over the title), and the Ruby guide opens with settings.
    const text = [
      '= API Guidelines', ':toc: preamble', ':sectanchors:', '', '[#243]', '== {MUST} use official status codes', '', 'Only official codes.', '',
      '[[legend]]', '[.small]', '=== Legend', '', 'What each mark means.', '',
    ].join('\n');
    const result = chunkSource('docs/api/status-codes.adoc', text, { ...defaults, codeComments: false });
    assert.ok('chunks' in result);
    assert.deepEqual(result.chunks.map((c) => [c.heading, c.startLine, c.endLine]), [
      ['API Guidelines > {MUST} use official status codes', 5, 8],
      ['API Guidelines > {MUST} use official status codes > Legend', 10, 14],
    ]);
    assertExactLines(text, result.chunks);
  });
});
