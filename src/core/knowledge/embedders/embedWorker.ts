// The worker thread that runs all-MiniLM-L6-v2 through transformers.js, so inference never blocks the
// editor's extension host. transformers.js is imported here only, lazily, when the first `init` arrives.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { miniLmOnnxFile } from './miniLmModel';

/** What the host asks for; the request's `id` comes back on its reply. */
export type EmbedWorkerTask = { type: 'init'; modelDir: string } | { type: 'embed'; texts: string[] } | { type: 'close' };

export type EmbedWorkerRequest = EmbedWorkerTask & { id: number };

export type EmbedWorkerResponse =
  | { type: 'ready'; id: number; dimension: number }
  | { type: 'embedded'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string };

let extractor: FeatureExtractionPipeline | undefined;

async function embed(texts: string[]): Promise<Float32Array[]> {
  if (!extractor) throw new Error('the model is not loaded yet');
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  const dimension = output.dims.at(-1) ?? 0;
  const data = output.data as Float32Array;
  return texts.map((_, row) => data.slice(row * dimension, (row + 1) * dimension));
}

async function load(modelDir: string): Promise<number> {
  const { env, pipeline, LogLevel } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // Warnings would land on the host's stdout, which the CLI keeps for JSON output.
  env.logLevel = LogLevel.ERROR;
  const onnxFile = miniLmOnnxFile(modelDir) ?? 'onnx/model.onnx';
  const onnxFolder = path.dirname(onnxFile);
  // The folder by its absolute path: transformers.js reads a name that is no valid hub id (a fetched model's
  // folder is `name@revision`) relative to the working directory, not to env.localModelPath.
  extractor = await pipeline('feature-extraction', modelDir, {
    // transformers.js names the int8 weights by the `_quantized` suffix of its `q8` dtype.
    dtype: path.basename(onnxFile) === 'model_quantized.onnx' ? 'q8' : 'fp32',
    subfolder: onnxFolder === '.' ? '' : onnxFolder,
  });
  const hiddenSize = (extractor.model.config as { hidden_size?: unknown }).hidden_size;
  if (typeof hiddenSize === 'number') return hiddenSize;
  const [probe] = await embed(['dimension probe']);
  return probe?.length ?? 0;
}

async function handle(request: EmbedWorkerRequest): Promise<void> {
  const port = parentPort!;
  try {
    if (request.type === 'init') {
      port.postMessage({ type: 'ready', id: request.id, dimension: await load(request.modelDir) } satisfies EmbedWorkerResponse);
    } else if (request.type === 'close') {
      // The ONNX session is released before the thread ends: a session finalized while the thread's
      // environment is torn down can abort the whole process from native code.
      await extractor?.dispose();
      extractor = undefined;
      port.close();
    } else if (request.type === 'embed') {
      const vectors = await embed(request.texts);
      port.postMessage({ type: 'embedded', id: request.id, vectors } satisfies EmbedWorkerResponse, vectors.map((vector) => vector.buffer as ArrayBuffer));
    } else {
      throw new Error(`unknown request ${JSON.stringify(request)}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({ type: 'error', id: request.id, message } satisfies EmbedWorkerResponse);
  }
}

// One request at a time: the ONNX session is not meant to run overlapping calls.
let queue = Promise.resolve();
parentPort?.on('message', (request: EmbedWorkerRequest) => {
  queue = queue.then(() => handle(request));
});
