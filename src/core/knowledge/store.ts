import { rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Connection, Table, TableStatistics } from '@lancedb/lancedb';
import { HouseStyleError } from '../errors';
import type { Progress } from '../log';
import type { Passage } from './passage';
import { retryCommitConflicts } from './commitRetry';
import { isObjectStorageUri } from './indexUri';
import { FTS_COLUMN, FULL_TEXT_OPTIONS, OUTDATED_SCHEMA, PASSAGE_COLUMNS, SCHEMA_VERSION, tableName, tableSchema, VECTOR_COLUMN, type ChunkRow, type StoreIdentity } from './lancedbSchema';
import { loadLanceDb } from './loadLanceDb';
import { sqlStringList } from './escapeSql';
import { keepIndexOutOfGit } from './indexGitignore';
import { runUpkeepInChild } from './upkeepProcess';
import type { UpkeepTask } from './upkeepMessages';

/** What the index knows about one source file. */
export interface StoredFile {
  /** File hashes its rows were made from: more than one only after an interrupted run. */
  hashes: Set<string>;
  stamps: Set<string>;
}

/** One knowledge base's LanceDB table: the only place that speaks LanceDB. */
export class KnowledgeStore {
  /** Which indexes exist, and whether each covers every row of this handle's version (read once per version). */
  private indexes?: Promise<{ fullText?: { complete: boolean }; vector?: { complete: boolean } }>;

  private constructor(
    private readonly connection: Connection,
    private readonly table: Table,
    readonly kb: string,
    readonly identity: StoreIdentity,
    private readonly location: { uri: string; storageOptions?: Record<string, string> },
  ) {}

  /**
   * Opens the table, or returns undefined when the knowledge base was never indexed. By name, not by
   * listing the tables: one round trip fewer on object storage, where some servers list folders poorly.
   */
  static async open(uri: string, kb: string, storageOptions?: Record<string, string>): Promise<KnowledgeStore | undefined> {
    const connection = await connect(uri, storageOptions);
    let table: Table;
    try {
      table = await connection.openTable(tableName(kb));
    } catch (error) {
      connection.close();
      const missing = /was not found/i.test((error as Error).message);
      if (isObjectStorageUri(uri)) {
        if (missing) return undefined;
        throw unavailable(uri, error);
      }
      // On disk, a table folder that does not open is damaged, not absent: the caller explains how.
      if (missing && !(await stat(path.join(uri, `${tableName(kb)}.lance`)).catch(() => undefined))) return undefined;
      throw error;
    }
    const metadata = (await table.schema()).metadata;
    const current = metadata.get('schema') === SCHEMA_VERSION;
    const identity = { embedder: current ? (metadata.get('embedder') ?? 'unknown') : OUTDATED_SCHEMA, dimension: Number(metadata.get('dimension') ?? 0) };
    return new KnowledgeStore(connection, table, kb, identity, { uri, ...(storageOptions && { storageOptions }) });
  }

  /** Creates an empty table for this embedder, replacing one made by another embedder. */
  static async create(uri: string, kb: string, identity: StoreIdentity, storageOptions?: Record<string, string>): Promise<KnowledgeStore> {
    const { arrow } = await loadLanceDb();
    const connection = await connect(uri, storageOptions);
    const schema = tableSchema(arrow, identity);
    const table = await connection.createEmptyTable(tableName(kb), schema, { mode: 'overwrite' });
    await keepIndexOutOfGit(uri);
    return new KnowledgeStore(connection, table, kb, identity, { uri, ...(storageOptions && { storageOptions }) });
  }

  async count(filter?: string): Promise<number> {
    return this.table.countRows(filter);
  }

