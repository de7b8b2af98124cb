import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { knowledgeBase, type Config } from '../config';
import { cancellationError, HouseStyleError, throwIfCancelled } from '../errors';
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
import { indexUri, isObjectStorageUri } from './indexUri';
import { readSource } from './readSource';
import { discoverSources, sourcesAmong } from './sources';
import { OUTDATED_SCHEMA, tableName, type ChunkRow } from './lancedbSchema';
import { KnowledgeStore } from './store';

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

/** An index about to lose meaning-based search: what built it, what would rebuild it, and why (`reason` of the choice). */
export interface EmbedderChange {
  kb: string;
  from: string;
  to: string;
  reason: string;
  /** Set when the fallback is because Ollama did not answer there (a stopped server, a mistyped host). */
  unreachableHost?: string;
  /** The user asked for this rebuild (Rebuild Index), rather than an index run they did not start (a review, a save). */
  requested: boolean;
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
    // Never silently from meaning-based search to the lexical fallback: the caller is asked first.
    const confirmEmbedder = async (madeBy: string | undefined): Promise<void> => {
      if (!madeBy || madeBy === OUTDATED_SCHEMA || isHashing(madeBy) || !isHashing(embedder.id) || !options.confirmEmbedderChange) return;
      if (await options.confirmEmbedderChange({ kb: kbName, from: madeBy, to: embedder.id, reason, requested: options.rebuild === true, ...(unreachableHost && { unreachableHost }) })) return;
      throw cancellationError(`The index of "${kbName}" was kept as it was, built with ${madeBy}.`);
    };
    if (options.rebuild) {
      // A damaged index (what a rebuild replaces) may not open: then there is nothing to lose.
      const old = await KnowledgeStore.open(uri, kbName, storageOptions).catch(() => undefined);
      const madeBy = old?.identity.embedder;
      old?.close();
      await confirmEmbedder(madeBy);
      logger.info(`Rebuilding the index of "${kbName}" from scratch.`);
      await KnowledgeStore.drop(uri, kbName, storageOptions);
    }
    let store = await KnowledgeStore.open(uri, kbName, storageOptions);
    if (store && (store.identity.embedder !== embedder.id || store.identity.dimension !== embedder.dimension)) {
      await confirmEmbedder(store.identity.embedder).catch((error: unknown) => {
        store?.close();
        throw error;
      });
      announceEmbedder();
      const madeBy = store.identity.embedder === OUTDATED_SCHEMA ? 'an earlier version of House Style' : store.identity.embedder;
      logger.info(`The index of "${kbName}" was built by ${madeBy}; rebuilding it with ${embedder.id}.`);
      store.close();
      store = undefined;
    }
    store ??= await KnowledgeStore.create(uri, kbName, { embedder: embedder.id, dimension: embedder.dimension }, storageOptions);

