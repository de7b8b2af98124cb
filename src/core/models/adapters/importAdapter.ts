import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Activity } from '../../activity';
import { CARD_FILE, REPORT_FILE } from '../../datasetFiles';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { sha256 } from '../../hash';
import { noProgress, silentLogger, type Logger, type Progress } from '../../log';
import { hashFile, pushBlob } from '../ollama/blobs';
import type { OllamaClient } from '../ollama/client';
import { findVersion, nextVersionName, readRegistry, updateRegistry, type ModelVersion, type TrainingRun } from '../registry';
import { isOutside } from '../../insideWorkspace';
import { checkAdapterName, checkAdapterShape, type BaseShape } from './adapterFit';
import { inspectAdapter, type AdapterSource } from './adapterSource';
import { byteProgress } from './byteProgress';
import { convertPeftToGguf } from './peftToGguf';

export interface ImportAdapterOptions {
  workspace: string;
  client: OllamaClient;
  /** A PEFT LoRA folder (or a file in it) or a .gguf adapter. */
  adapter: string;
  /** The Ollama base model the adapter was trained on. */
  base: string;
  /** The Ollama model name; defaults to the next `housestyle-<project>:<date>-<n>`. */
  name?: string;
  /** The dataset folder it was trained on, recorded with its card's hash. */
  dataset?: string;
  training?: TrainingRun;
  /** Registers a new version even when the same adapter is already one. */
  force?: boolean;
  progress?: Progress;
  logger?: Logger;
  signal?: AbortSignal;
  /** Where a base-model pull shows as a task. */
  activity?: Activity;
}

export interface ImportResult {
  version: ModelVersion;
  /** Adapter files sent, and those Ollama already had. */
  uploaded: string[];
  skipped: string[];
  /** Uploads tried again after a failure. */
  retries: number;
  pulledBase: boolean;
}

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*(:[a-z0-9_][a-z0-9._-]{0,127})?$/i;
/** The name Ollama's create request gives the adapter: its `.gguf` suffix tells Ollama the type (server/create.go). */
const ADAPTER_FILE = 'adapter.gguf';
/** Where converted adapters are kept, inside the workspace, one per version. */
export const ADAPTERS_DIR = '.housestyle/adapters';

/**
 * Registers a LoRA adapter with Ollama as a new model version. Checks come first (the adapter's base model name
 * against --base before any pull; its architecture, hidden size and layers against Ollama's /api/show before any
 * upload). A PEFT adapter is always sent as a llama.cpp GGUF LoRA adapter, converted here: Ollama converts
 * Safetensors adapters only onto llama and gemma2 bases (convert/convert.go), while a GGUF adapter loads on
 * any base llama.cpp runs, and this converter is the one the tests check against a real llama.cpp.
 */
