import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes } from 'mdast';

/**
 * A rule's text as a prompt needs it: links keep their text and lose their targets, link definitions go.
 * A model reviewing code cannot follow a URL, and in style guides that link every rule to its lint rule or
 * reference the URLs are a sixth of the text (the Airbnb and Rust guides of test/bench/retrieval). Markdown
 * is parsed, so code spans and blocks are never touched; reStructuredText loses its `text <url>`_ targets;
 * other text is returned as it is.
 */
export function withoutLinkTargets(source: string, text: string): string {
  if (/\.(md|markdown|mdx)$/i.test(source)) return markdownWithoutLinkTargets(text);
  if (/\.rst$/i.test(source)) return text.replace(/`([^`<\n]+?)\s*<[^<>`\s]+>`__?/g, '`$1`_');
  return text;
}

function markdownWithoutLinkTargets(text: string): string {
  if (!/\]\(|\]:|!\[/.test(text)) return text;
  const edits: { start: number; end: number; replacement: string }[] = [];
  const visit = (node: Nodes): void => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start !== undefined && end !== undefined) {
      if (node.type === 'link' || node.type === 'linkReference') {
        const first = node.children[0]?.position?.start.offset;
        const last = node.children.at(-1)?.position?.end.offset;
        edits.push({ start, end, replacement: first !== undefined && last !== undefined ? text.slice(first, last) : '' });
        return;
      }
      if (node.type === 'image' || node.type === 'imageReference') return void edits.push({ start, end, replacement: node.alt ?? '' });
      if (node.type === 'definition') return void edits.push({ start, end, replacement: '' });
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(fromMarkdown(text));
  let result = text;
  // From the end, so earlier offsets stay valid.
  for (const { start, end, replacement } of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, start) + replacement + result.slice(end);
  return result;
}
