import type { Block, Chunk, ChunkingOptions, SourceLine } from './chunk';
import { listItems } from './listItems';
import { packBlocks } from './packBlocks';

/** Plain text and unknown formats: paragraphs (separated by blank lines) are the blocks, each list item a rule of its own. */
export function chunkPlainText(source: string, text: string, options: ChunkingOptions): Chunk[] {
  return packBlocks(source, paragraphs(text.split(/\r?\n/), 1).flatMap(listItems), options);
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
