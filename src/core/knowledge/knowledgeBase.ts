import picomatch from 'picomatch';
import { knowledgeBase as kbConfig, type Config } from '../config';
import { HouseStyleError } from '../errors';
import { silentLogger, type Logger } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import type { Embedder } from './embedder';
import { embedderForIndex } from './embedders/chooseEmbedder';
import { sqlStringList } from './escapeSql';
import { isAbout, speaksTo } from './documentLanguages';
import { explainIndexFailure } from './indexDamage';
import { indexUri } from './indexUri';
import type { Passage } from './passage';
import { recordRetrievals } from './retrievalLog';
import { OUTDATED_SCHEMA } from './lancedbSchema';
import { KnowledgeStore } from './store';
import { preferHeadingMatches } from './headingMatch';

export interface SearchOptions {
  k?: number;
  /** Globs on the passage's source path; only matching sources are searched. */
  sources?: string[];
  /** A review's search: the sources it returns are logged (on close) for `kb health`'s unused-source check. */
  forReview?: boolean;
  /**
   * The language of the code in question (as `languageOf` names it): passages of documents about other
   * languages rank after those that speak to it, unless they match far better.
   */
  language?: string;
}

export interface KnowledgeBase {
  readonly name: string;
  readonly embedder: string;
  search(query: string, options?: SearchOptions): Promise<Passage[]>;
  count(): Promise<number>;
  overview(): Promise<KnowledgeOverview>;
  close(): Promise<void>;
}

/** What is indexed: each source (by path) with its passage count and the languages it is about, and when the index last changed. */
export interface KnowledgeOverview {
  name: string;
  embedder: string;
  passages: number;
  /** `languages`: those its rules are for (`documentLanguages`); empty for a document about any language. */
  sources: { source: string; passages: number; languages: string[] }[];
  updated?: Date;
}

/** Opens an indexed knowledge base for search, with the embedder that built it. */
export async function openKnowledgeBase(options: { workspace: string; config: Config; kb?: string; extensionRoot?: string; logger?: Logger; client?: OllamaClient }): Promise<KnowledgeBase> {
  const name = options.kb ?? options.config.review.knowledgeBase;
  kbConfig(options.config, name);
  const uri = indexUri(options.workspace, options.config);
  const store = await KnowledgeStore.open(uri, name, options.config.index.storageOptions).catch((error: unknown) => {
    throw explainIndexFailure(error, uri);
  });
  if (!store) {
    const message = `The knowledge base "${name}" has not been indexed yet.`;
    if (options.config.index.readOnly) throw new HouseStyleError(message, 'It is a shared index (index.readOnly): ask its writer (the CI job) to index it, or check index.uri.', 'index-missing');
    throw new HouseStyleError(message, 'Run `housestyle index` (or "House Style: Index Workspace") first.', 'index-missing', { fix: ['index'] });
  }
  if (store.identity.embedder === OUTDATED_SCHEMA) {
    store.close();
    const message = `The knowledge base "${name}" was indexed by an earlier version of House Style.`;
    if (options.config.index.readOnly) throw new HouseStyleError(message, 'It is a shared index (index.readOnly): its writer (the CI job) has to index it again with this version.', 'index-missing');
    throw new HouseStyleError(message, 'Run `housestyle index` (or "House Style: Index Workspace") once to rebuild it.', 'index-missing', { fix: ['index'] });
  }
  let embedder: Embedder;
  try {
    embedder = await embedderForIndex(store.identity.embedder, { config: options.config, workspace: options.workspace, extensionRoot: options.extensionRoot, logger: options.logger, client: options.client });
  } catch (error) {
    store.close();
    throw error;
  }
  return new IndexedKnowledgeBase(name, store, embedder, uri, options.workspace, options.logger ?? silentLogger);
}

class IndexedKnowledgeBase implements KnowledgeBase {
  private sourceList?: Promise<string[]>;
  private readonly reviewed = new Set<string>();

