import type { Block, Chunk, ChunkingOptions } from './chunk';
import { listItems, sectionBody } from './listItems';
import { paragraphs } from './plainText';
import { packBlocks } from './packBlocks';

/** Characters reStructuredText accepts as section adornment. */
const ADORNMENT = /^([=\-~^"'`#*+:._<>!$%&(),/;?@[\\\]{|}])\1{2,}\s*$/;

interface Title {
  /** 0-based index of the title's first line (its overline, when there is one). */
  start: number;
  text: string;
  style: string;
}

/**
 * Splits reStructuredText at section titles (a text line underlined, and maybe overlined, with one
 * punctuation character). As rST itself does, levels follow the order in which adornment styles first
 * appear; paragraphs are the blocks, each list item a rule of its own, and a title opens its section's first chunk.
 */
export function chunkRestructuredText(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  const titles = findTitles(lines);
  const styles: string[] = [];
  const headings: string[] = [];
  const starts = titles.map((title, i) => sectionStart(lines, title.start, i > 0 ? titles[i - 1]!.start + titleLines(titles[i - 1]!) : 0));
  const blocks: Block[] = paragraphs(lines.slice(0, starts[0] ?? lines.length), 1);
  titles.forEach((title, i) => {
    if (!styles.includes(title.style)) styles.push(title.style);
    const level = styles.indexOf(title.style);
    headings.length = level;
    while (headings.length < level) headings.push('');
    headings.push(title.text);
    const heading = headings.filter(Boolean);
    const start = starts[i]!;
    const targets = lines.slice(start, title.start).filter((line) => line.trim() !== '').length;
    const body = sectionBody(paragraphs(lines.slice(start, starts[i + 1] ?? lines.length), start + 1), titleLines(title) + targets);
    blocks.push(...body.map((block) => ({ ...block, heading })));
  });
  return packBlocks(source, blocks.flatMap(listItems), options);
}

function titleLines(title: Title): number {
  return title.style.startsWith('over') ? 3 : 2;
}

/** A hyperlink target on a line of its own (`.. _coding-style-python:`): it names the element below it. */
const TARGET = /^\.\. _[^:]+:\s*$/;

/**
 * Where a title's section starts: at the hyperlink targets above it (Django's guides put `.. _coding-style-imports:`
 * over each section, a blank line between), which name the section, so they do not trail the one before.
 */
function sectionStart(lines: string[], titleStart: number, floor: number): number {
  let start = titleStart;
  for (let i = titleStart - 1; i >= floor && (lines[i]!.trim() === '' || TARGET.test(lines[i]!)); i--) if (TARGET.test(lines[i]!)) start = i;
  return start;
}

function findTitles(lines: string[]): Title[] {
  const titles: Title[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const textLine = lines[i]!;
    const under = ADORNMENT.exec(lines[i + 1]!);
    if (!under || !textLine.trim() || ADORNMENT.test(textLine) || /^\s/.test(textLine)) continue;
    if (lines[i + 1]!.trimEnd().length < textLine.trimEnd().length) continue;
    // A blank line (or the start) before the title keeps list items and paragraphs ending in "---" out.
    const over = i > 0 && lines[i - 1]!.trimEnd() === lines[i + 1]!.trimEnd();
    const before = over ? i - 2 : i - 1;
    if (before >= 0 && lines[before]!.trim() !== '') continue;
    titles.push({ start: over ? i - 1 : i, text: textLine.trim(), style: `${over ? 'over' : ''}${under[1]}` });
    i++;
  }
  return titles;
}
