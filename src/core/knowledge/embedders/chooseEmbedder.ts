import * as path from 'node:path';
import type { Config } from '../../config';
import { HouseStyleError, isCancellation } from '../../errors';
import type { Logger, Progress } from '../../log';
import type { OllamaClient } from '../../models/ollama/client';
import type { Embedder, EmbedderChoice } from '../embedder';
import { fetchHubModel } from './fetchHubModel';
import { createHashingEmbedder } from './hashingEmbedder';
import { DEFAULT_HUB_MODEL, modelFetchAllowed, modelHost, userModelCache, type HubModel } from './hubModel';
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
  /** The model `auto` fetches at first use; the pinned all-MiniLM-L6-v2 unless a caller names another. */
  hubModel?: HubModel;
  /** Where fetched models are cached; the user's cache (userModelCache) by default. */
  modelCache?: string;
  /** Bytes of the model fetched so far, the first time. */
  progress?: Progress;
  signal?: AbortSignal;
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
 * `auto` prefers, in order: a local MiniLM model (configured, bundled or cached); the same model fetched
 * once from the model host (unless `index.fetchModel` is false or HF_HUB_OFFLINE is set); the configured `ollama.embedModel` when
 * Ollama is reachable; an embedding model already installed in Ollama (see `PREFERRED_EMBED_MODELS`); then
 * the built-in hashing embedder, which always works. An explicit choice that cannot be met is an error that
 * says how to meet it.
 */
export async function chooseEmbedder(choice: EmbedderChoice, env: EmbedderEnvironment): Promise<ChosenEmbedder> {
  const { config } = env;
  const hubModel = env.hubModel ?? DEFAULT_HUB_MODEL;
  const cacheDir = env.modelCache ?? userModelCache();
  let modelDir = findMiniLmModel({ modelDir: config.index.modelDir && path.resolve(env.workspace, config.index.modelDir), extensionRoot: env.extensionRoot, cacheDir, fetched: hubModel });
  let reason = `local ${MINILM_MODEL_NAME} model at ${modelDir}`;
  let fetchFailure: string | undefined;
  if (!modelDir && (choice === 'minilm' || choice === 'auto') && modelFetchAllowed(config)) {
    const fetched = await fetchModel(hubModel, cacheDir, env);
    if ('modelDir' in fetched) ({ modelDir, reason } = fetched);
    else fetchFailure = fetched.failure;
  }
  if (choice === 'minilm' || (choice === 'auto' && modelDir)) {
    if (!modelDir) {
      throw new HouseStyleError(
        fetchFailure ?? `The ${MINILM_MODEL_NAME} model files were not found.`,
        'Set index.modelDir to a folder holding tokenizer.json, config.json and onnx/model.onnx, or use --embedder hash.',
        'embedder-unavailable',
        { fix: ['set-minilm-folder', 'use-hash-embedder'] },
      );
    }
    const { createTransformersEmbedder } = await import('./transformersEmbedder');
    return { embedder: await createTransformersEmbedder({ modelDir, batchSize: config.index.batchSize, logger: env.logger }), reason };
  }
  if (choice === 'ollama' && !config.ollama.embedModel) {
    throw new HouseStyleError('No Ollama embedding model is configured.', `Set ollama.embedModel (for example "${SUGGESTED_EMBED_MODEL}") in the configuration.`, 'embedder-unavailable');
  }
  if (choice === 'ollama' || choice === 'auto') {
    const ollama = await ollamaEmbedder(config, env.client, choice === 'auto');
    if ('embedder' in ollama) return ollama;
    // The one line a user without Ollama sees when the model could not be fetched: why, and what to do.
    if (fetchFailure) env.logger?.warn(fetchFailure);
    const noModel = fetchFailure ? `${hubModel.name} could not be fetched` : `no local ${MINILM_MODEL_NAME} model`;
    return { embedder: createHashingEmbedder(HASH_DIMENSION), reason: `${noModel} and ${ollama.missing}`, ...(ollama.unreachableHost && { unreachableHost: ollama.unreachableHost }) };
  }
  return { embedder: createHashingEmbedder(HASH_DIMENSION), reason: 'chosen with --embedder hash' };
}

/** Fetches the model into the cache (said once, before the request), or says in one line why it could not. */
async function fetchModel(model: HubModel, cacheDir: string, env: EmbedderEnvironment): Promise<{ modelDir: string; reason: string } | { failure: string }> {
  const host = modelHost(env.config);
  env.logger?.info(`Fetching the ${model.name} embedding model (about ${model.approximateMegabytes} MB) from ${host} once; it is cached in ${cacheDir}.`);
  try {
    const modelDir = await fetchHubModel({
      model,
      host,
      cacheDir,
      ...(env.signal && { signal: env.signal }),
      ...(env.progress && { progress: env.progress }),
    });
    return { modelDir, reason: `${model.name} fetched from ${host} into ${modelDir}` };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const why = error instanceof HouseStyleError ? error.message : String(error);
    return { failure: `Semantic search is off: could not fetch ${model.name} from ${host} (${why}). Index again when online, or set index.modelHost to a mirror.` };
  }
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
  const makeAvailable = needed === 'ollama' ? `pull it into Ollama (ollama pull ${id.slice('ollama:'.length)})` : needed === 'minilm' ? `search once online with index.fetchModel on (the model is fetched and cached), or put ${MINILM_MODEL_NAME} in index.modelDir` : 'use a House Style version that has it';
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
