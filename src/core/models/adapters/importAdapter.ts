import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Activity } from '../../activity';
import { CARD_FILE, REPORT_FILE } from '../../datasetFiles';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { sha256 } from '../../hash';
import { noProgress, silentLogger, type Logger, type Progress } from '../../log';
import { pushBlob } from '../ollama/blobs';
import type { OllamaClient } from '../ollama/client';
import { findVersion, nextVersionName, readRegistry, updateRegistry, type ModelVersion, type TrainingRun } from '../registry';
import { inspectAdapter, type AdapterSource } from './adapterSource';
import { familyMatches } from './modelFamily';

export interface ImportAdapterOptions {
  workspace: string;
  client: OllamaClient;
  /** A PEFT LoRA folder or a .gguf adapter. */
  adapter: string;
  /** The Ollama base model the adapter was trained on. */
  base: string;
  /** The Ollama model name; defaults to the next `housestyle-<project>:<date>-<n>`. */
  name?: string;
  /** The dataset folder it was trained on, recorded with its card's hash. */
  dataset?: string;
  training?: TrainingRun;
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

/**
 * Registers a LoRA adapter with Ollama as a new model version: validates the adapter against the base model,
 * makes sure the base is installed, uploads the adapter files as blobs, asks Ollama to create the model, and
 * records the version in `.housestyle/models.json`.
 */
export async function importAdapter(options: ImportAdapterOptions): Promise<ImportResult> {
  const { client, base, signal } = options;
  const progress = options.progress ?? noProgress;
  const logger = options.logger ?? silentLogger;
  const adapter = await inspectAdapter(options.adapter);
  const datasetLink = options.dataset === undefined ? undefined : await linkDataset(options.workspace, options.dataset);
  const registry = await readRegistry(options.workspace);
  const name = options.name ?? nextVersionName(options.workspace, registry);
  if (!MODEL_NAME.test(name)) throw new HouseStyleError(`"${name}" is not a valid Ollama model name.`, 'Use letters, digits, ".", "-" and "_", with an optional ":tag".', 'usage');
  if (findVersion(registry, name)) throw new HouseStyleError(`A model version named ${name} is already registered.`, `Choose another --name, or remove it first: housestyle model remove ${name}`, 'usage');

  // Ollama's create replaces a model of the same name: never let an import overwrite one it did not make.
  if (await client.hasModel(name)) throw new HouseStyleError(`Ollama at ${client.host} already has a model named ${name}.`, 'Choose another --name; importing would replace that model.', 'usage');
  const pulledBase = await ensureBase(client, base, progress, signal, options.activity);
  await checkFamily(client, base, adapter, logger);

  const digests: Record<string, string> = {};
  const uploaded: string[] = [];
  const skipped: string[] = [];
  let retries = 0;
  for (const file of adapter.files) {
    throwIfCancelled(signal, 'Import cancelled; nothing was registered.');
    const blob = await pushBlob(client.host, file.path, file.size, {
      timeoutMs: client.timeoutMs,
      ...(signal && { signal }),
      onBytes: (phase, done, total) => progress.report(`${phase === 'hashing' ? 'Hashing' : 'Uploading'} ${file.name}`, done, total),
    });
    digests[file.name] = blob.digest;
    (blob.uploaded ? uploaded : skipped).push(file.name);
    retries += blob.retries;
  }

  throwIfCancelled(signal, 'Import cancelled; nothing was registered.');
  try {
    await client.create({ model: name, from: base, adapters: digests }, (status) => progress.report(`Creating ${name}: ${status}`, 0), signal);
  } catch (error) {
    if (error instanceof HouseStyleError && ['ollama-rejected', 'ollama-server-error', 'ollama-bad-response'].includes(error.code)) {
      throw new HouseStyleError(
        `Ollama refused to build ${name} from ${base} with the adapter ${adapter.path}: ${error.message}`,
        'Check that the adapter was trained on this base model (same architecture and size) and is a LoRA adapter your Ollama supports; update Ollama if it is old.',
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
      source: adapter.path,
      digests,
      ...(adapter.rank !== undefined && { rank: adapter.rank }),
      ...(adapter.alpha !== undefined && { alpha: adapter.alpha }),
      ...(adapter.baseModel !== undefined && { baseModel: adapter.baseModel }),
    },
    ...(datasetLink && { dataset: datasetLink }),
    ...(options.training && { training: options.training }),
    evaluations: [],
  };
  await updateRegistry(options.workspace, (current) => {
    current.models.push(version);
    current.active ??= name;
  });
  return { version, uploaded, skipped, retries, pulledBase };
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
      { cause: error },
    );
  } finally {
    task?.end();
  }
  return true;
}

async function checkFamily(client: OllamaClient, base: string, adapter: AdapterSource, logger: Logger): Promise<void> {
  const { family } = await client.show(base);
  if (!family || !adapter.baseModel) {
    logger.warn(`Could not check that the adapter fits ${base}: ${!family ? 'Ollama reports no model family' : 'the adapter names no base model'}.`);
    return;
  }
  const matches = adapter.kind === 'gguf' ? family.replace(/\d.*$/, '') === adapter.baseModel.replace(/\d.*$/, '') : familyMatches(adapter.baseModel, family);
  if (matches === false) {
    throw new HouseStyleError(
      `The adapter was trained on ${adapter.baseModel}, but ${base} is a ${family} model.`,
      'Import it with --base set to the Ollama model of the same family and size it was trained on.',
      'adapter-invalid',
    );
  }
  if (matches === undefined) logger.warn(`Could not tell the family of ${adapter.baseModel}; make sure it is a ${family} model like ${base}.`);
}

/** Where the dataset is (relative to the workspace when inside it) and a hash of its card and report. */
async function linkDataset(workspace: string, dataset: string): Promise<{ path: string; cardSha256: string }> {
  const folder = path.resolve(workspace, dataset);
  const texts = await Promise.all(
    [CARD_FILE, REPORT_FILE].map((file) =>
      readFile(path.join(folder, file), 'utf8').catch(() => {
        throw new HouseStyleError(`${folder} has no ${file}, so it is not a House Style dataset.`, 'Pass the folder `housestyle dataset build` wrote with --dataset.', 'usage');
      }),
    ),
  );
  const relative = path.relative(workspace, folder);
  return { path: relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : folder, cardSha256: sha256(...texts) };
}
