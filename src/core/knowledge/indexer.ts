import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_STYLE_INCLUDE, knowledgeBase, type Config, type KnowledgeBaseConfig } from '../config';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { isOutside } from '../insideWorkspace';
import { sha256 } from '../hash';
import { readAhead } from '../readAhead';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import type { Chunk } from './chunk/chunk';
import { CHUNKER_VERSION, chunkSource } from './chunk/chunkSource';
import type { Embedder, EmbedderChoice } from './embedder';
import { chooseEmbedder } from './embedders/chooseEmbedder';
import { codeOf, codeTokens } from './codeTokens';
import { documentLanguages } from './documentLanguages';
import { retryCommitConflicts } from './commitRetry';
import { explainIndexFailure } from './indexDamage';
import { acquireIndexLock, describeHolder, indexLockFile } from './indexLock';
import { openIndexTable, type EmbedderChange } from './indexTable';
import { indexUri, isObjectStorageUri } from './indexUri';
import { readSource } from './readSource';
import { discoverSources, sourcesAmong } from './sources';
import { tableName, type ChunkRow } from './lancedbSchema';
import type { KnowledgeStore, StoredFile } from './store';

export interface IndexOptions {
  workspace: string;
  config: Config;
  /** Knowledge base name; defaults to the one reviews use. */
  kb?: string;
  /** A choice to resolve, or a ready embedder (tests pass one that counts its calls). */
  embedder?: EmbedderChoice | Embedder;
  extensionRoot?: string;
  logger?: Logger;
  /** The workspace service's model client: the Ollama embedder uses it (without one, Ollama is not asked). */
  client?: OllamaClient;
  progress?: Progress;
  signal?: AbortSignal;
  /**
   * Workspace-relative paths a file watcher saw created, changed or deleted: only these are looked at (no
   * listing of the workspace, no scan of other rows), so one edited doc is re-indexed in milliseconds.
   */
  changed?: readonly string[];
  /** Delete the table first and build it afresh (the way out of a damaged index). */
  rebuild?: boolean;
  /**
   * Asked before an index built with a meaning-based embedder is rebuilt with the hashing one (`auto` fell back,
   * say because the Ollama host is mistyped): false keeps the index as it is. Without it the run goes on.
   */
  confirmEmbedderChange?: (change: EmbedderChange) => Promise<boolean>;
  /** How long to wait while another run writes this index; default ten minutes. */
  lockWaitMs?: number;
}

export interface IndexReport {
  kb: string;
  embedder: string;
  embedderReason: string;
  files: number;
  unchanged: number;
  updated: number;
  removed: number;
  skipped: { source: string; reason: string }[];
  /** Include globs that matched no file (a typo, or docs that moved). */
  unmatched: string[];
  /** Files whose rows were duplicated (by concurrent runs of older versions) and are rewritten once each. */
  repaired: number;
  /** Chunks whose vectors were computed in this run (the rest were reused). */
  embedded: number;
  reused: number;
  rows: number;
  durationMs: number;
}

interface PendingFile {
  source: string;
  fileHash: string;
  stamp: string;
  chunks: Chunk[];
  /** What `documentLanguages` found in the whole file, given to each of its rows. */
  languages: string[];
}

/** Rows written per commit: large enough to be fast, small enough that a crash loses little and memory stays low. */
const WRITE_BATCH_ROWS = 1024;

const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

/** Versions older than this are deleted after a run that wrote: long enough for a search that had the table open to finish. */
const VERSION_GRACE_MS = 5 * 60_000;

/**
 * Brings a knowledge base's table up to date with the workspace. Unchanged files are skipped by
 * content hash (a new modification time alone rewrites nothing), unchanged chunks keep their
 * vectors, removed files lose their rows. Each write commits whole files, so a killed run leaves a
 * usable index that the next run completes. One run writes an index at a time (a lock file names
 * it); files whose rows an older concurrent run duplicated are rewritten.
 */
