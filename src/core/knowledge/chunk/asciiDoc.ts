import type { Block, Chunk, ChunkingOptions } from './chunk';
import { listItems, sectionBody } from './listItems';
import { paragraphs } from './plainText';
import { packBlocks } from './packBlocks';

/** A section title: one to six `=` then a space (the document title is level 0). */
const TITLE = /^(={1,6})\s+(\S.*)$/;
/** A delimited block's fence (listing, literal, example, sidebar, quote, passthrough, comment): titles inside are text. */
const FENCE = /^(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|\/{4,})\s*$/;
/**
 * A two-line section title's underline and its level (git's Documentation/*.adoc title every section this way), by
 * Asciidoctor's rule (lib/asciidoctor/parser.rb `is_two_line_section_title?`, rx.rb `SetextSectionLineRx`,
 * `SetextSectionTitleRx`): one of these characters repeated, under a line that has a word character and does not
 * start with a dot, their lengths within one of each other. So such an underline is no block fence. Lines Asciidoctor
 * reads as a block's metadata first (`[TIP]` over an example block's `====`, `[[anchor]]`, `// comment`,
 * `:attribute:`) are no titles.
 */
const UNDERLINE_LEVELS: Record<string, number> = { '=': 0, '-': 1, '~': 2, '^': 3, '+': 4 };

function underlinedTitle(line: string, next = ''): number | undefined {
  const level = UNDERLINE_LEVELS[next[0] ?? ''];
  const metadata = /^\[.*\]\s*$|^\/\/|^:[^:\s]+:/.test(line);
  const title = level !== undefined && !metadata && /^(.)\1*$/.test(next) && /\w/.test(line) && !line.startsWith('.') && Math.abs(line.length - next.length) <= 1;
  return title ? level : undefined;
}

/** A block attribute line (`[#id]`, `[[id]]`, `[.role]`, `[NOTE]`): metadata of the block or section below it. */
const BLOCK_ATTRIBUTES = /^\[.*\]\s*$/;

/** A title as a reader sees it: without an inline anchor (`Tabs or Spaces? [[tabs-or-spaces]]`; Asciidoctor's `InlineSectionAnchorRx`). */
function titleText(title: string): string {
  return title.replace(/\s+\\?\[\[[^\]]*\]\]\s*$/, '').trim();
}

/**
 * Splits AsciiDoc at section titles (`== Title`, or a title over its underline), outside delimited blocks.
 * Paragraphs are the blocks, each list item a rule of its own, and a title opens its section's first chunk.
 */
export function chunkAsciiDoc(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  const titles: { line: number; level: number; text: string; lines: number }[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const underlined = fence === undefined ? underlinedTitle(line, lines[i + 1]) : undefined;
    if (underlined !== undefined) {
      titles.push({ line: i, level: underlined, text: titleText(line), lines: 2 });
      i++;
      continue;
    }
    const delimiter = FENCE.exec(line)?.[1];
    if (delimiter && (fence === undefined || delimiter === fence)) fence = fence === undefined ? delimiter : undefined;
    const title = fence === undefined ? TITLE.exec(line) : null;
    if (title) titles.push({ line: i, level: title[1]!.length - 1, text: titleText(title[2]!), lines: 1 });
  }
  // The document's header: its title and the lines up to the first blank one (author, revision, attribute entries
  // such as `:toc: preamble`), by Asciidoctor's rule. Settings, not content: a header alone makes no passage.
  const documentTitle = titles[0]?.level === 0 ? titles[0] : undefined;
  if (documentTitle) while (lines[documentTitle.line + documentTitle.lines]?.trim()) documentTitle.lines++;
  // A section starts at the block attribute lines right above its title (Zalando's rule numbers, `[#243]`; an ID,
  // `[[tabs-or-spaces]]`): Asciidoctor gives them to the section, so they do not trail the section before.
  const starts = titles.map((title, i) => {
    let start = title.line;
    const floor = i > 0 ? titles[i - 1]!.line + titles[i - 1]!.lines : 0;
    while (start > floor && BLOCK_ATTRIBUTES.test(lines[start - 1]!)) start--;
    return start;
  });
  const headings: string[] = [];
  const blocks: Block[] = paragraphs(lines.slice(0, starts[0] ?? lines.length), 1);
  titles.forEach((title, i) => {
    headings.length = Math.min(headings.length, title.level);
    while (headings.length < title.level) headings.push('');
    headings.push(title.text);
    const heading = headings.filter(Boolean);
    const start = starts[i]!;
    const body = sectionBody(paragraphs(lines.slice(start, starts[i + 1] ?? lines.length), start + 1), title.lines + title.line - start);
    blocks.push(...body.map((block) => ({ ...block, heading })));
  });
  return packBlocks(source, blocks.flatMap(listItems), options);
}
