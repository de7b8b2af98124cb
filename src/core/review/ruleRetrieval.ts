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

// The query only steers retrieval: embedders read a few hundred tokens and every BM25 term costs
// search time, so a window is reduced to its distinct words, sampled evenly when there are more.
const QUERY_MAX_WORDS = 96;

/** What to search the rules with: the file's language and path, then the window's distinct words. */
export function retrievalQuery(window: ReviewWindow): string {
  const words = new Set<string>();
  for (const segment of window.segments) {
    for (const line of window.target.lines.slice(segment.startLine - 1, segment.endLine)) {
      for (const match of line.matchAll(/\p{L}[\p{L}\p{N}_]+/gu)) words.add(match[0]);
    }
  }
  const all = [...words];
  const stride = all.length / QUERY_MAX_WORDS;
  const sampled = stride <= 1 ? all : Array.from({ length: QUERY_MAX_WORDS }, (_, i) => all[Math.floor(i * stride)]!);
  return `${window.target.language} code in ${window.target.path}\n${sampled.join(' ')}`;
}

/** Retrieval and packing for one window: the whole RAG step of a review, before the model is called. */
export async function rulesForWindow(knowledgeBase: RuleSearch, window: ReviewWindow, config: Config): Promise<WindowRules> {
  const retrieved = await knowledgeBase.search(retrievalQuery(window), { k: config.review.k });
  const packed = packPassages(retrieved, { path: window.target.path, budgetTokens: config.review.contextTokens, cost: passageCost });
  return { ...packed, window, retrieved: retrieved.length };
}
