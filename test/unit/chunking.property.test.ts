import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Chunk } from '../../src/core/knowledge/chunk/chunk';
import { chunkSource } from '../../src/core/knowledge/chunk/chunkSource';
import { propertyRuns } from '../support/propertyRuns';

/** Property runs per test: enough to find edge cases, few enough to keep the suite fast. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const options = { maxTokens: 64, overlapTokens: 8, codeComments: true };

/** Lines in the shapes the chunkers parse (headings, lists, fences, tables, tags, comments, front matter), mixed with arbitrary text. */
const line = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '   ', '---', '```', '~~~', '# Title', '## Naming', '###### deep', '- item', '1. step', '> quote', '| a | b |', '|---|---|', '    indented code'),
  fc.constantFrom('<h1>Rules</h1>', '<p>Use const.', '</p>', '<pre>', '</pre>', '<script>x()</script>', '<li>one</li>', '<!-- note -->', '<table><tr><td>a</td></tr></table>'),
  fc.constantFrom('// comment', '/* block', ' * middle', ' */', '/** doc */', '# python comment', '"""', "'''", 'const a = 1; // trailing'),
  fc.constantFrom('applyTo: "src/**"', 'globs: [a, b]', 'title: x'),
);
const document = fc.tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol));
/** Arbitrary bytes read as UTF-8, as a file on disk would be. */
const bytes = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8'));

/** An ATX heading line, as Markdown reads it. */
const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
/** A setext heading's underline (which also makes the line above it a heading). */
const SETEXT = /^ {0,3}(?:-+|=+)[ \t]*$/;

const FILES = ['guide.md', 'page.html', 'notes.txt', 'src/app.ts', 'tool.py'];

function chunksOf(file: string, text: string): Chunk[] {
  const result = chunkSource(file, text, options);
  assert.ok('chunks' in result, `${file} is chunked`);
  return result.chunks;
}

function assertWithinSource(file: string, text: string, chunks: Chunk[]): void {
  const lineCount = text.split(/\r?\n/).length;
  for (const chunk of chunks) {
    assert.equal(chunk.source, file);
    assert.ok(Number.isInteger(chunk.startLine) && chunk.startLine >= 1, `start ${chunk.startLine} is 1-based`);
    assert.ok(chunk.endLine >= chunk.startLine, `end ${chunk.endLine} follows start ${chunk.startLine}`);
    assert.ok(chunk.endLine <= lineCount, `end ${chunk.endLine} within ${lineCount} lines`);
    assert.notEqual(chunk.text.trim(), '', 'no empty chunk');
  }
}

describe('chunkers (property-based)', () => {
  for (const file of FILES) {
    it(`${file}: never crash on arbitrary text or bytes, and keep every chunk within the source, 1-based`, () => {
      fc.assert(
        fc.property(fc.oneof(document, bytes), (text) => {
          assertWithinSource(file, text, chunksOf(file, text));
        }),
        propertyRuns(RUNS),
      );
    });
  }

  for (const file of ['notes.txt', 'guide.md']) {
    // A heading is carried in its section's chunks (as their heading and first line); one with no content under it has
    // no chunk. In Markdown an HTML comment is no block: it lies in the chunk of the block before it, if any.
    it(`${file}: every non-blank line of the source lies in some chunk, headings and comments aside`, () => {
      // Front matter is metadata, not content: documents here do not open with one.
      const content = document.filter((text) => !/^---[ \t]*\r?\n/.test(text));
      fc.assert(
        fc.property(content, (text) => {
          const chunks = chunksOf(file, text);
          const lines = text.split(/\r?\n/);
          // A setext heading is the run of text lines above its underline.
          const underlined = (i: number): boolean => lines[i]!.trim() !== '' && (SETEXT.test(lines[i + 1] ?? '') || (i + 1 < lines.length && underlined(i + 1)));
          const isHeading = (i: number) => HEADING.test(lines[i]!) || underlined(i) || (SETEXT.test(lines[i]!) && (lines[i - 1] ?? '').trim() !== '');
          const uncovered = lines
            .map((source, i) => ({ source, line: i + 1 }))
            .filter(({ source, line }) => source.trim() !== '' && !(file.endsWith('.md') && (isHeading(line - 1) || /^\s*<!--.*-->\s*$/.test(source))) && !chunks.some((chunk) => chunk.startLine <= line && line <= chunk.endLine));
          assert.deepEqual(uncovered, []);
        }),
        propertyRuns(RUNS),
      );
    });
  }
});