  /**
   * One scan of what is stored: each source's file hashes and stamps, every chunk content hash, and
   * the sources with duplicate ids (left by concurrent writers of older versions), which need rewriting.
   */
  async scan(sources?: readonly string[]): Promise<{ files: Map<string, StoredFile>; contentHashes: Set<string>; duplicated: Set<string> }> {
    const files = new Map<string, StoredFile>();
    const contentHashes = new Set<string>();
    const ids = new Set<string>();
    const duplicated = new Set<string>();
    // Only the named sources' rows when a watcher says which files changed: the rest of the table is not read.
    const query = sources ? this.table.query().where(`source IN ${sqlStringList(sources.length ? sources : [''])}`) : this.table.query();
    for await (const batch of query.select(['id', 'source', 'file_hash', 'file_stamp', 'content_hash'])) {
      const [rowIds, sources, hashes, stamps, contents] = ['id', 'source', 'file_hash', 'file_stamp', 'content_hash'].map((column) => batch.getChild(column)!);
      for (let i = 0; i < batch.numRows; i++) {
        const source = sources!.get(i) as string;
        let file = files.get(source);
        if (!file) files.set(source, (file = { hashes: new Set(), stamps: new Set() }));
        file.hashes.add(hashes!.get(i) as string);
        file.stamps.add(stamps!.get(i) as string);
        contentHashes.add(contents!.get(i) as string);
        const id = rowIds!.get(i) as string;
        if (ids.has(id)) duplicated.add(source);
        ids.add(id);
      }
    }
    return { files, contentHashes, duplicated };
  }

  /** Vectors already stored for these chunk contents, so unchanged (or moved) chunks are not re-embedded. */
  async vectorsByContentHash(hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    const unique = [...new Set(hashes)];
    if (unique.length === 0) return found;
    for (let i = 0; i < unique.length; i += 500) {
      const slice = unique.slice(i, i + 500);
      for await (const batch of this.table.query().where(`content_hash IN ${sqlStringList(slice)}`).select(['content_hash', VECTOR_COLUMN])) {
        const contentHashes = batch.getChild('content_hash')!;
        const vectors = batch.getChild(VECTOR_COLUMN)!;
        for (let row = 0; row < batch.numRows; row++) {
          found.set(contentHashes.get(row) as string, Float32Array.from(vectors.get(row).toArray() as Float32Array));
        }
      }
    }
    return found;
  }

  /**
   * Makes the rows of `sources` exactly `rows`: the old rows of sources that had some are deleted, then all
   * rows appended. Neither commit joins on the whole table (a merge on id read every id, and one that also
   * deleted the unmatched rows read the vectors too: about 175 MB more at 100,000 rows), so one edited file
   * is rewritten in milliseconds. A crash between the two commits leaves those sources without rows, which
   * the next run finds missing and writes again.
   */
  async replaceSources(rows: ChunkRow[], fresh: ReadonlySet<string>): Promise<void> {
    const replaced = [...new Set(rows.filter((row) => !fresh.has(row.source)).map((row) => row.source))];
    if (replaced.length > 0) await retryCommitConflicts(() => this.table.delete(`source IN ${sqlStringList(replaced)}`));
    if (rows.length > 0) await retryCommitConflicts(() => this.table.add(rows.map(toRecord)));
    this.indexes = undefined;
  }

  async deleteSources(sources: readonly string[]): Promise<void> {
    for (let i = 0; i < sources.length; i += 500) await this.table.delete(`source IN ${sqlStringList(sources.slice(i, i + 500))}`);
    this.indexes = undefined;
  }

  /**
   * Full-text index always (over compacted fragments where the rows were written scattered and no vector index is
   * due); a vector index once the table is large enough to need one; an optimize once many rows are not in the
   * indexes yet; the full-text index built again where it covers no row. New rows are searchable before they are
   * indexed, and ranked with the rest as long as the index covers some rows, so otherwise this only keeps search
   * fast. Compaction, the vector index and the optimize run in a child process (`upkeepWorker`), so their memory
   * never adds to this one's; returns that process's peak memory when one ran.
   */
  async maintainIndexes(vectorIndexMinRows: number, options: UpkeepOptions = {}): Promise<{ upkeep?: { peakRssMb: number } }> {
    const indices = await this.table.listIndices();
    const has = (column: string) => indices.some((index) => index.columns.includes(column));
    const rows = await this.table.countRows();
    if (!has(FTS_COLUMN)) {
      // Before the index is built, not after: LanceDB 0.31's full-text index, once remapped onto compacted fragments,
      // missed a passage of the top 20 now and then (2 in 820 queries at 100,000 rows); built over them, none. And not
      // where a vector index is to be built: its HNSW-SQ build over the compacted 100,000 rows took 220 s, over 99
      // fragments 97 s.
      const compacted = rows < vectorIndexMinRows && scattered(await this.table.stats()) ? await this.upkeep({ type: 'optimize' }, options) : undefined;
      await this.buildFullTextIndex();
      // Every row is in the new index, and too few rows for a vector index: nothing else to do.
      if (compacted) return { upkeep: compacted };
    }
    if (!has(VECTOR_COLUMN) && rows >= vectorIndexMinRows) return { upkeep: await this.upkeep({ type: 'vector-index' }, options) };
    const stats = await this.table.indexStats(indices.find((index) => index.columns.includes(FTS_COLUMN))?.name ?? `${FTS_COLUMN}_idx`);
    if (stats && stats.numUnindexedRows > Math.max(1000, rows * 0.05)) return { upkeep: await this.upkeep({ type: 'optimize' }, options) };
    // A full-text index that covers no row (every document changed, or all were re-read; here, 1,000 rows at most, as a
    // team with one guide that they just edited has): LanceDB 0.31 cuts its scan of unindexed rows at the query's
    // limit before ranking them (lance-format/lance#5062), so search returned the first matches in table order. It is
    // built again here, in milliseconds: index runs of a one-guide workspace took 0.47 s as before, 1.0 s with the
    // optimize child.
    if (stats && stats.numIndexedRows === 0 && stats.numUnindexedRows > 0) await this.buildFullTextIndex();
    return {};
  }

