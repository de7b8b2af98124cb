import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes, RootContent } from 'mdast';
import { readFrontMatter } from '../frontMatter';
import type { Block, Chunk, ChunkingOptions } from './chunk';
import { packBlocks } from './packBlocks';

/**
 * Splits Markdown at headings. Each top-level node (paragraph, code block, table, …) is a block kept
 * whole where it fits, and each item of a top-level list a rule of its own; the heading line opens its
 * section's first chunk (a list's first item, where the list comes first).
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
      headings.push(headingName(node));
      pendingHeading = { ...block, heading: headings.filter(Boolean) };
      sectionHasContent = false;
      return;
    }
    const heading = headings.filter(Boolean);
    const opening = pendingHeading && !sectionHasContent ? pendingHeading.lines : [];
    pendingHeading = undefined;
    sectionHasContent = true;
    if (node.type !== 'list') {
      if (opening.length > 0) blocks.push({ heading, lines: opening });
      blocks.push({ ...block, heading });
      return;
    }
    // An item runs to the line before the next one, the last to the block's end (blank lines after the list).
    const items = node.children.filter((item) => item.position);
    items.forEach((item, i) => {
      const first = i === 0 ? start : item.position!.start.line;
      const last = i + 1 < items.length ? items[i + 1]!.position!.start.line - 1 : Math.max(end, node.position!.end.line);
      blocks.push({ heading, lines: [...(i === 0 ? opening : []), ...range(lines, first, last)], rule: true });
    });
  });
  return packBlocks(source, blocks, options, appliesTo);
}

function range(lines: string[], start: number, end: number) {
  return lines.slice(start - 1, end).map((text, i) => ({ line: start + i, text }));
}

/**
 * A heading's name, without a trailing attribute list: `## Naming {#naming}` (Pandoc, kramdown, MkDocs' attr_list)
 * or Writerside's `{initial-collapse-state="collapsed"}`, as Kotlin's coding conventions write.
 */
function headingName(node: Nodes): string {
  return plainText(node).replace(/\s*\{[^{}]*\}\s*$/, '').trim();
}

/** A heading's words: inline HTML (an anchor such as `<a name='imports'>Imports</a>`) is markup, not its name. */
function plainText(node: Nodes | RootContent): string {
  if (node.type === 'html') return '';
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(plainText).join('');
  return '';
}
