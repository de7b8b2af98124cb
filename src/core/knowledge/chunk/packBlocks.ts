import { countTokens } from '../tokens';
import { HEADING_SEPARATOR, type Block, type Chunk, type ChunkingOptions, type SourceLine } from './chunk';

interface CountedLine extends SourceLine {
  tokens: number;
}

/**
 * Packs consecutive blocks of the same heading into chunks of at most `maxTokens` (the heading path
 * counts too), keeping each block whole where it fits and splitting larger ones at line boundaries.
 * Consecutive chunks of one section share about `overlapTokens` of trailing lines.
 */
export function packBlocks(source: string, blocks: Block[], options: ChunkingOptions, appliesTo: string[] = []): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of groupByHeading(blocks)) {
    const heading = section.heading.join(HEADING_SEPARATOR);
    const budget = Math.max(8, options.maxTokens - countTokens(heading));
    let current: CountedLine[] = [];
    let currentTokens = 0;

    const emit = () => {
      const lines = trimBlankEdges(current);
      if (lines.length > 0) chunks.push(toChunk(source, heading, lines, appliesTo));
      const overlap = takeOverlap(current, Math.min(options.overlapTokens, Math.floor(budget / 2)));
      current = overlap;
      currentTokens = sumTokens(overlap);
    };

    for (const unit of section.units.flatMap((block) => splitToFit(block, budget))) {
      const unitTokens = sumTokens(unit);
      if (currentTokens + unitTokens > budget && current.some((line) => line.tokens > 0)) {
        emit();
        // The overlap must never push a unit that fits on its own out of its chunk.
        if (currentTokens + unitTokens > budget) {
          current = [];
          currentTokens = 0;
        }
      }
      current.push(...unit);
      currentTokens += unitTokens;
    }
    const lines = trimBlankEdges(current);
    if (lines.length > 0 && !isOnlyOverlap(lines, chunks.at(-1))) chunks.push(toChunk(source, heading, lines, appliesTo));
  }
  return chunks;
}

function groupByHeading(blocks: Block[]): { heading: string[]; units: CountedLine[][] }[] {
  const sections: { heading: string[]; units: CountedLine[][] }[] = [];
  for (const block of blocks) {
    const last = sections.at(-1);
    const lines = block.lines.map((line) => ({ ...line, tokens: countTokens(line.text) }));
    if (last && sameHeading(last.heading, block.heading)) last.units.push(lines);
    else sections.push({ heading: block.heading, units: [lines] });
  }
  return sections;
}

/** A block over budget is cut between lines; a single line over budget is cut between words. */
function splitToFit(block: CountedLine[], budget: number): CountedLine[][] {
  if (sumTokens(block) <= budget) return [block];
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
  for (const word of line.text.split(/(?<=\s)/)) {
    if (text && countTokens(text + word) > budget) {
      parts.push({ line: line.line, text, tokens: countTokens(text) });
      text = '';
    }
    text += word;
  }
  if (text) parts.push({ line: line.line, text, tokens: countTokens(text) });
  return parts;
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
  return trimBlankEdges(kept);
}

function trimBlankEdges(lines: CountedLine[]): CountedLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.text.trim() === '') start++;
  while (end > start && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(start, end);
}

/** True when the trailing lines are all already in the previous chunk (only overlap was left). */
function isOnlyOverlap(lines: CountedLine[], previous: Chunk | undefined): boolean {
  return previous !== undefined && lines[0]!.line >= previous.startLine && lines.at(-1)!.line <= previous.endLine && previous.text.endsWith(lines.map((l) => l.text).join('\n'));
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