  /** Builds the full-text index over every row, in this process, replacing any there was. */
  private async buildFullTextIndex(): Promise<void> {
    const { lancedb } = await loadLanceDb();
    await this.table.createIndex(FTS_COLUMN, { config: lancedb.Index.fts(FULL_TEXT_OPTIONS), replace: true });
    this.indexes = undefined;
  }

  /** Builds the vector index over every row (run by `upkeepWorker`, in a process of its own). */
  async buildVectorIndex(): Promise<void> {
    const { lancedb } = await loadLanceDb();
    const rows = await this.table.countRows();
    // Several partitions: one HNSW graph over all rows costs about 150 MB more to build at 100,000 rows and searches no faster.
    await this.table.createIndex(VECTOR_COLUMN, { config: lancedb.Index.hnswSq({ distanceType: 'l2', numPartitions: Math.max(1, Math.ceil(rows / 12_500)) }) });
  }

  /** Compacts files, brings the indexes up to date, and deletes versions older than `cleanupOlderThan` (run by `upkeepWorker`). */
  async optimize(cleanupOlderThan?: Date): Promise<void> {
    await this.table.optimize(cleanupOlderThan ? { cleanupOlderThan } : {});
  }

  /** Runs an upkeep task in the child process, then moves this handle to the version it committed. */
  private async upkeep(task: UpkeepTask, { signal, progress }: UpkeepOptions): Promise<{ peakRssMb: number }> {
    progress?.report(UPKEEP_PHASES[task.type], 0, 1);
    const result = await runUpkeepInChild({ ...this.location, kb: this.kb, task }, signal);
    await this.refresh();
    progress?.report(UPKEEP_PHASES[task.type], 1, 1);
    return result;
  }

  private async readIndexes(): Promise<{ fullText?: { complete: boolean }; vector?: { complete: boolean } }> {
    const found: { fullText?: { complete: boolean }; vector?: { complete: boolean } } = {};
    for (const index of await this.table.listIndices()) {
      const column = index.columns.includes(FTS_COLUMN) ? 'fullText' : index.columns.includes(VECTOR_COLUMN) ? 'vector' : undefined;
      if (column) found[column] = { complete: (await this.table.indexStats(index.name))?.numUnindexedRows === 0 };
    }
    return found;
  }