export async function importAdapter(options: ImportAdapterOptions): Promise<ImportResult> {
  const { client, base, signal, workspace } = options;
  const progress = options.progress ?? noProgress;
  const logger = options.logger ?? silentLogger;
  const adapter = await inspectAdapter(options.adapter);
  checkAdapterName(adapter.baseModel, base);
  const datasetLink = options.dataset === undefined ? undefined : await linkDataset(workspace, options.dataset);
  const registry = await readRegistry(workspace);
  const name = options.name ?? nextVersionName(workspace, registry);
  if (!MODEL_NAME.test(name)) throw new HouseStyleError(`"${name}" is not a valid Ollama model name.`, 'Use letters, digits, ".", "-" and "_", with an optional ":tag".', 'usage');
  if (findVersion(registry, name)) throw new HouseStyleError(`A model version named ${name} is already registered.`, `Choose another --name, or remove it first: housestyle model remove ${name}`, 'usage', { fix: ['import-under-new-name'] });
  if (registry.retired?.includes(name)) throw new HouseStyleError(`${name} was a removed version; names are not reused, so its evaluations never pass to another adapter.`, 'Choose another --name.', 'usage', { fix: ['import-under-new-name'] });

  // Ollama's create replaces a model of the same name: never let an import overwrite one it did not make.
  if (await client.hasModel(name)) throw new HouseStyleError(`Ollama at ${client.host} already has a model named ${name}.`, 'Choose another --name; importing would replace that model.', 'usage', { fix: ['import-under-new-name'] });
  const pulledBase = await ensureBase(client, base, progress, signal, options.activity);
  const details = await client.show(base);
  if (!details.shape) logger.warn(`Could not check that the adapter fits ${base}: Ollama reports no model_info for it.`);
  else checkAdapterShape(adapter, base, details.shape);
  if (details.quantization && !/^(F16|BF16|F32)$/i.test(details.quantization)) {
    logger.info(`Note: ${base} is quantized (${details.quantization}) while LoRA adapters are trained on 16-bit weights; the adapter still applies, its effect may differ slightly.`);
  }

  const gguf =
    adapter.kind === 'gguf'
      ? { path: adapter.path, size: adapter.files[0]!.size, digest: `sha256:${await hashFile(adapter.path, adapter.files[0]!.size, { ...(signal && { signal }), onBytes: (_, done, total) => progress.report(`Hashing ${path.basename(adapter.path)}`, done, total) })}` }
      : await convert(adapter, workspace, name, details.shape, progress, signal);
  const discard = () => (adapter.kind === 'peft' ? rm(gguf.path, { force: true }) : Promise.resolve());
  const same = registry.models.find((m) => Object.values(m.adapter.digests).includes(gguf.digest));
  if (same && !options.force) {
    await discard();
    throw new HouseStyleError(`This adapter is already registered as ${same.name}.`, `Use it with housestyle model use ${same.name}, or pass --force to register it again as a new version.`, 'usage', { fix: ['choose-version'] });
  }
  throwIfCancelled(signal, 'Import cancelled; nothing was registered.');
  const bytes = byteProgress(progress, `Uploading ${ADAPTER_FILE}`, gguf.size);
  const blob = await pushBlob(client.host, gguf.path, gguf.size, { timeoutMs: client.timeoutMs, digest: gguf.digest, ...(signal && { signal }), onBytes: (_, done) => bytes(done) }).catch(async (error: unknown) => {
    await discard();
    throw error;
  });
  const digests = { [ADAPTER_FILE]: blob.digest };

  throwIfCancelled(signal, 'Import cancelled; nothing was registered.');
  try {
    await client.create({ model: name, from: base, adapters: digests }, (status) => progress.report(`Creating ${name}: ${status}`, 0), signal);
  } catch (error) {
    await discard();
    if (error instanceof HouseStyleError && ['ollama-rejected', 'ollama-server-error', 'ollama-bad-response'].includes(error.code)) {
      // Ollama's own words verbatim (what ollama-js read from its answer, kept as the cause), and one line of advice.
      const said = error.cause instanceof Error ? error.cause.message : error.message;
      throw new HouseStyleError(
        `Ollama refused to build ${name} from ${base}: "${said}".`,
        `Import a LoRA adapter trained on ${base} (same architecture and size).`,
        'adapter-rejected',
        { cause: error },
      );
    }
    throw error;
  }

  const version: ModelVersion = {
    name,
    base,
    createdAt: new Date().toISOString(),
    adapter: {
      kind: adapter.kind,
      source: workspacePath(workspace, adapter.path),
      gguf: workspacePath(workspace, gguf.path),
      digests,
      ...(adapter.rank !== undefined && { rank: adapter.rank }),
      ...(adapter.alpha !== undefined && { alpha: adapter.alpha }),
      ...(adapter.baseModel !== undefined && { baseModel: adapter.baseModel }),
    },
    ...(datasetLink && { dataset: datasetLink }),
    ...(options.training && { training: options.training }),
    evaluations: [],
  };
  await updateRegistry(workspace, (current) => {
    current.models.push(version);
    current.active ??= name;
  });
  return { version, uploaded: blob.uploaded ? [ADAPTER_FILE] : [], skipped: blob.uploaded ? [] : [ADAPTER_FILE], retries: blob.retries, pulledBase };
}

