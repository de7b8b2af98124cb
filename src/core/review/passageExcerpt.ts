import { codeTokens } from '../knowledge/codeTokens';
import type { Passage } from '../knowledge/passage';
import { countTokens } from '../knowledge/tokens';

/**
 * The lines of a long passage that best match the query, as a passage of their own: the longest run of its
 * consecutive lines that fits `maxTokens` (as `cost` counts the rendered block) and holds the most weight of the
 * query's terms, each term weighed by how few of the passage's lines hold it (a word on every line of a section
 * tells nothing about where in it the rule is). Its text is the document's own lines, and a citation of it names
 * exactly the lines the prompt showed where the passage's text is its file's lines one for one. A passage that fits is returned as it is; undefined when not even
 * its best line fits.
 */
export function passageExcerpt(passage: Passage, query: ReadonlySet<string>, maxTokens: number, cost: (passage: Passage, text: string) => number): Passage | undefined {
  if (cost(passage, passage.text) <= maxTokens) return passage;
  const lines = passage.text.split('\n');
  const lineTerms = lines.map((line) => new Set(termsOf(line).filter((term) => query.has(term))));
  const holding = new Map<string, number>();
  for (const terms of lineTerms) for (const term of terms) holding.set(term, (holding.get(term) ?? 0) + 1);
  const weight = (term: string) => Math.log(1 + lines.length / holding.get(term)!);
  const lineTokens = lines.map((line) => countTokens(line));
  const room = maxTokens - cost(passage, '');

  // Every run of lines that fits, by its first line: the longest from there (a run's weight only grows with its length).
  let best: { start: number; end: number; score: number } | undefined;
  for (let start = 0; start < lines.length; start++) {
    let end = start;
    let tokens = lineTokens[start]!;
    if (tokens > room) continue;
    while (end + 1 < lines.length && tokens + lineTokens[end + 1]! <= room) tokens += lineTokens[++end]!;
    const held = new Set(lineTerms.slice(start, end + 1).flatMap((terms) => [...terms]));
    const score = [...held].reduce((sum, term) => sum + weight(term), 0);
    if (!best || score > best.score) best = { start, end, score };
  }
  if (!best) return undefined;
  // The estimate counts lines one by one; the rendered block (link targets dropped, attributes) decides.
  // Markdown and plain text keep one line of text per line of the file; an HTML element, a PDF page's text or a
  // table row may not, and then the excerpt is cited by the whole passage's lines, which hold it.
  const lineForLine = lines.length === passage.endLine - passage.startLine + 1;
  for (let end = best.end; end >= best.start; end--) {
    const shown = lineForLine ? { startLine: passage.startLine + best.start, endLine: passage.startLine + end } : {};
    const excerpt = { ...passage, ...shown, text: lines.slice(best.start, end + 1).join('\n') };
    if (cost(excerpt, excerpt.text) <= maxTokens) return excerpt;
  }
  return undefined;
}

/** A search query's terms: its lower-case words (the review query already spells its code tokens as words). */
export function queryTerms(query: string): Set<string> {
  return new Set(words(query));
}

/** The terms a line is compared by: lower-case words and the code tokens the index also holds (`codeTokens`). */
function termsOf(line: string): string[] {
  return [...words(line), ...codeTokens(line)];
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}
