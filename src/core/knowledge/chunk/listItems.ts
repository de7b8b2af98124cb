import type { Block } from './chunk';

/** A bullet (`-`, `*`, `+`, `•`) or a numbered item's number (`1.`, `1)`, `#.`) opening a line, with its indentation and the spaces after it. */
export const LIST_MARKER = /^(\s*)(?:[-*+•]|\d{1,3}[.)]|#\.)\s+/;

/** A list item opening a line: its marker with text after it. */
export const LIST_ITEM = new RegExp(`${LIST_MARKER.source}\\S`);

/**
 * A paragraph of plain text or reStructuredText split into its list items, each a rule block of its own
 * (an item runs to the next item at the same indentation). Lines of the paragraph before the first item
 * (a title, an introducing sentence) open the first item's block, as a heading opens its section's.
 */
export function listItems(block: Block): Block[] {
  const first = block.lines.findIndex((line) => LIST_ITEM.test(line.text));
  if (first < 0) return [block];
  const indent = LIST_ITEM.exec(block.lines[first]!.text)![1]!.length;
  const starts = block.lines.flatMap((line, i) => (i >= first && LIST_ITEM.exec(line.text)?.[1]!.length === indent ? [i] : []));
  return starts.map((start, n) => ({ heading: block.heading, lines: block.lines.slice(n === 0 ? 0 : start, starts[n + 1] ?? block.lines.length), rule: true }));
}

/**
 * A section's blocks, its title (the first `titleLines` written lines) opening the first: none where the section
 * holds only its title (a document's title over its first section), which still names the sections below it, as
 * in Markdown.
 */
export function sectionBody(body: Block[], titleLines: number): Block[] {
  const written = body.flatMap((block) => block.lines).filter((line) => line.text.trim() !== '').length;
  return written > titleLines ? titleOpensBody(body, titleLines) : [];
}

/** A section's paragraphs with the first, where it holds only the title, opening the second: a title never stands alone as a chunk. */
function titleOpensBody(body: Block[], titleLines: number): Block[] {
  const [title, next, ...rest] = body;
  if (!title || !next || title.lines.filter((line) => line.text.trim() !== '').length > titleLines) return body;
  return [{ ...next, lines: [...title.lines, ...next.lines] }, ...rest];
}