    const { files: existing, contentHashes, duplicated } = await store.scan(options.changed);
    const scope = knowledgeBaseScope(workspace, config, kbName);
    const discovery = options.changed ? await sourcesAmong(workspace, scope, options.changed) : await discoverSources(workspace, scope);
    const sources = discovery.files;
    const settings = sha256(String(CHUNKER_VERSION), String(config.chunking.maxTokens), String(config.chunking.overlapTokens), String(kb.codeComments), embedder.id);
    const report: IndexReport = {
      kb: kbName,
      embedder: embedder.id,
      embedderReason: reason,
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
    for (const glob of discovery.unmatched) logger.warn(`The include glob "${glob}" of knowledge base "${kbName}" matched no file.`);
    if (duplicated.size > 0) {
      // Dropped whole and written again as new files: a merge on id cannot tell duplicate rows apart.
      logger.warn(`Repairing ${duplicated.size} file${duplicated.size === 1 ? '' : 's'} whose rows were written twice by concurrent index runs.`);
      await retryCommitConflicts(() => store!.deleteSources([...duplicated]));
      for (const source of duplicated) existing.delete(source);
    }
    const keep = new Set<string>();
    let pending: PendingFile[] = [];
    let pendingRows = 0;

    const flush = async () => {
      if (pending.length === 0) return;
      announceEmbedder();
      const { rows, embedded } = await embedRows(pending, store!, contentHashes, embedder, config.index.batchSize, signal);
      const fresh = new Set(pending.filter((file) => !existing.has(file.source)).map((file) => file.source));
      await store!.replaceSources(rows, fresh);
      for (const row of rows) contentHashes.add(row.content_hash);
      report.embedded += embedded;
      report.reused += rows.length - embedded;
      report.updated += pending.length;
      pending = [];
      pendingRows = 0;
    };

    const stampOf = (info: Stats) => `${info.size}:${info.mtimeMs}:${settings.slice(0, 12)}`;
    const load = async (source: string): Promise<{ skip: string } | { stamp: string; unchanged: true } | { stamp: string; text: string }> => {
      const file = path.join(workspace, source);
      const info = await stat(file).catch(() => undefined);
      const stamp = info ? stampOf(info) : '';
      const known = existing.get(source);
      // Same size, time and settings as when its rows were written: not even read (as git's index does).
      if (info && known?.hashes.size === 1 && known.stamps.size === 1 && known.stamps.has(stamp)) return { stamp, unchanged: true };
      const read = await readSource(file, kb.maxFileBytes);
      return 'skip' in read ? read : { stamp, text: read.text };
    };

    // Up to READ_AHEAD files are read at once (the disk is the slow part), yet handled strictly in order.
    for await (const [index, source, reading] of readAhead(startReads(sources, load), READ_AHEAD)) {
      throwIfCancelled(signal, CANCELLED, CANCELLED_HINT);
      const read = await reading;
      progress.report('Indexing files', index, sources.length);
      if ('unchanged' in read) {
        keep.add(source);
        report.unchanged++;
        continue;
      }
      if ('skip' in read) {
        report.skipped.push({ source, reason: read.skip });
        logger.warn(`Skipped ${source}: ${read.skip}.`);
        continue;
      }
      const fileHash = sha256(settings, read.text);
      const known = existing.get(source);
      // Same content under a new time (touch, a branch switch): nothing to write. Its stored stamp
      // stays older, so the file is read again next time, which costs far less than rewriting it.
      if (known?.hashes.size === 1 && known.hashes.has(fileHash)) {
        keep.add(source);
        report.unchanged++;
        continue;
      }
      const chunked = chunkSource(source, read.text, { ...config.chunking, codeComments: kb.codeComments });
      if ('skip' in chunked || chunked.chunks.length === 0) {
        const reason = 'skip' in chunked ? chunked.skip : 'no indexable text';
        report.skipped.push({ source, reason });
        logger.warn(`Skipped ${source}: ${reason}.`);
        continue;
      }
      for (const part of chunked.skipped ?? []) {
        report.skipped.push({ source, reason: part });
        logger.warn(`Skipped part of ${source}: ${part}.`);
      }
      keep.add(source);
      pending.push({ source, fileHash, stamp: read.stamp, chunks: chunked.chunks, languages: documentLanguages(read.text, source) });
      pendingRows += chunked.chunks.length;
      if (pendingRows >= WRITE_BATCH_ROWS) await flush();
    }
    await flush();
    progress.report('Indexing files', sources.length, sources.length);

    const gone = [...existing.keys()].filter((source) => !keep.has(source));
    await retryCommitConflicts(() => store!.deleteSources(gone));
    report.removed = gone.length;
    // The rows are written and searchable: upkeep that fails (in its own process) only leaves search slower.
    const tolerateUpkeepFailure = (error: unknown) => {
      throwIfCancelled(signal, CANCELLED, CANCELLED_HINT);
      if (!(error instanceof HouseStyleError) || error.code !== 'index-unavailable') throw error;
      logger.warn(`${error.message} ${error.hint ?? ''}`.trim());
    };
    // A lexical embedder's vectors serve only to top up BM25, rarely: no vector index to build (about 200 MB and 25 s at 100,000 rows).
    await retryCommitConflicts(() => store!.maintainIndexes(embedder.lexical ? Infinity : config.index.vectorIndexMinRows, { signal, progress })).catch(tolerateUpkeepFailure);
    if (!options.changed && report.updated + report.removed + report.repaired > 0) {
      await retryCommitConflicts(() => store!.cleanupOldVersions(new Date(Date.now() - VERSION_GRACE_MS), { signal, progress })).catch(tolerateUpkeepFailure);
    }
    report.rows = await store.count();
    store.close();
    report.durationMs = performance.now() - started;
    return report;
  } catch (error) {
    throw explainIndexFailure(error, uri);
  } finally {
    await lock?.release();
    if (typeof options.embedder !== 'object') await embedder.close();
  }
}

function isHashing(embedderId: string): boolean {
  return embedderId.startsWith('hash-');
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
