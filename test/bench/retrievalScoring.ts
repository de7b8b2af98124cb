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

/** The naive baseline: Okapi BM25 (k1 1.2, b 0.75) over consecutive 60-line windows of every document, queried with every word of the snippet. */
export function naiveBm25(documents: { source: string; lines: readonly string[] }[]): (query: string) => Hit[] {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  const windows: { source: string; start: number; end: number; terms: Map<string, number>; length: number }[] = [];
  for (const document of documents) {
    for (let start = 1; start <= document.lines.length; start += WINDOW_LINES) {
      const end = Math.min(document.lines.length, start + WINDOW_LINES - 1);
      const terms = new Map<string, number>();
      const tokens = words(document.lines.slice(start - 1, end).join('\n'));
      for (const t of tokens) terms.set(t, (terms.get(t) ?? 0) + 1);
      windows.push({ source: document.source, start, end, terms, length: tokens.length });
    }
  }
  const average = windows.reduce((sum, w) => sum + w.length, 0) / windows.length;
  const df = new Map<string, number>();
  for (const w of windows) for (const t of w.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return (query: string): Hit[] => {
    const terms = [...new Set(words(query))];
    return windows
      .map((w) => {
        let total = 0;
        for (const t of terms) {
          const tf = w.terms.get(t) ?? 0;
          if (tf === 0) continue;
          const idf = Math.log(1 + (windows.length - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
          total += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * w.length) / average));
        }
        return { window: w, total };
      })
      .filter((s) => s.total > 0)
      .sort((a, b) => b.total - a.total)
      .slice(0, K)
      .map(({ window }) => ({ source: window.source, startLine: window.start, endLine: window.end }));
  };
}
