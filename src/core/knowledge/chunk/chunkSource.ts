import { chunkAsciiDoc } from './asciiDoc';
import type { Chunk, ChunkingOptions } from './chunk';
import { chunkCodeComments, isCodeFile } from './codeComments';
import { chunkHtml } from './html';
import { chunkMarkdown } from './markdown';
import { isMarkdownSource } from './markdownSource';
import { chunkPdf } from './pdf';
import { chunkPlainText } from './plainText';
import { chunkRestructuredText } from './restructuredText';

/** Bump when chunking changes (or the code tokens of a chunk's full text, `codeTokens`, or a document's languages, `documentLanguages`), so existing indexes re-chunk every file once. */
export const CHUNKER_VERSION = 9;

/**
 * A `.txt` or extensionless file written in reStructuredText, as Sphinx projects keep their docs (Django's coding
 * style is `docs/internals/contributing/writing-code/coding-style.txt`): two lines of its explicit markup at least,
 * hyperlink targets (`.. _imports:`) or directives (`.. code-block:: python`), which plain text never writes.
 */
function readsAsRestructuredText(source: string, text: string): boolean {
  return /\.txt$|(?:^|\/)[^./]+$/i.test(source) && (text.match(/^[ \t]*\.\. (?:_[^:\n]+:|[A-Za-z][\w-]*::)/gm)?.length ?? 0) >= 2;
}

/** `skipped` says which parts of an indexed file were left out, and why. */
export type ChunkResult = { chunks: Chunk[]; skipped?: string[] } | { skip: string };

/** Chooses the chunker by file name. Source code is indexed only for its comments, and only when asked. */
export function chunkSource(source: string, text: string, options: ChunkingOptions & { codeComments: boolean }): ChunkResult {
  if (isMarkdownSource(source)) return { chunks: chunkMarkdown(source, text, options) };
  if (/\.(html?|xhtml)$/i.test(source)) return { chunks: chunkHtml(source, text, options) };
  if (/\.pdf$/i.test(source)) return chunkPdf(source, text, options);
  if (/\.rst$/i.test(source) || readsAsRestructuredText(source, text)) return { chunks: chunkRestructuredText(source, text, options) };
  // An extensionless guide written in AsciiDoc (git's SubmittingPatches titles its sections `== Guidelines`).
  if (/\.(adoc|asciidoc)$/i.test(source) || (!/\.[^./]+$/.test(source) && (text.match(/^={2,6} \S/gm)?.length ?? 0) >= 2)) return { chunks: chunkAsciiDoc(source, text, options) };
  if (isCodeFile(source)) {
    return options.codeComments ? { chunks: chunkCodeComments(source, text, options) } : { skip: 'source code; set codeComments: true on the knowledge base to index its comments' };
  }
  return { chunks: chunkPlainText(source, text, options) };
}