/** Converts a PEFT adapter to GGUF under .housestyle/adapters/, named after the version. */
async function convert(adapter: AdapterSource, workspace: string, name: string, shape: BaseShape | undefined, progress: Progress, signal: AbortSignal | undefined) {
  if (!shape) {
    throw new HouseStyleError(`Ollama reports no architecture for the base, so the PEFT adapter cannot be converted to GGUF.`, "Convert it with llama.cpp's convert_lora_to_gguf.py and import the .gguf file.", 'adapter-invalid');
  }
  if (adapter.alpha === undefined) throw new HouseStyleError(`${adapter.path}/adapter_config.json has no lora_alpha.`, 'Export the adapter again with PEFT save_pretrained.', 'adapter-invalid');
  const out = path.join(workspace, ADAPTERS_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.gguf`);
  const tensorBytes = adapter.peft!.pairs.reduce((sum, { a, b }) => sum + a.dataOffsets[1] - a.dataOffsets[0] + b.dataOffsets[1] - b.dataOffsets[0], 0);
  const report = byteProgress(progress, 'Converting to GGUF', tensorBytes);
  return convertPeftToGguf({
    ...adapter.peft!,
    alpha: adapter.alpha,
    architecture: shape.architecture,
    ...(shape.headCount !== undefined && { headCount: shape.headCount }),
    ...(shape.headCountKv !== undefined && { headCountKv: shape.headCountKv }),
    out,
    onBytes: (done) => report(done),
    ...(signal && { signal }),
  });
}

/** A path inside the workspace as a relative POSIX path (so a teammate's checkout finds it), else absolute. */
export function workspacePath(workspace: string, file: string): string {
  const relative = path.relative(workspace, file);
  return relative && !isOutside(relative) && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** Pulls the base when Ollama lacks it; a failed pull says which command to run. */
async function ensureBase(client: OllamaClient, base: string, progress: Progress, signal: AbortSignal | undefined, activity: Activity | undefined): Promise<boolean> {
  if (await client.hasModel(base)) return false;
  const task = activity?.begin('pulling', base);
  try {
    await client.pull(
      base,
      (status, completed, total) => {
        progress.report(`Pulling ${base}: ${status}`, completed ?? 0, total);
        if (total) task?.report(((completed ?? 0) / total) * 100);
      },
      signal,
    );
  } catch (error) {
    if (error instanceof HouseStyleError && (error.code === 'ollama-unreachable' || error.code === 'cancelled')) throw error;
    throw new HouseStyleError(
      `The base model ${base} is not installed on Ollama at ${client.host}, and pulling it failed: ${error instanceof Error ? error.message : String(error)}`,
      `Pull it yourself with \`ollama pull ${base}\` (check the name in the Ollama library), then import again.`,
      'model-not-found',
      { cause: error, fix: ['pull-model'] },
    );
  } finally {
    task?.end();
  }
  return true;
}

/** Where the dataset is (relative to the workspace when inside it) and a hash of its card and report. */
async function linkDataset(workspace: string, dataset: string): Promise<{ path: string; cardSha256: string }> {
  const folder = path.resolve(workspace, dataset);
  const texts = await Promise.all(
    [CARD_FILE, REPORT_FILE].map((file) =>
      readFile(path.join(folder, file), 'utf8').catch(() => {
        throw new HouseStyleError(`${folder} has no ${file}, so it is not a House Style dataset.`, 'Pass the folder `housestyle dataset build` wrote with --dataset.', 'usage', { fix: ['build-dataset'] });
      }),
    ),
  );
  return { path: workspacePath(workspace, folder), cardSha256: sha256(...texts) };
}