export async function indexKnowledgeBase(options: IndexOptions): Promise<IndexReport> {
  const started = performance.now();
  const { workspace, config, signal } = options;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const kbName = options.kb ?? config.review.knowledgeBase;
  const kb = knowledgeBase(config, kbName);
  const uri = indexUri(workspace, config);
  if (config.index.readOnly) {
    throw new HouseStyleError(`The index at ${uri} is shared and read-only here (index.readOnly).`, 'Only its one writer (the CI job) indexes it; set index.readOnly to false only there.', 'index-read-only');
  }
  const storageOptions = config.index.storageOptions;

  const { embedder, reason, unreachableHost }: { embedder: Embedder; reason: string; unreachableHost?: string } =
    typeof options.embedder === 'object'
      ? { embedder: options.embedder, reason: 'provided by the caller' }
      : await chooseEmbedder(options.embedder ?? config.index.embedder, { config, workspace, extensionRoot: options.extensionRoot, logger, client: options.client, progress, ...(signal && { signal }) });
  // Said once a run has something to embed: an up-to-date index (every review starts with a run) stays quiet.
  let announced = false;
  const announceEmbedder = () => {
    if (!announced) logger.info(`Embedder: ${embedder.id} (${reason}).`);
    announced = true;
  };

  let lock: Awaited<ReturnType<typeof acquireIndexLock>> | undefined;
  try {
    lock = await acquireIndexLock(indexLockFile(workspace, uri, tableName(kbName)), {
      waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      ...(signal ? { signal } : {}),
      onWait: (holder, waitedMs) => progress.report(`Waiting for the index run of ${describeHolder(holder)}; seconds waited`, Math.round(waitedMs / 1000)),
    });
    const store = await openIndexTable({
      uri,
      kb: kbName,
      storageOptions,
      embedder,
      reason,
      ...(unreachableHost && { unreachableHost }),
      ...(options.rebuild && { rebuild: true }),
      ...(options.confirmEmbedderChange && { confirmEmbedderChange: options.confirmEmbedderChange }),
      logger,
      announceEmbedder,
    });
    const { run, sources } = await surveyWorkspace({ workspace, config, kbName, kb, uri, store, embedder, reason, changed: options.changed, logger, progress, signal, announceEmbedder });
    await indexSources(run, sources);
    await removeGoneSources(run);
    await maintainTable(run, { incremental: options.changed !== undefined });
    run.report.rows = await store.count();
    store.close();
    run.report.durationMs = performance.now() - started;
    return run.report;
  } catch (error) {
    throw explainIndexFailure(error, uri);
  } finally {
    await lock?.release();
    if (typeof options.embedder !== 'object') await embedder.close();
  }
}

/** One run's state as it goes through the files: what the table held when it started, and what the run did. */
interface IndexRun {
  workspace: string;
  config: Config;
  kb: KnowledgeBaseConfig;
  store: KnowledgeStore;
  embedder: Embedder;
  /** A hash of everything besides a file's text that shapes its rows (chunker, chunking, embedder): a change re-indexes every file. */
  settings: string;
  /** The files the table has rows for, and the content hashes whose vectors it holds. */
  existing: Map<string, StoredFile>;
  contentHashes: Set<string>;
  /** Sources that still have rows when the run ends: the rest of `existing` are removed. */
  keep: Set<string>;
  report: IndexReport;
  logger: Logger;
  progress: Progress;
  signal: AbortSignal | undefined;
  announceEmbedder: () => void;
}

interface SurveyOptions extends Omit<IndexRun, 'settings' | 'existing' | 'contentHashes' | 'keep' | 'report'> {
  kbName: string;
  uri: string;
  reason: string;
  changed: readonly string[] | undefined;
}

/**
 * What the table holds and which files are the knowledge base's sources now (only the changed ones when a watcher
 * named them), said where a glob matched nothing or a file was skipped; files whose rows concurrent runs duplicated
 * are dropped first, to be written again as new.
 */
