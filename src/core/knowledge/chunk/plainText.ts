import type { Block, Chunk, ChunkingOptions, SourceLine } from './chunk';
import { listItems, sectionBody } from './listItems';
import { packBlocks } from './packBlocks';

/**
 * Plain text and unknown formats: paragraphs (separated by blank lines) are the blocks, each list item a rule of its
 * own, under the heading the text last gave (`titleOf`), which opens its section's first chunk.
 */
export function chunkPlainText(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const blocks: Block[] = [];
  let section: Block[] = [];
  let title: { text: string; lines: number } | undefined;
  const close = () => blocks.push(...sectionBody(section, title?.lines ?? 0).map((block) => ({ ...block, heading: title ? [title.text] : [] })));
  const all = paragraphs(text.split(/\r?\n/), 1);
  all.forEach((block, i) => {
    const named = titleOf(block, i + 1 < all.length);
    if (named !== undefined) {
      close();
      section = [];
      title = named;
    }
    section.push(block);
  });
  close();
  return packBlocks(source, blocks.flatMap(listItems), options);
}

/**
 * A paragraph that names a section in plain text, as git's CodingGuidelines names "Error Messages" and "For C
 * programs:": one short line at the margin, starting with a capital, that does not end a sentence and reads as no
 * code or list item, alone in its paragraph (and not the last), or over an underline of `=`, `-` or `~` with the
 * section's text maybe following. Its text without the colon, and how many lines it takes; undefined for any other
 * paragraph. A name repeated over many sections ("Example:") becomes a label, not a heading, when the blocks are
 * packed (`labelHeadings`).
 */
function titleOf(block: Block, more: boolean): { text: string; lines: number } | undefined {
  const written = block.lines.filter((line) => line.text.trim() !== '');
  const underlined = written.length >= 2 && /^([=~-])\1{2,}\s*$/.test(written[1]!.text);
  if (!underlined && (written.length !== 1 || !more)) return undefined;
  const line = written[0]!.text.trimEnd();
  if (line.length > 60 || line.split(/\s+/).length > 6 || !/^\p{Lu}/u.test(line) || /[.,;!?]$/.test(line) || /[{}<>;=`|]|^\S+\(|\d[.)]\s/.test(line)) return undefined;
  return { text: line.replace(/:$/, ''), lines: underlined ? 2 : 1 };
}

export function paragraphs(lines: string[], firstLine: number): Block[] {
  const blocks: Block[] = [];
  let current: SourceLine[] = [];
  lines.forEach((text, i) => {
    current.push({ line: firstLine + i, text });
    if (text.trim() === '' && current.some((l) => l.text.trim() !== '')) {
      blocks.push({ heading: [], lines: current });
      current = [];
    }
  });
  if (current.length > 0) blocks.push({ heading: [], lines: current });
  return blocks;
}
