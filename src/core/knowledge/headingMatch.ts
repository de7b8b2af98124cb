import type { Passage } from './passage';
import { RRF_K } from './store';

/**
 * How much the heading's order counts beside the search's in the fusion: at half weight it moved the team documents'
 * tuning half (test/bench/retrieval.bench.ts) on every figure; at full weight it lost recall@12.
 */
const HEADING_WEIGHT = 0.5;

/**
 * The passages reordered toward those whose own heading (the last part of its section path) holds words of the
 * query, best `k`. A heading names its rule ("Return Statements", "Boolean methods and properties read as
 * assertions"), but BM25 sees it as a few words among the section's hundreds, so a long section whose examples
 * share more of the code's words outranks it. So the candidates are also ranked by the query words their heading
 * holds, each weighed by how few of the candidates' headings hold it (a word in every heading tells nothing), and
 * the two orders are fused by reciprocal rank. Ties keep the search's order.
 */
export function preferHeadingMatches(query: string, passages: readonly Passage[], k: number): Passage[] {
  const terms = new Set(words(query));
  const headings = passages.map((passage) => new Set(words(passage.heading.split(' > ').at(-1) ?? '').filter((word) => terms.has(word))));
  const holding = new Map<string, number>();
  for (const heading of headings) for (const word of heading) holding.set(word, (holding.get(word) ?? 0) + 1);
  const weight = headings.map((heading) => [...heading].reduce((sum, word) => sum + Math.log((passages.length + 1) / (holding.get(word)! + 0.5)), 0));
  const byHeading = passages.map((_, i) => i).sort((a, b) => weight[b]! - weight[a]! || a - b);
  const headingRank = new Map(byHeading.map((i, rank) => [i, rank]));
  return passages
    .map((passage, rank) => ({ passage, score: 1 / (RRF_K + rank + 1) + HEADING_WEIGHT / (RRF_K + headingRank.get(rank)! + 1) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map(({ passage, score }) => ({ ...passage, score }));
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}