  /**
   * Hybrid search: BM25 over heading and text, and nearest vectors, run side by side and fused by
   * reciprocal rank (`fuseByRank`; LanceDB's own hybrid query runs them one after the other). BM25 alone
   * when `fuseVectors` is false (a lexical embedder's vectors only echo BM25, less sharply), topped up with
   * nearest vectors when fewer than k passages share a word with the query. Vectors alone where the
   * full-text index is not built yet (an index run was interrupted) or the query has no words.
   */
  async search(query: string, options: { vector: () => Promise<Float32Array>; fuseVectors: boolean; k: number; where?: string }): Promise<Passage[]> {
    this.indexes ??= this.readIndexes();
    const indexes = await this.indexes;
    const hasWords = /[\p{L}\p{N}]/u.test(query) && indexes.fullText !== undefined;
    const { k, where } = options;
    // Where an index covers every row, LanceDB is told so (fast search) and plans no scan of unindexed rows.
    const prepared = <Q extends { where(predicate: string): Q; fastSearch(): Q }>(search: Q, complete: boolean | undefined) => {
      const narrowed = where ? search.where(where) : search;
      return complete ? narrowed.fastSearch() : narrowed;
    };
    const nearest = async () => prepared(this.table.query().nearestTo(await options.vector()), indexes.vector?.complete).select([...PASSAGE_COLUMNS, '_distance']).limit(k).toArray();
    const matching = () => prepared(this.table.query().fullTextSearch(query, { columns: FTS_COLUMN }), indexes.fullText?.complete).select([...PASSAGE_COLUMNS, '_score']).limit(k).toArray();
    let rows: Row[];
    if (!hasWords) rows = await nearest();
    else if (options.fuseVectors) rows = fuseByRank(await Promise.all([matching(), nearest()]), k);
    else {
      rows = await matching();
      if (rows.length < k) {
        const found = new Set(rows.map((row) => row.id));
        rows.push(...(await nearest()).filter((row) => !found.has(row.id)).slice(0, k - rows.length));
      }
    }
    // Scores fall with rank even where top-up rows (distances) follow BM25 rows (scores of another scale).
    let floor = Infinity;
    return rows.map((row) => ({
      id: row.id,
      kb: this.kb,
      source: row.source,
      startLine: row.start_line,
      endLine: row.end_line,
      heading: row.heading,
      text: row.text,
      score: (floor = Math.min(floor, row._relevance_score ?? row._score ?? 1 / (1 + (row._distance ?? 0)))),
      appliesTo: JSON.parse(row.applies_to) as string[],
      ...(row.page > 0 ? { page: row.page as number } : {}),
      ...(row.languages !== '[]' && { languages: JSON.parse(row.languages) as string[] }),
    }));
  }

  /** Every stored passage without its vector, batch by batch (for health checks over the whole knowledge base). */
  async *passages(): AsyncGenerator<Pick<Passage, 'source' | 'heading' | 'text' | 'startLine' | 'endLine'>> {
    for await (const batch of this.table.query().select(['source', 'heading', 'text', 'start_line', 'end_line'])) {
      const columns = ['source', 'heading', 'text', 'start_line', 'end_line'].map((column) => batch.getChild(column)!);
      for (let i = 0; i < batch.numRows; i++) {
        const [source, heading, text, startLine, endLine] = columns.map((column) => column.get(i));
        yield { source, heading, text, startLine, endLine };
      }
    }
  }

  /**
   * Deletes versions older than `olderThan` (compacting small files on the way, in the upkeep process), so an
   * index that is updated often stays about the size of a fresh one. Nothing is done while no version is that
   * old: compaction copies data, which only pays once old files can go.
   */
  async cleanupOldVersions(olderThan: Date, options: UpkeepOptions = {}): Promise<{ upkeep?: { peakRssMb: number } }> {
    const versions = await this.table.listVersions();
    if (versions.length > 1 && versions.some((version) => version.timestamp < olderThan)) return { upkeep: await this.upkeep({ type: 'optimize', cleanupOlderThan: olderThan.getTime() }, options) };
    return {};
  }

  /** Moves to the newest version: a table kept open (the editor's) may outlive its version's files once old versions are cleaned up. */
  async refresh(): Promise<void> {
    await this.table.checkoutLatest();
    this.indexes = undefined;
  }

  /** Deletes a knowledge base's table, damaged or not, so that it can be built afresh. */
  static async drop(uri: string, kb: string, storageOptions?: Record<string, string>): Promise<void> {
    if (!isObjectStorageUri(uri)) {
      // A damaged table may not even open; its folder is simply removed.
      await rm(path.join(uri, `${tableName(kb)}.lance`), { recursive: true, force: true });
      return;
    }
    const connection = await connect(uri, storageOptions);
    try {
      await connection.dropTable(tableName(kb));
    } catch (error) {
      if (!/not found|does not exist/i.test((error as Error).message)) throw error;
    } finally {
      connection.close();
    }
  }

  /** Distinct source paths, for glob filters. */
  async sources(): Promise<string[]> {
    return [...(await this.scan()).files.keys()].sort();
  }

