import * as path from 'node:path';
import type { Config } from '../../config';
import { HouseStyleError } from '../../errors';
import type { Logger } from '../../log';
import type { OllamaClient } from '../../models/ollama/client';
import type { Embedder, EmbedderChoice } from '../embedder';
import { createHashingEmbedder } from './hashingEmbedder';
import { findMiniLmModel, MINILM_MODEL_NAME } from './miniLmModel';
import { installedEmbeddingModels, SUGGESTED_EMBED_MODEL } from './ollamaEmbeddingModels';

export interface EmbedderEnvironment {
  config: Config;
  /** Relative settings (index.modelDir) are resolved against it. */
  workspace: string;
  /** The packaged extension's folder, where a bundled MiniLM model may live. */
  extensionRoot?: string;
  logger?: Logger;
  /** The workspace service's model client: the Ollama embedder uses it (without one, Ollama is not asked). */
  client?: OllamaClient;
}

export interface ChosenEmbedder {
  embedder: Embedder;
  /** Why this one: shown to the user, so `auto` is never a mystery. */
  reason: string;
  /** The Ollama host that did not answer, when that is why `auto` fell back to hashing. */
  unreachableHost?: string;
}

const HASH_DIMENSION = 384;

/**
 * `auto` prefers, in order: the local MiniLM model; the configured `ollama.embedModel` when Ollama is
 * reachable; an embedding model already installed in Ollama (see `PREFERRED_EMBED_MODELS`); then the
 * built-in hashing embedder, which always works. An explicit choice that cannot be met is an error that
 * says how to meet it.
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
        { fix: ['set-minilm-folder', 'use-hash-embedder'] },
      );
    }
    const { createTransformersEmbedder } = await import('./transformersEmbedder');
    return { embedder: await createTransformersEmbedder({ modelDir, batchSize: config.index.batchSize, logger: env.logger }), reason: `local ${MINILM_MODEL_NAME} model at ${modelDir}` };
  }
  if (choice === 'ollama' && !config.ollama.embedModel) {
    throw new HouseStyleError('No Ollama embedding model is configured.', `Set ollama.embedModel (for example "${SUGGESTED_EMBED_MODEL}") in the configuration.`, 'embedder-unavailable');
  }
  if (choice === 'ollama' || choice === 'auto') {
    const ollama = await ollamaEmbedder(config, env.client, choice === 'auto');
    if ('embedder' in ollama) return ollama;
    return { embedder: createHashingEmbedder(HASH_DIMENSION), reason: `no local ${MINILM_MODEL_NAME} model and ${ollama.missing}`, ...(ollama.unreachableHost && { unreachableHost: ollama.unreachableHost }) };
  }
  return { embedder: createHashingEmbedder(HASH_DIMENSION), reason: 'chosen with --embedder hash' };
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
  const makeAvailable = needed === 'ollama' ? `pull it into Ollama (ollama pull ${id.slice('ollama:'.length)})` : needed === 'minilm' ? `put ${MINILM_MODEL_NAME} in index.modelDir` : 'use a House Style version that has it';
  const message = `The index was built with the ${id} embedder, which is not available here.`;
  if (env.config.index.readOnly) throw new HouseStyleError(message, `This shared index is read-only here and is never re-embedded: ${makeAvailable} to search it.`, 'embedder-unavailable');
  throw new HouseStyleError(message, `${makeAvailable[0]!.toUpperCase()}${makeAvailable.slice(1)}, or re-index with \`housestyle index --embedder auto\`.`, 'embedder-unavailable', { fix: ['rebuild-index'] });
}

/** The configured model, else (for `auto`) the best installed one; or why there is none. */
async function ollamaEmbedder(config: Config, client: OllamaClient | undefined, optional: boolean): Promise<ChosenEmbedder | { missing: string; unreachableHost?: string }> {
  if (!client) return { missing: 'no Ollama client was given' };
  const pullHint = `run \`ollama pull ${SUGGESTED_EMBED_MODEL}\` and index again to search by meaning`;
  if (optional && !(await client.isReachable())) return { missing: `Ollama is not reachable at ${client.host} (start it and ${pullHint})`, unreachableHost: client.host };
  const { createOllamaEmbedder } = await import('./ollamaEmbedder');
  const configured = config.ollama.embedModel;
  if (configured) return { embedder: await createOllamaEmbedder(client, configured), reason: `Ollama embedding model ${configured} at ${client.host} (ollama.embedModel)` };
  const [installed] = await installedEmbeddingModels(client).catch(() => []);
  if (!installed) return { missing: `no embedding model installed in Ollama at ${client.host} (${pullHint})` };
  return { embedder: await createOllamaEmbedder(client, installed.name), reason: `Ollama embedding model ${installed.name} at ${client.host}, installed there (${installed.why})` };
}
