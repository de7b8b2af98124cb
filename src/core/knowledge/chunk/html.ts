import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Block, Chunk, ChunkingOptions } from './chunk';
import { packBlocks } from './packBlocks';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const HEADING = /^h([1-6])$/;
const BLOCK = new Set(['p', 'li', 'pre', 'blockquote', 'dt', 'dd', 'tr', 'caption', 'figcaption', 'summary']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'nav']);

/** Splits HTML at h1–h6; paragraphs, rows and preformatted blocks are kept whole where they fit, and each list item is a rule of its own. */
export function chunkHtml(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const document = parse(text, { sourceCodeLocationInfo: true });
  // parse5 ends an element left open at the end of the file one line past it, and counts a lone CR as a line break.
  const lastLine = text.split(/\r?\n/).length;
  const headings: string[] = [];
  const blocks: Block[] = [];

  const visit = (node: Node): void => {
    if (!('tagName' in node)) return;
    const element = node as Element;
    if (SKIP.has(element.tagName)) return;
    const location = element.sourceCodeLocation;
    const level = HEADING.exec(element.tagName)?.[1];
    if (level && location) {
      headings.length = Math.min(headings.length, Number(level) - 1);
      while (headings.length < Number(level) - 1) headings.push('');
      headings.push(collapse(textOf(element, { plain: true, heading: true })));
      return;
    }
    if (BLOCK.has(element.tagName) && location && !(element.tagName === 'li' && hasBlockChild(element))) {
      const content = element.tagName === 'pre' ? fenced(element) : collapse(textOf(element, { cellSeparator: element.tagName === 'tr' ? ' | ' : '' }));
      const line = Math.min(location.startLine, lastLine);
      if (content) blocks.push({ heading: headings.filter(Boolean), lines: [{ line, endLine: Math.max(line, Math.min(location.endLine, lastLine)), text: content }], rule: element.tagName === 'li' });
      return;
    }
    for (const child of element.childNodes) visit(child);
  };
  for (const child of document.childNodes) visit(child);
  return packBlocks(source, blocks, options);
}

/**
 * A preformatted block as a fenced code block, tagged with its language where its class names one
 * (`prettyprint lang-java`, `language-go`): passages hold code as the Markdown guides' do, so its code tokens are
 * indexed (`codeOf`) and a prompt shows where code starts and ends.
 */
function fenced(pre: Element): string {
  const classes = [pre, ...pre.childNodes.filter((child): child is Element => 'tagName' in child && child.tagName === 'code')].flatMap((element) => element.attrs.filter((attr) => attr.name === 'class').map((attr) => attr.value));
  const language = /\b(?:lang|language)-([\w+#-]+)/.exec(classes.join(' '))?.[1] ?? '';
  return `\`\`\`${language}\n${textOf(pre, { plain: true }).replace(/\n$/, '')}\n\`\`\``;
}

/**
 * The text of a node; inline `<code>` in backticks, as in Markdown, unless `plain` (headings, code blocks). In a
 * `heading`, a link of symbols only is a permalink (Sphinx's `¶`, a `#` or `§`), not part of the name.
 */
function textOf(node: Node, options: { cellSeparator?: string; plain?: boolean; heading?: boolean } = {}): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if (!('childNodes' in node) || SKIP.has(node.nodeName)) return '';
  if (node.nodeName === 'br') return '\n';
  const parts = node.childNodes.map((child) => textOf(child, options));
  if (options.heading && node.nodeName === 'a' && !/[\p{L}\p{N}]/u.test(parts.join(''))) return '';
  if (node.nodeName === 'code' && !options.plain) return `\`${parts.join('')}\``;
  return options.cellSeparator && node.nodeName === 'tr' ? parts.map((p) => p.trim()).filter(Boolean).join(options.cellSeparator) : parts.join('');
}

function hasBlockChild(element: Element): boolean {
  return element.childNodes.some((child) => 'tagName' in child && (child.tagName === 'ul' || child.tagName === 'ol' || BLOCK.has(child.tagName)));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
