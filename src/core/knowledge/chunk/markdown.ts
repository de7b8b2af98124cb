import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes, RootContent } from 'mdast';
import { readFrontMatter } from '../frontMatter';
import type { Block, Chunk, ChunkingOptions } from './chunk';
import { packBlocks } from './packBlocks';

/**
 * Splits Markdown at headings. Each top-level node (paragraph, list, code block, table, …) is a block
 * kept whole where it fits; the heading line opens its section's first chunk.
 */
export function chunkMarkdown(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const { appliesTo, body } = readFrontMatter(text);
  const lines = body.split(/\r?\n/);
  const nodes = fromMarkdown(body).children.filter((node) => node.position);
  const headings: string[] = [];
  const blocks: Block[] = [];
  let sectionHasContent = false;
  let pendingHeading: Block | undefined;

  nodes.forEach((node, index) => {
    const start = node.position!.start.line;
    const next = nodes[index + 1];
    // A block runs to the line before the next node, so blank lines between paragraphs stay in the chunk.
    const end = next ? next.position!.start.line - 1 : node.position!.end.line;
    const block = { heading: [] as string[], lines: range(lines, start, Math.max(end, node.position!.end.line)) };
    if (node.type === 'heading') {
      headings.length = Math.min(headings.length, node.depth - 1);
      while (headings.length < node.depth - 1) headings.push('');
      headings.push(plainText(node).trim());
      pendingHeading = { ...block, heading: headings.filter(Boolean) };
      sectionHasContent = false;
      return;
    }
    const heading = headings.filter(Boolean);
    if (pendingHeading && !sectionHasContent) blocks.push(pendingHeading);
    pendingHeading = undefined;
    sectionHasContent = true;
    blocks.push({ ...block, heading });
  });
  return packBlocks(source, blocks, options, appliesTo);
}

function range(lines: string[], start: number, end: number) {
  return lines.slice(start - 1, end).map((text, i) => ({ line: start + i, text }));
}

function plainText(node: Nodes | RootContent): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(plainText).join('');
  return '';
}
