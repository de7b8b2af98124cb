import type { Config } from '../config';
import type { KnowledgeBase, SearchOptions } from '../knowledge/knowledgeBase';
import type { Passage } from '../knowledge/passage';
import { codeTokens } from '../knowledge/codeTokens';
import { isProgrammingLanguage } from '../knowledge/documentLanguages';
import { shownLanguage } from '../knowledge/codeFamily';
import { languageOf } from '../language';
import { looksLikeCode } from './looksLikeCode';
import { packPassages, type PackedContext } from './contextBudget';
import { passageCost } from '../prompt/dataBlocks';
import { RERANK_CANDIDATES, rerankPassages, type RerankOptions } from './rerankRules';
import type { ReviewWindow } from './reviewWindow';

/** The part of a knowledge base a review needs (KnowledgeBase satisfies it). */
export interface RuleSearch {
  search(query: string, options?: { k?: number; forReview?: boolean; language?: string }): Promise<Passage[]>;
}

/** The rules packed for one window. */
export interface WindowRules extends PackedContext {
  window: ReviewWindow;
}

// The query only steers retrieval. Every BM25 term costs search time, and a long query's many common
// words drown the few rare ones that match a rule (measured in test/bench/reviewRag.bench.ts), so a
// window is reduced to its most frequent words and its most frequent code tokens (symbol pairs, identifier
// parts, word pairs), which match the code examples of the rules (`codeTokens`).
const QUERY_MAX_WORDS = 24;
const QUERY_MAX_CODE_TOKENS = 48;

/** What to search the rules with: the file's language, the window's words, most frequent first, then its code tokens. */
export function retrievalQuery(window: ReviewWindow): string {
  const lines = window.segments.flatMap((segment) => window.target.lines.slice(segment.startLine - 1, segment.endLine));
  return codeQuery(lines, window.target);
}

/** What to search with, and the language of the code in question where one is known (`KnowledgeBase.search`'s `language`). */
export interface SearchRequest {
  query: string;
  language?: string;
}

/**
 * What `search` looks for, in the CLI and the editor: code (from `file` when named, else any text that reads as
 * code) is searched the way a review searches for its rules, preferring rules about its language (the file's,
 * or the one its syntax shows where that is Python or Go); a question in words is searched as written.
 */
export function searchRequest(text: string, file?: string): SearchRequest {
  if (file === undefined && !looksLikeCode(text)) return { query: text };
  const lines = text.split(/\r?\n/);
  const named = file === undefined ? undefined : { path: file, language: languageOf(file, text) };
  const language = named ? programmingLanguage(named.language) : shownLanguage(lines);
  const query = codeQuery(lines, named);
  return { query, ...(language && { language }) };
}

/** The one search of what a user typed or pasted (`housestyle search`, the editor's Search Knowledge): `searchRequest`'s query and language. */
export function searchText(knowledgeBase: Pick<KnowledgeBase, 'search'>, text: string, options: Omit<SearchOptions, 'language'> & { file?: string }): Promise<Passage[]> {
  const { file, ...searchOptions } = options;
  const { query, language } = searchRequest(text, file);
  return knowledgeBase.search(query, { ...searchOptions, ...(language && { language }) });
}

/** The language whose rules a search for code in `language` (as `languageOf` names it) prefers: a programming language, none for prose or data. */
export function programmingLanguage(language: string): string | undefined {
  return isProgrammingLanguage(language) ? language : undefined;
}


/** The most frequent words of `lines` of code and their code tokens, after the file's language and path where known. */
function codeQuery(lines: readonly string[], file: { path: string; language: string } | undefined): string {
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

/**
 * Passages searched per `review.k`: the first `review.k` are shown whole where they fit, and where some do not, the
 * rest are listed by their rules' opening sentences (`packPassages`). Half as many again kept the labelled rule for
 * 0.733 of the team documents' tuning half (a fifth more: 0.724; twice as many: 0.743, but the search for 20 ranked
 * the rules lower, recall@12 0.743 to 0.733; test/bench/retrieval.bench.ts).
 */
const LISTED_PER_PASSAGE = 1.5;

/** How many passages a review's search returns for packing (`review.k` and the ones past it that may be listed). */
export function listedPassages(config: Config): number {
  return Math.ceil(config.review.k * LISTED_PER_PASSAGE);
}

/**
 * The rules for a prompt: searched with `query`, packed into the budget for code at `path`. Without a path no
 * file is in question, so rules scoped to some files apply as much as any. With `rerank`, the search's first
 * RERANK_CANDIDATES passages are reordered by it before the first `review.k` are packed. `language` is the code's
 * language where the caller decided it from the file's text (a review target's), else the path's is used. The
 * one retrieval of reviews, chat and evaluation.
 */
export async function retrieveRules(
  knowledgeBase: RuleSearch,
  query: string,
  path: string | undefined,
  config: Config,
  options: { forReview?: boolean; rerank?: (found: Passage[]) => Promise<Passage[]>; language?: string } = {},
): Promise<PackedContext> {
  const language = path === undefined ? undefined : programmingLanguage(options.language ?? languageOf(path));
  const listed = listedPassages(config);
  const k = options.rerank ? Math.max(RERANK_CANDIDATES, listed) : listed;
  const searched = await knowledgeBase.search(query, { k, ...(options.forReview && { forReview: true }), ...(language && { language }) });
  const found = options.rerank ? (await options.rerank(searched)).slice(0, listed) : searched;
  const candidates = path === undefined ? found.map((passage) => ({ ...passage, appliesTo: [] })) : found;
  return packPassages(candidates, { path: path ?? '', budgetTokens: config.review.contextTokens, cost: passageCost, query, whole: config.review.k });
}

/** Retrieval and packing for one window, reranked by the review model when `rerank` is given: the whole RAG step of a review, before the model reviews. */
export async function rulesForWindow(knowledgeBase: RuleSearch, window: ReviewWindow, config: Config, rerank?: RerankOptions): Promise<WindowRules> {
  const options = { forReview: true, language: window.target.language, ...(rerank && { rerank: (found: Passage[]) => rerankPassages(found, window, rerank) }) };
  return { ...(await retrieveRules(knowledgeBase, retrievalQuery(window), window.target.path, config, options)), window };
}
