import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { knowledgeBase, type Config } from '../config';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { sha256 } from '../hash';
import { readAhead } from '../readAhead';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { Chunk } from './chunk/chunk';
import { CHUNKER_VERSION, chunkSource } from './chunk/chunkSource';
import type { Embedder, EmbedderChoice } from './embedder';
import { chooseEmbedder } from './embedders/chooseEmbedder';
import { indexUri } from './indexUri';
import { readSource } from './readSource';
import { discoverSources } from './sources';
import { KnowledgeStore, type ChunkRow } from './store';

export interface IndexOptions {
  workspace: string;
  config: Config;
  /** Knowledge base name; defaults to the one reviews use. */
  kb?: string;
  /** A choice to resolve, or a ready embedder (tests pass one that counts its calls). */
  embedder?: EmbedderChoice | Embedder;
  extensionRoot?: string;
  logger?: Logger;
  progress?: Progress;
  signal?: AbortSignal;
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
}

/** Rows written per commit: large enough to be fast, small enough that a crash loses little and memory stays low. */
const WRITE_BATCH_ROWS = 1024;

/**
 * Brings a knowledge base's table up to date with the workspace. Unchanged files are skipped by
 * content hash, unchanged chunks keep their vectors, removed files lose their rows. Each write
 * commits whole files, so a killed run leaves a usable index that the next run completes.
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

  const { embedder, reason } =
    typeof options.embedder === 'object'
      ? { embedder: options.embedder, reason: 'provided by the caller' }
      : await chooseEmbedder(options.embedder ?? config.index.embedder, { config, workspace, extensionRoot: options.extensionRoot, logger });
  // Said once a run has something to embed: an up-to-date index (every review starts with a run) stays quiet.
  let announced = false;
  const announceEmbedder = () => {
    if (!announced) logger.info(`Embedder: ${embedder.id} (${reason}).`);
    announced = true;
  };

  try {
    let store = await KnowledgeStore.open(uri, kbName, storageOptions);
    if (store && (store.identity.embedder !== embedder.id || store.identity.dimension !== embedder.dimension)) {
      announceEmbedder();
      logger.info(`The index of "${kbName}" was built by ${store.identity.embedder}; rebuilding it with ${embedder.id}.`);
      store.close();
      store = undefined;
    }
    store ??= await KnowledgeStore.create(uri, kbName, { embedder: embedder.id, dimension: embedder.dimension }, storageOptions);

    const { files: existing, contentHashes } = await store.scan();
    const sources = await discoverSources(workspace, kb);
    const settings = sha256(String(CHUNKER_VERSION), String(config.chunking.maxTokens), String(config.chunking.overlapTokens), String(kb.codeComments), embedder.id);
    const report: IndexReport = { kb: kbName, embedder: embedder.id, embedderReason: reason, files: sources.length, unchanged: 0, updated: 0, removed: 0, skipped: [], embedded: 0, reused: 0, rows: 0, durationMs: 0 };
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
      if (known?.hashes.size === 1 && known.hashes.has(fileHash) && known.stamps.has(read.stamp)) {
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
      pending.push({ source, fileHash, stamp: read.stamp, chunks: chunked.chunks });
      pendingRows += chunked.chunks.length;
      if (pendingRows >= WRITE_BATCH_ROWS) await flush();
    }
    await flush();
    progress.report('Indexing files', sources.length, sources.length);

    const gone = [...existing.keys()].filter((source) => !keep.has(source));
    await store.deleteSources(gone);
    report.removed = gone.length;
    // A lexical embedder's vectors serve only to top up BM25, rarely: no vector index to build (about 120 MB and 16 s at 100,000 rows).
    await store.maintainIndexes(embedder.lexical ? Infinity : config.index.vectorIndexMinRows);
    report.rows = await store.count();
    store.close();
    report.durationMs = performance.now() - started;
    return report;
  } finally {
    if (typeof options.embedder !== 'object') await embedder.close();
  }
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
    fts_text: embeddingText(chunk),
    content_hash: contentHash,
    file_hash: file.fileHash,
    file_stamp: file.stamp,
    applies_to: JSON.stringify(chunk.appliesTo),
    page: chunk.page ?? 0,
    vector: vectors.get(contentHash)!,
  }));
  return { rows, embedded: missing.length };
}

/** The heading path gives a chunk its context, for vectors and for BM25 alike. */
export function embeddingText(chunk: Pick<Chunk, 'heading' | 'text'>): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

const CANCELLED = 'Indexing was cancelled.';
const CANCELLED_HINT = 'Run it again to finish; what was indexed is kept.';
