import picomatch from 'picomatch';
import { knowledgeBase as kbConfig, type Config } from '../config';
import { HouseStyleError } from '../errors';
import { silentLogger, type Logger } from '../log';
import type { Embedder } from './embedder';
import { embedderForIndex } from './embedders/chooseEmbedder';
import { sqlStringList } from './escapeSql';
import { explainIndexFailure } from './indexDamage';
import { indexUri } from './indexUri';
import type { Passage } from './passage';
import { recordRetrievals } from './retrievalLog';
import { KnowledgeStore } from './store';

export interface SearchOptions {
  k?: number;
  /** Globs on the passage's source path; only matching sources are searched. */
  sources?: string[];
  /** A review's search: the sources it returns are logged (on close) for `kb health`'s unused-source check. */
  forReview?: boolean;
}

export interface KnowledgeBase {
  readonly name: string;
  readonly embedder: string;
  search(query: string, options?: SearchOptions): Promise<Passage[]>;
  count(): Promise<number>;
  overview(): Promise<KnowledgeOverview>;
  close(): Promise<void>;
}

/** What is indexed: each source with its passage count (by path), and when the index last changed. */
export interface KnowledgeOverview {
  name: string;
  embedder: string;
  passages: number;
  sources: { source: string; passages: number }[];
  updated?: Date;
}

/** Opens an indexed knowledge base for search, with the embedder that built it. */
export async function openKnowledgeBase(options: { workspace: string; config: Config; kb?: string; extensionRoot?: string; logger?: Logger }): Promise<KnowledgeBase> {
  const name = options.kb ?? options.config.review.knowledgeBase;
  kbConfig(options.config, name);
  const uri = indexUri(options.workspace, options.config);
  const store = await KnowledgeStore.open(uri, name, options.config.index.storageOptions).catch((error: unknown) => {
    throw explainIndexFailure(error, uri);
  });
  if (!store) {
    const hint = options.config.index.readOnly
      ? 'It is a shared index (index.readOnly): ask its writer (the CI job) to index it, or check index.uri.'
      : 'Run `housestyle index` (or "House Style: Index Workspace") first.';
    throw new HouseStyleError(`The knowledge base "${name}" has not been indexed yet.`, hint, 'index-missing');
  }
  let embedder: Embedder;
  try {
    embedder = await embedderForIndex(store.identity.embedder, { config: options.config, workspace: options.workspace, extensionRoot: options.extensionRoot, logger: options.logger });
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
    const vector = async () => (await embedder.embed([query]))[0]!;
    const search = () => this.store.search(query, { vector, fuseVectors: !embedder.lexical, k, where });
    // A handle kept open may point at a version whose files a later index run cleaned up: move to the newest, once.
    const passages = await search()
      .catch(async () => {
        await this.store.refresh();
        return search();
      })
      .catch((error: unknown) => {
        throw explainIndexFailure(error, this.uri);
      });
    if (options.forReview) for (const passage of passages) this.reviewed.add(passage.source);
    return passages;
  }

  count(): Promise<number> {
    return this.store.count();
  }

  async overview(): Promise<KnowledgeOverview> {
    const { sources, updated } = await this.store.overview();
    const list = [...sources].map(([source, passages]) => ({ source, passages })).sort((a, b) => a.source.localeCompare(b.source));
    return { name: this.name, embedder: this.embedder, passages: list.reduce((sum, s) => sum + s.passages, 0), sources: list, ...(updated && { updated }) };
  }

  async close(): Promise<void> {
    this.store.close();
    await this.embedderInstance.close();
    // Best effort: a workspace that cannot take the log loses only the unused-source check.
    await recordRetrievals(this.workspace, this.name, this.reviewed).catch((error: Error) => this.logger.warn(`Could not record which rules were retrieved: ${error.message}`));
  }
}
