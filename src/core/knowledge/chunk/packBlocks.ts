import { countTokens } from '../tokens';
import { HEADING_SEPARATOR, type Block, type Chunk, type ChunkingOptions, type SourceLine } from './chunk';
import { withoutLabelHeadings } from './labelHeadings';

interface CountedLine extends SourceLine {
  tokens: number;
}

/**
 * Packs consecutive blocks of the same heading into chunks of at most `maxTokens` (the heading path
 * counts too), keeping each block whole where it fits and splitting larger ones at line boundaries.
 * Consecutive chunks of one section share about `overlapTokens` of trailing lines, except where a chunk
 * starts with a rule (a list item): rules are packed whole, each in one chunk where it fits. Label headings
 * ("Right:", "Wrong:") are not sections (`withoutLabelHeadings`).
 */
export function packBlocks(source: string, blocks: Block[], options: ChunkingOptions, appliesTo: string[] = []): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of groupByHeading(withoutLabelHeadings(blocks))) {
    const heading = section.heading.join(HEADING_SEPARATOR);
    const budget = Math.max(8, options.maxTokens - countTokens(heading));
    let current: CountedLine[] = [];
    let currentTokens = 0;
    // Lines at the head of `current` carried over from the previous chunk; a chunk of only these is not emitted.
    let carried = 0;

    const emit = () => {
      const lines = trimBlankEdges(current);
      if (lines.length > 0) chunks.push(toChunk(source, heading, lines, appliesTo));
      current = takeOverlap(current, Math.min(options.overlapTokens, Math.floor(budget / 2)));
      currentTokens = sumTokens(current);
      carried = current.length;
    };

    const restart = () => {
      current = [];
      currentTokens = 0;
      carried = 0;
    };
    // Split blocks leave room for the overlap, so their pieces always share context.
    const pieceBudget = Math.max(8, budget - Math.min(options.overlapTokens, Math.floor(budget / 2)));
    // A rule (a list item) is never cut where it fits and shares no lines with the chunk before it: overlap is for a block split in pieces.
    const pack = (unit: CountedLine[], rule: boolean) => {
      const unitTokens = sumTokens(unit);
      if (currentTokens + unitTokens > budget && current.length > carried) {
        emit();
        // The overlap must never push a unit that fits on its own out of its chunk.
        if (rule || currentTokens + unitTokens > budget) restart();
      }
      current.push(...unit);
      currentTokens += unitTokens;
    };
    for (const block of section.blocks) for (const unit of splitToFit(block.lines, budget, pieceBudget)) pack(unit, block.rule);
    if (current.length > carried && trimBlankEdges(current.slice(carried)).length > 0) chunks.push(toChunk(source, heading, trimBlankEdges(current), appliesTo));
  }
  return chunks;
}

interface CountedBlock {
  lines: CountedLine[];
  rule: boolean;
}

function groupByHeading(blocks: Block[]): { heading: string[]; blocks: CountedBlock[] }[] {
  const sections: { heading: string[]; blocks: CountedBlock[] }[] = [];
  for (const block of blocks) {
    const last = sections.at(-1);
    const counted = { lines: block.lines.map((line) => ({ ...line, tokens: countTokens(line.text) })), rule: block.rule === true };
    if (last && sameHeading(last.heading, block.heading)) last.blocks.push(counted);
    else sections.push({ heading: block.heading, blocks: [counted] });
  }
  return sections;
}

/** A block over budget is cut between lines into pieces of `pieceBudget`; a single line too long is cut between words. */
function splitToFit(block: CountedLine[], budget: number, pieceBudget: number): CountedLine[][] {
  if (sumTokens(block) <= budget) return [block];
  budget = pieceBudget;
  const pieces: CountedLine[][] = [];
  let piece: CountedLine[] = [];
  let tokens = 0;
  for (const line of block.flatMap((l) => (l.tokens > budget ? splitLongLine(l, budget) : [l]))) {
    if (tokens + line.tokens > budget && piece.length > 0) {
      pieces.push(piece);
      piece = [];
      tokens = 0;
    }
    piece.push(line);
    tokens += line.tokens;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

function splitLongLine(line: CountedLine, budget: number): CountedLine[] {
  const parts: CountedLine[] = [];
  let text = '';
  // A "word" longer than the budget (minified text, base64, a run without spaces) is cut in pieces of at most `budget` tokens.
  const words = line.text.split(/(?<=\s)/).flatMap((word) => (countTokens(word) > budget ? cutWord(word, budget) : [word]));
  for (const word of words) {
    if (text && countTokens(text + word) > budget) {
      parts.push({ line: line.line, text, tokens: countTokens(text) });
      text = '';
    }
    text += word;
  }
  if (text) parts.push({ line: line.line, text, tokens: countTokens(text) });
  return parts;
}

/** Pieces of at most `budget` tokens: eight characters of a word make one token, but punctuation is one each. */
function cutWord(word: string, budget: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < word.length; ) {
    let size = budget * 8;
    while (size > 1 && countTokens(word.slice(i, i + size)) > budget) size = Math.ceil(size / 2);
    pieces.push(word.slice(i, i + size));
    i += size;
  }
  return pieces;
}

function takeOverlap(lines: CountedLine[], overlapTokens: number): CountedLine[] {
  if (overlapTokens <= 0) return [];
  const kept: CountedLine[] = [];
  let tokens = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (tokens + line.tokens > overlapTokens) break;
    kept.unshift(line);
    tokens += line.tokens;
  }
  // Trailing blank lines stay: they separate the overlap from the block that follows.
  const firstText = kept.findIndex((line) => line.text.trim() !== '');
  return firstText < 0 ? [] : kept.slice(firstText);
}

function trimBlankEdges(lines: CountedLine[]): CountedLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.text.trim() === '') start++;
  while (end > start && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(start, end);
}

function toChunk(source: string, heading: string, lines: CountedLine[], appliesTo: string[]): Chunk {
  return { source, heading, startLine: lines[0]!.line, endLine: lines.at(-1)!.endLine ?? lines.at(-1)!.line, text: lines.map((l) => l.text).join('\n'), appliesTo };
}

function sumTokens(lines: CountedLine[]): number {
  return lines.reduce((sum, line) => sum + line.tokens, 0);
}

function sameHeading(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}
