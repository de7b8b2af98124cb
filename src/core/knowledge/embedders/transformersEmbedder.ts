// all-MiniLM-L6-v2 through transformers.js, run in a worker thread so that embedding never stalls the editor.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cancellationError, HouseStyleError } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import type { Embedder } from '../embedder';
import type { EmbedWorkerRequest, EmbedWorkerResponse, EmbedWorkerTask } from './embedWorker';
import { missingMiniLmFiles } from './miniLmModel';

const FALLBACK_HINT = 'Or run with `--embedder hash`, which needs no model and always works.';

/**
 * The esbuild bundle ships `embedWorker.cjs` beside itself. From sources (development, tests under tsx) the
 * TypeScript worker runs behind tsx's loader, registered inside the worker because Node 20 does not pass
 * `--import tsx` hooks on to worker threads.
 */
function startEmbedWorker(): Worker {
  const bundled = new URL('./embedWorker.cjs', import.meta.url);
  if (existsSync(bundled)) return new Worker(bundled);
  const source = fileURLToPath(new URL('./embedWorker.ts', import.meta.url));
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, { eval: true });
}

const CLOSE_GRACE_MS = 2000;
const EMBEDDING_CANCELLED = 'Embedding was cancelled.';

/** Sends requests to the worker and matches replies by id; a crashed worker fails every pending request. */
class EmbedWorkerClient {
  private readonly worker = startEmbedWorker();
  private readonly pending = new Map<number, { resolve(response: EmbedWorkerResponse): void; reject(error: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private ended = false;

  constructor(modelDir: string) {
    this.worker.on('message', (response: EmbedWorkerResponse) => {
      const waiter = this.pending.get(response.id);
      this.pending.delete(response.id);
      waiter?.resolve(response);
    });
    this.worker.on('error', (error) => this.fail(new HouseStyleError(`The embedding worker failed: ${error.message}`, `Check the model in ${modelDir}. ${FALLBACK_HINT}`, 'embedder', { fix: ['use-hash-embedder'] })));
    this.worker.on('exit', () => {
      this.ended = true;
      this.fail(new HouseStyleError('The embedding worker has stopped.', FALLBACK_HINT, 'embedder', { fix: ['use-hash-embedder'] }));
    });
  }

  /** Resolves with the worker's reply of the `expected` type; an `error` reply rejects with the worker's message. */
  send<T extends Exclude<EmbedWorkerResponse['type'], 'error'>>(
    task: EmbedWorkerTask,
    expected: T,
    signal?: AbortSignal,
  ): Promise<Extract<EmbedWorkerResponse, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(cancellationError(EMBEDDING_CANCELLED));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(cancellationError(EMBEDDING_CANCELLED));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (response) => {
          signal?.removeEventListener('abort', onAbort);
          if (response.type === expected) resolve(response as Extract<EmbedWorkerResponse, { type: T }>);
          else reject(new Error(response.type === 'error' ? response.message : `unexpected reply ${response.type}`));
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.worker.postMessage({ ...task, id } satisfies EmbedWorkerRequest);
    });
  }

  /** Asks the worker to release its model and end; ends it outright if it has not within a moment. */
  async close(): Promise<void> {
    this.fail(cancellationError('The embedder is closed.'));
    if (this.ended) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close', id: this.nextId++ } satisfies EmbedWorkerRequest);
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }
}

export async function createTransformersEmbedder(options: { modelDir: string; batchSize?: number; logger?: Logger }): Promise<Embedder> {
  const modelDir = path.resolve(options.modelDir);
  const batchSize = options.batchSize ?? 32;
  const logger = options.logger ?? silentLogger;
  const missing = missingMiniLmFiles(modelDir);
  if (missing.length > 0) {
    throw new HouseStyleError(
      `The MiniLM model folder ${modelDir} is missing ${missing.join(', ')}.`,
      `Put a copy of all-MiniLM-L6-v2 (tokenizer.json, config.json, onnx/model.onnx) there, or set index.modelDir to one. ${FALLBACK_HINT}`,
      'embedder-model',
      { fix: ['set-minilm-folder', 'use-hash-embedder'] },
    );
  }

  const client = new EmbedWorkerClient(modelDir);
  let dimension: number;
  try {
    dimension = (await client.send({ type: 'init', modelDir }, 'ready')).dimension;
  } catch (error) {
    await client.close();
    throw new HouseStyleError(
      `Could not load the MiniLM model from ${modelDir}: ${(error as Error).message}`,
      `tokenizer.json, config.json or the ONNX model there may be corrupt or not all-MiniLM-L6-v2; replace them with a fresh copy. ${FALLBACK_HINT}`,
      'embedder-model',
      { cause: error, fix: ['set-minilm-folder', 'use-hash-embedder'] },
    );
  }
  logger.info(`Embedding with ${path.basename(modelDir)} from ${modelDir} (dimension ${dimension}).`);

  return {
    id: `minilm:${path.basename(modelDir)}`,
    dimension,
    async embed(texts, signal) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        try {
          const batch = texts.slice(start, start + batchSize);
          vectors.push(...(await client.send({ type: 'embed', texts: batch }, 'embedded', signal)).vectors);
        } catch (error) {
          if (error instanceof HouseStyleError) throw error;
          throw new HouseStyleError(`Embedding failed: ${(error as Error).message}`, FALLBACK_HINT, 'embedder', { cause: error, fix: ['use-hash-embedder'] });
        }
      }
      return vectors;
    },
    close: () => client.close(),
  };
}