  constructor(
    readonly name: string,
    private readonly store: KnowledgeStore,
    private readonly embedderInstance: Embedder,
    private readonly uri: string,
    private readonly workspace: string,
    private readonly logger: Logger,
  ) {}

  get embedder(): string {
    return this.embedderInstance.id;
  }

  async search(query: string, options: SearchOptions = {}): Promise<Passage[]> {
    const k = options.k ?? 5;
    let where: string | undefined;
    if (options.sources?.length) {
      const matches = picomatch(options.sources, { dot: true });
      this.sourceList ??= this.store.sources().catch((error: unknown) => {
        throw explainIndexFailure(error, this.uri);
      });
      const sources = (await this.sourceList).filter((source) => matches(source));
      if (sources.length === 0) return [];
      where = `source IN ${sqlStringList(sources)}`;
    }
    const embedder = this.embedderInstance;
    let embedded: Promise<Float32Array> | undefined;
    const vector = () => (embedded ??= embedder.embed([query]).then((vectors) => vectors[0]!));
    const search = (count: number) => this.store.search(query, { vector, fuseVectors: !embedder.lexical, k: count, where });
    // A handle kept open may point at a version whose files a later index run cleaned up: move to the newest, once.
    const searched = (count: number) =>
      search(count)
        .catch(async () => {
          await this.store.refresh();
          return search(count);
        })
        .catch((error: unknown) => {
          throw explainIndexFailure(error, this.uri);
        });
    // Passages further down may overtake the top k: those whose heading names words of the query, and where some of
    // the top k are about other languages, those about the code's; four times as many are weighed.
    const found = await searched(CANDIDATES_PER_RESULT * k);
    const { language } = options;
    const candidates = language === undefined ? found : preferLanguage(found, language);
    const passages = preferHeadingMatches(query, candidates, k);
    if (options.forReview) for (const passage of passages) this.reviewed.add(passage.source);
    return passages;
  }

  count(): Promise<number> {
    return this.store.count();
  }

  async overview(): Promise<KnowledgeOverview> {
    const { sources, updated } = await this.store.overview();
    const list = [...sources].map(([source, { passages, languages }]) => ({ source, passages, languages })).sort((a, b) => a.source.localeCompare(b.source));
    return { name: this.name, embedder: this.embedder, passages: list.reduce((sum, s) => sum + s.passages, 0), sources: list, ...(updated && { updated }) };
  }

  async close(): Promise<void> {
    this.store.close();
    await this.embedderInstance.close();
    // Best effort: a workspace that cannot take the log loses only the unused-source check.
    await recordRetrievals(this.workspace, this.name, this.reviewed).catch((error: Error) => this.logger.warn(`Could not record which rules were retrieved: ${error.message}`));
  }
}

/**
 * Candidates searched per passage returned, for `preferHeadingMatches` and `preferLanguage` to reorder. Four gave the
 * team documents' tuning half MRR 0.565 against 0.548 with three, recall unchanged (five: 0.567; two lost recall;
 * test/bench/retrieval.bench.ts); the review's search time did not move measurably (test/bench/reviewRag.bench.ts).
 */
const CANDIDATES_PER_RESULT = 4;

/** Weight of a passage from a document about other languages than the code's: a JavaScript rule can still serve Python code, but only where it matches far better than Python's own. */
const OTHER_LANGUAGE_WEIGHT = 0.5;

/**
 * Passages reordered for code in `language`: those of documents about other languages weigh less, and so do those
 * about a kin language (a JavaScript guide, for TypeScript code) where documents about the code's own are among them.
 */
function preferLanguage(passages: Passage[], language: string): Passage[] {
  const own = passages.some((passage) => isAbout(passage.languages ?? [], language));
  const full = (languages: readonly string[]) => languages.length === 0 || (own ? isAbout(languages, language) : speaksTo(languages, language));
  if (passages.every((passage) => full(passage.languages ?? []))) return passages;
  return passages
    .map((passage) => (full(passage.languages ?? []) ? passage : { ...passage, score: passage.score * OTHER_LANGUAGE_WEIGHT }))
    .sort((a, b) => b.score - a.score);
}