  /**
   * Per source file, its passages and the languages its document is about (`documentLanguages`, the same on each of
   * its rows), and when the table last changed: what the editor's Knowledge tree shows.
   */
  async overview(): Promise<{ sources: Map<string, { passages: number; languages: string[] }>; updated?: Date }> {
    const sources = new Map<string, { passages: number; languages: string[] }>();
    for await (const batch of this.table.query().select(['source', 'languages'])) {
      const [sourceColumn, languagesColumn] = [batch.getChild('source')!, batch.getChild('languages')!];
      for (let i = 0; i < batch.numRows; i++) {
        const source = sourceColumn.get(i) as string;
        const entry = sources.get(source);
        if (entry) entry.passages++;
        else sources.set(source, { passages: 1, languages: JSON.parse(languagesColumn.get(i) as string) as string[] });
      }
    }
    const versions = await this.table.listVersions();
    const updated = versions.at(-1)?.timestamp;
    return { sources, ...(updated && { updated }) };
  }

  close(): void {
    this.table.close();
    this.connection.close();
  }
}

/** Cancels an upkeep task (the child is killed) and shows it while it runs. */
export interface UpkeepOptions {
  signal?: AbortSignal;
  progress?: Progress;
}

/** How progress names each upkeep task. */
const UPKEEP_PHASES: Record<UpkeepTask['type'], string> = { 'vector-index': 'Building the vector index', optimize: 'Optimizing the index' };

/**
 * Whether the rows lie in many fragments, as an index run's commits of about a thousand rows each leave them. A search
 * reads its candidates' columns fragment by fragment: at 100,000 rows in 99 fragments a full-text query for 20
 * candidates took about 7 ms more (p50) than in one (README, Performance). More than 20 fragments is LanceDB's rule
 * of thumb for optimizing (more than 20 data modifications: `Table.optimize` in @lancedb/lancedb/dist/table.d.ts);
 * below about a thousand rows outside the largest fragment, a child process to compact them costs more than it saves.
 */
function scattered({ numRows, fragmentStats }: TableStatistics): boolean {
  return fragmentStats.numFragments > 20 && numRows - fragmentStats.lengths.max > Math.max(1000, numRows * 0.05);
}

/** A LanceDB result row, read by column name. */
type Row = Record<string, any>;

/** Reciprocal rank fusion's usual constant: ranks past the first few still count, none dominates. */
export const RRF_K = 60;

/** Reciprocal rank fusion of ranked lists of rows (by id): each row scores the sum of 1 / (RRF_K + rank). */
export function fuseByRank(lists: Row[][], k: number): Row[] {
  const fused = new Map<string, { row: Row; score: number }>();
  for (const list of lists) {
    list.forEach((row, rank) => {
      const entry = fused.get(row.id) ?? { row, score: 0 };
      entry.score += 1 / (RRF_K + rank + 1);
      fused.set(row.id, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map(({ row, score }) => ({ ...row, _relevance_score: score }));
}

/**
 * `storageOptions` (endpoint, credentials) for object storage; without them LanceDB reads the standard AWS_* variables.
 * Every read checks for a newer version (readConsistencyInterval 0): a table kept open (the editor's) would otherwise
 * answer from its session cache with passages that another run has since replaced and cleaned up.
 */
async function connect(uri: string, storageOptions?: Record<string, string>): Promise<Connection> {
  const { lancedb } = await loadLanceDb();
  try {
    return await lancedb.connect(uri, { readConsistencyInterval: 0, ...(storageOptions && Object.keys(storageOptions).length > 0 && { storageOptions }) });
  } catch (error) {
    throw unavailable(uri, error);
  }
}

function unavailable(uri: string, error: unknown): HouseStyleError {
  const message = (error as Error).message.split('\n')[0]!.replace(/\s+Caused by:.*$/s, '');
  const hint = isObjectStorageUri(uri)
    ? 'Check index.uri, and the endpoint and credentials in index.storageOptions or the AWS_* environment variables.'
    : 'Check index.uri in the configuration and that the location is readable and writable.';
  return new HouseStyleError(`Cannot open the index at ${uri}: ${message}.`, hint, 'index-unavailable', { cause: error });
}

function toRecord(row: ChunkRow): Record<string, unknown> {
  return { ...row, vector: Array.from(row.vector) };
}
