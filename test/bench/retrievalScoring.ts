// What the retrieval benchmarks share: where a hit sits, the scores of its ranks, and the naive BM25 baseline
// they print beside House Style's figures in the same run.

/** Where a retrieved passage or window sits: a source file and 1-based inclusive lines. */
export interface Hit {
  source: string;
  startLine: number;
  endLine: number;
}

export interface Scores {
  recall5: number;
  recall12: number;
  mrr: number;
  n: number;
}

export const K = 12;

/**
 * recall@5, recall@12 and MRR over snippets, each given as the 1-based rank of each of its labels (undefined:
 * not in the top K); a snippet's recall is the share of its labels found, its reciprocal rank its best label's.
 * Fractional ranks count as given: an expected value (random order) is scored by the caller.
 */
export function scoreRanks(snippets: (number | undefined)[][]): Scores {
  let recall5 = 0;
  let recall12 = 0;
  let mrr = 0;
  for (const ranks of snippets) {
    recall5 += ranks.filter((r) => r !== undefined && r <= 5).length / ranks.length;
    recall12 += ranks.filter((r) => r !== undefined && r <= 12).length / ranks.length;
    const first = Math.min(...ranks.map((r) => r ?? Infinity));
    mrr += first <= K ? 1 / first : 0;
  }
  const n = snippets.length;
  return { recall5: recall5 / n, recall12: recall12 / n, mrr: mrr / n, n };
}

const WINDOW_LINES = 60;

/** The naive baseline: Okapi BM25 over consecutive 60-line windows of every document, queried with every word of the snippet (`bm25Over`). */
export function naiveBm25(documents: { source: string; lines: readonly string[] }[]): (query: string) => Hit[] {
  const windows: (Hit & { text: string })[] = [];
  for (const document of documents) {
    for (let start = 1; start <= document.lines.length; start += WINDOW_LINES) {
      const end = Math.min(document.lines.length, start + WINDOW_LINES - 1);
      windows.push({ source: document.source, startLine: start, endLine: end, text: document.lines.slice(start - 1, end).join('\n') });
    }
  }
  return bm25Over(windows);
}

/**
 * Okapi BM25 (k1 1.2, b 0.75) over the given units of text (windows, or the passages House Style indexed), queried
 * with every word of the query: no stemming, no stop words, no code tokens, no language preference.
 */
export function bm25Over(units: readonly (Hit & { text: string })[]): (query: string) => Hit[] {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  const indexed = units.map((unit) => {
    const terms = new Map<string, number>();
    const tokens = words(unit.text);
    for (const t of tokens) terms.set(t, (terms.get(t) ?? 0) + 1);
    return { hit: { source: unit.source, startLine: unit.startLine, endLine: unit.endLine }, terms, length: tokens.length };
  });
  const average = indexed.reduce((sum, u) => sum + u.length, 0) / indexed.length;
  const df = new Map<string, number>();
  for (const u of indexed) for (const t of u.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return (query: string): Hit[] => {
    const terms = [...new Set(words(query))];
    return indexed
      .map((u) => {
        let total = 0;
        for (const t of terms) {
          const tf = u.terms.get(t) ?? 0;
          if (tf === 0) continue;
          const idf = Math.log(1 + (indexed.length - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
          total += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * u.length) / average));
        }
        return { hit: u.hit, total };
      })
      .filter((s) => s.total > 0)
      .sort((a, b) => b.total - a.total)
      .slice(0, K)
      .map(({ hit }) => hit);
  };
}
