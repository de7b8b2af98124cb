// The embedding model `auto` fetches at first use, pinned to one revision of its Hugging Face repository, and
// where fetched models are cached. Why this model: see the README's "Semantic search" section.
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config';
import { HouseStyleError } from '../../errors';

export interface HubFile {
  /** Path inside the repository, as the hub's `resolve` URLs name it. */
  path: string;
  /**
   * Hex SHA-256 pinned here. Without one the file is checked against the digest the host states for it
   * (`X-Linked-Etag` for LFS files, else the `ETag`, a git blob SHA-1), which catches a broken transfer,
   * not a host that serves other bytes.
   */
  sha256?: string;
}

export interface HubModel {
  /** The name the model is known by: the cache folder and the embedder id carry it. */
  name: string;
  repo: string;
  /** A commit, never a branch, so every machine embeds with the same bytes. */
  revision: string;
  files: HubFile[];
  /** Said before the first fetch, so the user knows what is coming. */
  approximateMegabytes: number;
}

/**
 * Xenova/all-MiniLM-L6-v2 at commit da5f6ea, quantized (int8) ONNX weights. The weights' SHA-256 is the one the
 * hub's "Git LFS Details" show for onnx/model_quantized.onnx at that commit; the JSON files are not LFS files and
 * no digest of them could be read here, so they are checked against the host's ETag (see HubFile.sha256).
 */
export const DEFAULT_HUB_MODEL: HubModel = {
  name: 'all-MiniLM-L6-v2',
  repo: 'Xenova/all-MiniLM-L6-v2',
  revision: 'da5f6eac91a9596269707e15ec694e50e25a0d14',
  files: [
    { path: 'config.json' },
    { path: 'tokenizer.json' },
    { path: 'tokenizer_config.json' },
    { path: 'onnx/model_quantized.onnx', sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1' },
  ],
  approximateMegabytes: 23,
};

export const DEFAULT_MODEL_HOST = 'https://huggingface.co';

/**
 * Where models are fetched from: the user's own `index.modelHost` (loadConfig never takes it from a
 * repository), else HF_ENDPOINT (the Hugging Face tools' variable for a mirror), else the hub. An http(s) URL.
 */
export function modelHost(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const host = config.index.modelHost ?? (env.HF_ENDPOINT?.trim() || DEFAULT_MODEL_HOST);
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HouseStyleError(`The model host "${host}" is not an http(s) URL.`, `Set index.modelHost (or HF_ENDPOINT) to a mirror's URL such as ${DEFAULT_MODEL_HOST}.`, 'config');
  }
  return host.replace(/\/+$/, '');
}

/**
 * `index.fetchModel`, unless the Hugging Face tools' offline switch is on: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE)
 * set to 1/ON/YES/TRUE, as huggingface_hub's constants.py reads it.
 */
export function modelFetchAllowed(config: Config, env: NodeJS.ProcessEnv = process.env): boolean {
  const offline = [env.HF_HUB_OFFLINE, env.TRANSFORMERS_OFFLINE].some((value) => ['1', 'ON', 'YES', 'TRUE'].includes(value?.trim().toUpperCase() ?? ''));
  return config.index.fetchModel && !offline;
}

/** The user's model cache: $XDG_CACHE_HOME/housestyle/models, by default ~/.cache/housestyle/models. */
export function userModelCache(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache'), 'housestyle', 'models');
}

/** The folder a fetched model lives in once complete: the revision is part of its name. */
export function hubModelDir(cacheDir: string, model: HubModel): string {
  return path.join(cacheDir, `${model.name}@${model.revision}`);
}