async function surveyWorkspace(options: SurveyOptions): Promise<{ run: IndexRun; sources: string[] }> {
  const { workspace, config, kbName, kb, uri, store, embedder, logger, changed } = options;
  const { files: existing, contentHashes, duplicated } = await store.scan(changed);
  const scope = knowledgeBaseScope(workspace, config, kbName);
  const discovery = changed ? await sourcesAmong(workspace, scope, changed) : await discoverSources(workspace, scope);
  const sources = discovery.files;
  const settings = sha256(String(CHUNKER_VERSION), String(config.chunking.maxTokens), String(config.chunking.overlapTokens), String(kb.codeComments), embedder.id);
  const report: IndexReport = {
    kb: kbName,
    embedder: embedder.id,
    embedderReason: options.reason,
    files: sources.length,
    unchanged: 0,
    updated: 0,
    removed: 0,
    skipped: [...discovery.skipped],
    unmatched: discovery.unmatched,
    repaired: duplicated.size,
    embedded: 0,
    reused: 0,
    rows: 0,
    durationMs: 0,
  };
  for (const { source, reason } of discovery.skipped) logger.warn(`Skipped ${source}: ${reason}.`);
  // A glob the user wrote that matches nothing is usually a typo; most workspaces have only a few of the defaults' kinds of file.
  for (const glob of discovery.unmatched) if (!DEFAULT_STYLE_INCLUDE.includes(glob)) logger.warn(`The include glob "${glob}" of knowledge base "${kbName}" matched no file.`);
  if (duplicated.size > 0) {
    // Dropped whole and written again as new files: a merge on id cannot tell duplicate rows apart.
    logger.warn(`Repairing ${duplicated.size} file${duplicated.size === 1 ? '' : 's'} whose rows were written twice by concurrent index runs.`);
    await retryCommitConflicts(() => store.deleteSources([...duplicated]));
    for (const source of duplicated) existing.delete(source);
  }
  const { progress, signal, announceEmbedder } = options;
  return { run: { workspace, config, kb, store, embedder, settings, existing, contentHashes, keep: new Set(), report, logger, progress, signal, announceEmbedder }, sources };
}

/** A source as read: skipped (with why), unchanged since its rows were written, or its text. */
type LoadedSource = { skip: string } | { stamp: string; unchanged: true } | { stamp: string; text: string };

/**
 * Reads the sources in order and writes the rows of each new or changed one, in batches of whole files; a file
 * whose content is what its rows were made from is kept as it is.
 */
async function indexSources(run: IndexRun, sources: string[]): Promise<void> {
  const { report, signal } = run;
  const batch = new WriteBatch(run);
  // Up to READ_AHEAD files are read at once (the disk is the slow part), yet handled strictly in order.
  for await (const [index, source, reading] of readAhead(startReads(sources, (source) => loadSource(run, source)), READ_AHEAD)) {
    throwIfCancelled(signal, CANCELLED, CANCELLED_HINT);
    const read = await reading;
    run.progress.report('Indexing files', index, sources.length);
    if ('unchanged' in read) {
      run.keep.add(source);
      report.unchanged++;
      continue;
    }
    if ('skip' in read) {
      skip(run, source, read.skip);
      continue;
    }
    const fileHash = sha256(run.settings, read.text);
    const known = run.existing.get(source);
    // Same content under a new time (touch, a branch switch): nothing to write. Its stored stamp
    // stays older, so the file is read again next time, which costs far less than rewriting it.
    if (known?.hashes.size === 1 && known.hashes.has(fileHash)) {
      run.keep.add(source);
      report.unchanged++;
      continue;
    }
    const chunked = chunkSource(source, read.text, { ...run.config.chunking, codeComments: run.kb.codeComments });
    if ('skip' in chunked || chunked.chunks.length === 0) {
      skip(run, source, 'skip' in chunked ? chunked.skip : 'no indexable text');
      continue;
    }
    for (const part of chunked.skipped ?? []) {
      report.skipped.push({ source, reason: part });
      run.logger.warn(`Skipped part of ${source}: ${part}.`);
    }
    run.keep.add(source);
    await batch.add({ source, fileHash, stamp: read.stamp, chunks: chunked.chunks, languages: documentLanguages(read.text, source) });
  }
  await batch.flush();
  run.progress.report('Indexing files', sources.length, sources.length);
}

