import type { Block, Chunk, ChunkingOptions } from './chunk';
import { listItems, titleOpensBody } from './listItems';
import { paragraphs } from './plainText';
import { packBlocks } from './packBlocks';

/** A section title: one to six `=` then a space (the document title is level 0). */
const TITLE = /^(={1,6})\s+(\S.*)$/;
/** A delimited block's fence (listing, literal, example, sidebar, quote, passthrough, comment): titles inside are text. */
const FENCE = /^(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|\/{4,})\s*$/;

/**
 * Splits AsciiDoc at section titles (`== Title`), outside delimited blocks. Paragraphs are the blocks, each
 * list item a rule of its own, and a title opens its section's first chunk.
 */
export function chunkAsciiDoc(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  const titles: { line: number; level: number; text: string }[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const delimiter = FENCE.exec(line)?.[1];
    if (delimiter && (fence === undefined || delimiter === fence)) fence = fence === undefined ? delimiter : undefined;
    const title = fence === undefined ? TITLE.exec(line) : null;
    if (title) titles.push({ line: i, level: title[1]!.length - 1, text: title[2]!.trim() });
  });
  const headings: string[] = [];
  const blocks: Block[] = paragraphs(lines.slice(0, titles[0]?.line ?? lines.length), 1);
  titles.forEach((title, i) => {
    headings.length = Math.min(headings.length, title.level);
    while (headings.length < title.level) headings.push('');
    headings.push(title.text);
    const heading = headings.filter(Boolean);
    const body = titleOpensBody(paragraphs(lines.slice(title.line, titles[i + 1]?.line ?? lines.length), title.line + 1), 1);
    blocks.push(...body.map((block) => ({ ...block, heading })));
  });
  return packBlocks(source, blocks.flatMap(listItems), options);
}
