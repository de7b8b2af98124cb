import { codeTokens } from './codeTokens';

// The query only steers retrieval. Every BM25 term costs search time, and a long query's many common
// words drown the few rare ones that match a rule (measured in test/bench/reviewRag.bench.ts), so code is
// reduced to its most frequent words and its most frequent code tokens (symbol pairs, identifier
// parts, word pairs), which match the code examples of the rules (`codeTokens`).
const QUERY_MAX_WORDS = 24;
const QUERY_MAX_CODE_TOKENS = 48;

/**
 * What to search the rules with for `lines` of code: the file's language and path where known, then its most
 * frequent words, then its most frequent code tokens. The one query of reviews, `search` and hub measurement.
 */
export function codeQuery(lines: readonly string[], file: { path: string; language: string } | undefined): string {
  const words = mostFrequent(lines.flatMap((line) => [...line.matchAll(/\p{L}[\p{L}\p{N}_]+/gu)].map((match) => match[0])), QUERY_MAX_WORDS);
  const tokens = mostFrequent(codeTokens(lines.join('\n')), QUERY_MAX_CODE_TOKENS);
  return [...(file ? [`${file.language} code in ${file.path}`] : []), words.join(' '), tokens.join(' ')].filter(Boolean).join('\n');
}

/** The `max` most frequent of `items`, ties in order of first appearance (Map order, and a stable sort). */
function mostFrequent(items: readonly string[], max: number): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, max).map(([item]) => item);
}