function skip(run: IndexRun, source: string, reason: string): void {
  run.report.skipped.push({ source, reason });
  run.logger.warn(`Skipped ${source}: ${reason}.`);
}

/** Same size, time and settings as when its rows were written: not even read (as git's index does). Failures are values, never rejections. */
async function loadSource(run: IndexRun, source: string): Promise<LoadedSource> {
  const file = path.join(run.workspace, source);
  const info = await stat(file).catch(() => undefined);
  const stamp = info ? `${info.size}:${info.mtimeMs}:${run.settings.slice(0, 12)}` : '';
  const known = run.existing.get(source);
  if (info && known?.hashes.size === 1 && known.stamps.size === 1 && known.stamps.has(stamp)) return { stamp, unchanged: true };
  const read = await readSource(file, run.kb.maxFileBytes);
  return 'skip' in read ? read : { stamp, text: read.text };
}

/** Files whose rows are to be written, committed together once they hold WRITE_BATCH_ROWS rows (or at the end). */
class WriteBatch {
  private pending: PendingFile[] = [];
  private rows = 0;

  constructor(private readonly run: IndexRun) {}

  async add(file: PendingFile): Promise<void> {
    this.pending.push(file);
    this.rows += file.chunks.length;
    if (this.rows >= WRITE_BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    const { pending, run } = this;
    if (pending.length === 0) return;
    run.announceEmbedder();
    const { rows, embedded } = await embedRows(pending, run.store, run.contentHashes, run.embedder, run.config.index.batchSize, run.signal);
    const fresh = new Set(pending.filter((file) => !run.existing.has(file.source)).map((file) => file.source));
    await run.store.replaceSources(rows, fresh);
    for (const row of rows) run.contentHashes.add(row.content_hash);
    run.report.embedded += embedded;
    run.report.reused += rows.length - embedded;
    run.report.updated += pending.length;
    this.pending = [];
    this.rows = 0;
  }
}

/** Rows of files that are no longer sources (deleted, renamed, excluded now) go. */
async function removeGoneSources(run: IndexRun): Promise<void> {
  const gone = [...run.existing.keys()].filter((source) => !run.keep.has(source));
  await retryCommitConflicts(() => run.store.deleteSources(gone));
  run.report.removed = gone.length;
}

/**
 * The indexes search needs, and old versions deleted after a full run that wrote. The rows are written and
 * searchable by now: upkeep that fails (in its own process) only leaves search slower, so it is said, not thrown.
 */
async function maintainTable(run: IndexRun, { incremental }: { incremental: boolean }): Promise<void> {
  const { store, report, signal, progress, logger } = run;
  const tolerateUpkeepFailure = (error: unknown) => {
    throwIfCancelled(signal, CANCELLED, CANCELLED_HINT);
    if (!(error instanceof HouseStyleError) || error.code !== 'index-unavailable') throw error;
    logger.warn(`${error.message} ${error.hint ?? ''}`.trim());
  };
  // A lexical embedder's vectors serve only to top up BM25, rarely: no vector index to build (about 200 MB and 25 s at 100,000 rows).
  await retryCommitConflicts(() => store.maintainIndexes(run.embedder.lexical ? Infinity : run.config.index.vectorIndexMinRows, { signal, progress })).catch(tolerateUpkeepFailure);
  if (!incremental && report.updated + report.removed + report.repaired > 0) {
    await retryCommitConflicts(() => store.cleanupOldVersions(new Date(Date.now() - VERSION_GRACE_MS), { signal, progress })).catch(tolerateUpkeepFailure);
  }
}

/** The globs a knowledge base's index is built from: its own, minus the index's folder. */
export function knowledgeBaseScope(workspace: string, config: Config, kbName: string): { include: string[]; exclude: string[] } {
  const kb = knowledgeBase(config, kbName);
  return { include: kb.include, exclude: [...kb.exclude, ...ownFolders(workspace, indexUri(workspace, config))] };
}

/** The index's own folder, wherever index.uri puts it inside the workspace: never a source of itself. */
function ownFolders(workspace: string, uri: string): string[] {
  if (isObjectStorageUri(uri)) return [];
  const relative = path.relative(workspace, uri);
  return relative === '' || isOutside(relative) ? [] : [`${relative.split(path.sep).join('/')}/**`];
}

/** Review needs rules: an index with no rows means the include globs found nothing, which is said, not passed over. */
export function requireRules(report: IndexReport): void {
  if (report.rows > 0) return;
  // A long list of globs buries what to do: past two, their count.
  const globs = report.unmatched.length > 2 ? `; none of its ${report.unmatched.length} include globs matched a file` : report.unmatched.length > 0 ? `; these include globs matched no file: ${report.unmatched.join(', ')}` : '';
  throw new HouseStyleError(
    `The knowledge base "${report.kb}" is empty: ${report.files} files indexed${globs}.`,
    `Fix knowledgeBases.${report.kb}.include in .housestyle/config.json (or add docs), then run it again.`,
    'knowledge-empty',
    { fix: ['add-knowledge-sources'] },
  );
}


const READ_AHEAD = 32;

/** Each read starts when the read-ahead pump takes its item; `load` reports failures as values, never rejects. */
function* startReads<T>(sources: string[], load: (source: string) => Promise<T>): Generator<[number, string, Promise<T>]> {
  for (const [index, source] of sources.entries()) yield [index, source, load(source)];
}

async function embedRows(
  files: PendingFile[],
  store: KnowledgeStore,
  stored: ReadonlySet<string>,
  embedder: Embedder,
  batchSize: number,
  signal?: AbortSignal,
): Promise<{ rows: ChunkRow[]; embedded: number }> {
  const chunks = files.flatMap((file) => file.chunks.map((chunk) => ({ file, chunk, contentHash: sha256(chunk.heading, chunk.text).slice(0, 32) })));
  // Only contents already stored are looked up: on a first run that is none, and no query is made.
  const vectors = await store.vectorsByContentHash(chunks.map((c) => c.contentHash).filter((hash) => stored.has(hash)));
  const missing = [...new Map(chunks.filter((c) => !vectors.has(c.contentHash)).map((c) => [c.contentHash, embeddingText(c.chunk)])).entries()];
  for (let i = 0; i < missing.length; i += batchSize) {
    throwIfCancelled(signal, CANCELLED, CANCELLED_HINT);
    const batch = missing.slice(i, i + batchSize);
    const embedded = await embedder.embed(batch.map(([, text]) => text), signal);
    batch.forEach(([hash], j) => vectors.set(hash, embedded[j]!));
  }
  const rows = chunks.map(({ file, chunk, contentHash }) => ({
    id: sha256(chunk.source, ...(chunk.page ? [`p${chunk.page}`] : []), String(chunk.startLine), String(chunk.endLine), contentHash).slice(0, 32),
    source: chunk.source,
    start_line: chunk.startLine,
    end_line: chunk.endLine,
    heading: chunk.heading,
    text: chunk.text,
    fts_text: fullText(chunk),
    content_hash: contentHash,
    file_hash: file.fileHash,
    file_stamp: file.stamp,
    applies_to: JSON.stringify(chunk.appliesTo),
    page: chunk.page ?? 0,
    languages: JSON.stringify(file.languages),
    vector: vectors.get(contentHash)!,
  }));
  return { rows, embedded: missing.length };
}

/** What BM25 matches: the chunk's heading path and text, and its code examples spelled as code tokens (`codeTokens`). */
function fullText(chunk: Pick<Chunk, 'heading' | 'text'>): string {
  const tokens = codeTokens(codeOf(chunk.text));
  return tokens.length > 0 ? `${embeddingText(chunk)}\n${tokens.join(' ')}` : embeddingText(chunk);
}

/** The heading path gives a chunk its context, for vectors and for BM25 alike. */
export function embeddingText(chunk: Pick<Chunk, 'heading' | 'text'>): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

const CANCELLED = 'Indexing was cancelled.';
const CANCELLED_HINT = 'Run it again to finish; what was indexed is kept.';
