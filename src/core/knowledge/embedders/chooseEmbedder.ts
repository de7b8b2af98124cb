import * as path from 'node:path';
import type { Config } from '../../config';
import { HouseStyleError } from '../../errors';
import type { Logger } from '../../log';
import type { Embedder, EmbedderChoice } from '../embedder';
import { createHashingEmbedder } from './hashingEmbedder';
import { findMiniLmModel, MINILM_MODEL_NAME } from './miniLmModel';

export interface EmbedderEnvironment {
  config: Config;
  /** Relative settings (index.modelDir) are resolved against it. */
  workspace: string;
  /** The packaged extension's folder, where a bundled MiniLM model may live. */
  extensionRoot?: string;
  logger?: Logger;
}

export interface ChosenEmbedder {
  embedder: Embedder;
  /** Why this one: shown to the user, so `auto` is never a mystery. */
  reason: string;
}

const HASH_DIMENSION = 384;

/**
 * `auto` prefers the local MiniLM model, then an Ollama embedding model when one is configured and
 * reachable, then the built-in hashing embedder, which always works. An explicit choice that cannot
 * be met is an error that says how to meet it.
 */
export async function chooseEmbedder(choice: EmbedderChoice, env: EmbedderEnvironment): Promise<ChosenEmbedder> {
  const { config } = env;
  const modelDir = findMiniLmModel({ modelDir: config.index.modelDir && path.resolve(env.workspace, config.index.modelDir), extensionRoot: env.extensionRoot });
  if (choice === 'minilm' || (choice === 'auto' && modelDir)) {
    if (!modelDir) {
      throw new HouseStyleError(
        `The ${MINILM_MODEL_NAME} model files were not found.`,
        'Set index.modelDir to a folder holding tokenizer.json, config.json and onnx/model.onnx, or use --embedder hash.',
        'embedder-unavailable',
      );
    }
    const { createTransformersEmbedder } = await import('./transformersEmbedder');
    return { embedder: await createTransformersEmbedder({ modelDir, batchSize: config.index.batchSize, logger: env.logger }), reason: `local ${MINILM_MODEL_NAME} model at ${modelDir}` };
  }
  if (choice === 'ollama' || (choice === 'auto' && config.ollama.embedModel)) {
    const model = config.ollama.embedModel;
    if (!model) {
      throw new HouseStyleError('No Ollama embedding model is configured.', 'Set ollama.embedModel (for example "nomic-embed-text") in the configuration.', 'embedder-unavailable');
    }
    const ollama = await ollamaEmbedder(config, model, choice === 'auto');
    if (ollama) return ollama;
  }
  return {
    embedder: createHashingEmbedder(HASH_DIMENSION),
    reason: choice === 'hash' ? 'chosen with --embedder hash' : `no local ${MINILM_MODEL_NAME} model${config.ollama.embedModel ? ' and Ollama not reachable' : ' and no ollama.embedModel configured'}`,
  };
}

/** Recreates the embedder an index was built with, so queries land in the same vector space. */
export async function embedderForIndex(id: string, env: EmbedderEnvironment): Promise<Embedder> {
  const hash = /^hash-v1-(\d+)$/.exec(id);
  if (hash) return createHashingEmbedder(Number(hash[1]));
  const needed = id.startsWith('minilm:') ? 'minilm' : id.startsWith('ollama:') ? 'ollama' : undefined;
  if (needed) {
    const config = needed === 'ollama' ? { ...env.config, ollama: { ...env.config.ollama, embedModel: id.slice('ollama:'.length) } } : env.config;
    const chosen = await chooseEmbedder(needed, { ...env, config }).catch(() => undefined);
    if (chosen?.embedder.id === id) return chosen.embedder;
    await chosen?.embedder.close();
  }
  throw new HouseStyleError(`The index was built with the ${id} embedder, which is not available now.`, 'Re-index with `housestyle index --embedder auto` (or make that embedder available again).', 'embedder-unavailable');
}

async function ollamaEmbedder(config: Config, model: string, optional: boolean): Promise<ChosenEmbedder | undefined> {
  const { OllamaClient } = await import('../../models/ollama/client');
  const client = OllamaClient.fromConfig(config);
  if (optional && !(await client.isReachable())) return undefined;
  const { createOllamaEmbedder } = await import('./ollamaEmbedder');
  return { embedder: await createOllamaEmbedder(client, model), reason: `Ollama embedding model ${model} at ${client.host}` };
}
