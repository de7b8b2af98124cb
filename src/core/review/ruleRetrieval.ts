import type { Config } from '../config';
import type { Passage } from '../knowledge/passage';
import { packPassages, type PackedContext } from './contextBudget';
import { passageCost } from './prompt';
import type { ReviewWindow } from './reviewWindow';

/** The part of a knowledge base a review needs (KnowledgeBase satisfies it). */
export interface RuleSearch {
  search(query: string, options?: { k?: number }): Promise<Passage[]>;
}

/** The rules packed for one window, and how many the search returned before packing. */
export interface WindowRules extends PackedContext {
  window: ReviewWindow;
  retrieved: number;
}

// The query only steers retrieval: embedders read a few hundred tokens, and every extra BM25 term
// costs search time, so a long window is sampled evenly instead of sent whole.
const QUERY_MAX_CHARS = 2000;

/** What to search the rules with: the file's language and path, then the window's distinct code lines. */
export function retrievalQuery(window: ReviewWindow): string {
  const header = `${window.target.language} code in ${window.target.path}`;
  const lines = [
    ...new Set(
      window.segments.flatMap((s) => window.target.lines.slice(s.startLine - 1, s.endLine)).map((line) => line.trim().replace(/\s+/g, ' ')).filter(Boolean),
    ),
  ];
  const total = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const stride = Math.max(1, Math.ceil(total / QUERY_MAX_CHARS));
  let query = header;
  for (let i = 0; i < lines.length; i += stride) {
    if (query.length + lines[i]!.length + 1 > QUERY_MAX_CHARS) break;
    query += `\n${lines[i]}`;
  }
  return query;
}

/** Retrieval and packing for one window: the whole RAG step of a review, before the model is called. */
export async function rulesForWindow(knowledgeBase: RuleSearch, window: ReviewWindow, config: Config): Promise<WindowRules> {
  const retrieved = await knowledgeBase.search(retrievalQuery(window), { k: config.review.k });
  const packed = packPassages(retrieved, { path: window.target.path, budgetTokens: config.review.contextTokens, cost: passageCost });
  return { ...packed, window, retrieved: retrieved.length };
}
