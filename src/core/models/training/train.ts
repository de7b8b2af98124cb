import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import type { Activity } from '../../activity';
import type { Config } from '../../config';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { noProgress, silentLogger, type Logger, type Progress } from '../../log';
import { baseNameMismatch } from '../adapters/adapterFit';
import { importAdapter, type ImportResult } from '../adapters/importAdapter';
import type { OllamaClient } from '../ollama/client';
import type { TrainingRun } from '../registry';
import { describeStep, type TrainerLogEntry } from './trainerLog';
import { gpuMemoryWarning, loraMemoryEstimate, readGpus, type LoraMemoryEstimate } from './gpuMemory';
import { interruptionError, savedCheckpoints } from './interruptedRun';
import { COMMAND_NOT_FOUND, runTrainer, SETUP_FAILED, shellQuote, SSH_FAILED, type TrainingHost } from './trainingRun';

const run = promisify(execFile);

export interface TrainOptions {
  workspace: string;
  config: Config;
  client: OllamaClient;
  /** A folder `housestyle dataset build` wrote (with train_lora.yaml). */
  dataset: string;
  /** `HOST:DIR`: train on that ssh host, in that folder. */
  remote?: string;
  /**
   * A shell command run on the remote before llamafactory-cli (activating a venv, `module load`). Only from the
   * user (a flag, an environment variable, a user-level setting): workspace content never chooses what runs on a host.
   */
  remoteSetup?: string;
  /** A checkpoint-N folder of an interrupted run (on the training host) to continue from. */
  resumeFrom?: string;
  /** The Ollama model the adapter is served on; defaults to ollama.model. */
  base?: string;
  name?: string;
  onStep?: (entry: TrainerLogEntry) => void;
  progress?: Progress;
  logger?: Logger;
  signal?: AbortSignal;
  /** Where the run shows as a task with its percent (the editor's status line). */
  activity?: Activity;
}

export interface TrainResult {
  run: TrainingRun;
  imported: ImportResult;
}

/**
 * Trains a LoRA adapter with LLaMA-Factory on the dataset's own train_lora.yaml, locally or on a GPU host
 * (files copied there and back with scp), streams its progress, and imports the adapter as a new model
 * version linked to the dataset. A failure shows the trainer's last output and what to do.
 */
export async function trainAdapter(options: TrainOptions): Promise<TrainResult> {
  const { workspace, signal } = options;
  const progress = options.progress ?? noProgress;
  const logger = options.logger ?? silentLogger;
  const dataset = path.resolve(workspace, options.dataset);
  const remote = options.remote === undefined ? undefined : parseRemote(options.remote);
  const yamlText = await readFile(path.join(dataset, 'train_lora.yaml'), 'utf8').catch(() => {
    throw new HouseStyleError(`${dataset} has no train_lora.yaml.`, 'Pass a folder that `housestyle dataset build` wrote, with --dataset DIR.', 'usage', { fix: ['build-dataset'] });
  });
  // A base the dataset's model cannot serve on would fail only after hours of training: refuse it now.
  const trainConfig = parse(yamlText) as { model_name_or_path?: unknown; quantization_bit?: unknown; save_steps?: unknown } | null;
  const trainedOn = trainConfig?.model_name_or_path;
  const servedOn = options.base ?? options.config.ollama.model;
  const wrong = typeof trainedOn === 'string' ? baseNameMismatch(trainedOn, servedOn) : undefined;
  if (wrong) {
    throw new HouseStyleError(
      `The dataset trains ${trainedOn}, which does not fit ${servedOn} (${wrong}); nothing was trained.`,
      `Pass --base with the Ollama model of ${trainedOn}'s family and size, or build the dataset for the model you want to serve.`,
      'usage',
      { fix: ['build-dataset'] },
    );
  }
  if (!(await options.client.isReachable())) {
    logger.warn(`Ollama is not reachable at ${options.client.host}: training will run, but the adapter can only be imported once Ollama is up.`);
  }
  // A local checkpoint is checked here; one on a remote host by the trainer there ("Can't find a valid checkpoint").
  const resumeFrom = options.resumeFrom !== undefined && !remote ? path.resolve(workspace, options.resumeFrom) : options.resumeFrom;
  if (resumeFrom !== undefined && !remote && !(await stat(path.join(resumeFrom, 'trainer_state.json')).then(() => true, () => false))) {
    throw new HouseStyleError(`${options.resumeFrom} is not a checkpoint folder to resume from (it has no trainer_state.json).`, 'Pass a checkpoint-N folder from the output folder of an interrupted run, as its message named it.', 'usage');
  }
  const host = remote ? { ssh: remote.host, ...(options.remoteSetup?.trim() && { setup: options.remoteSetup }) } : {};
  if (typeof trainedOn === 'string') {
    const estimate = loraMemoryEstimate(trainedOn, typeof trainConfig?.quantization_bit === 'number' ? trainConfig.quantization_bit : undefined);
    if (estimate) await checkGpuMemory(estimate, host, remote?.host ?? 'This machine', logger, signal);
  }
  const startedAt = new Date();
  const runId = `run-${startedAt.toISOString().replace(/[:.]/g, '-')}`;
  const localRun = path.join(workspace, '.housestyle', 'training', runId);
  await mkdir(path.join(localRun, 'output'), { recursive: true });
  const runDir = remote ? `${remote.dir}/${runId}` : localRun;
  const datasetDir = remote ? `${runDir}/dataset` : dataset;
  await writeFile(path.join(localRun, 'train_lora.yaml'), runConfig(yamlText, datasetDir, `${runDir}/output`, resumeFrom));

  if (remote) {
    progress.report(`Copying the dataset to ${remote.host}`, 0);
    await remoteCommand(remote.host, ['mkdir', '-p', runDir], signal);
    await copy(['-r', dataset, `${remote.host}:${datasetDir}`], signal);
    await copy([path.join(localRun, 'train_lora.yaml'), `${remote.host}:${runDir}/train_lora.yaml`], signal);
  }

  let last: TrainerLogEntry | undefined;
  const task = options.activity?.begin('training', path.basename(dataset));
  const outcome = await runTrainer(
    host,
    runDir,
    (entry) => {
      last = entry;
      options.onStep?.(entry);
      progress.report(`Training (${describeStep(entry)})`, entry.currentSteps, entry.totalSteps);
      if (entry.totalSteps > 0) task?.report((entry.currentSteps / entry.totalSteps) * 100);
    },
    signal,
  ).finally(() => task?.end());
  if (outcome.cancelled || (remote && outcome.code === SSH_FAILED)) {
    throw interruptionError({
      kind: outcome.cancelled ? 'cancelled' : 'connection-lost',
      last: outcome.last ?? last,
      host: remote?.host,
      runDir,
      checkpoints: await savedCheckpoints(host, `${runDir}/output`),
      // transformers TrainingArguments' default, as LLaMA-Factory passes it on.
      saveSteps: typeof trainConfig?.save_steps === 'number' ? trainConfig.save_steps : 500,
      trainCommand: ['housestyle train --dataset', dataset, ...(options.remote ? ['--remote', options.remote] : []), ...(options.base ? ['--base', options.base] : [])].join(' '),
      base: options.base ?? options.config.ollama.model,
    });
  }
  if (outcome.code !== 0) throw trainingFailure(outcome.code, outcome.last ?? last, outcome.tail, remote && { ...remote, setup: options.remoteSetup }, runDir);

  const output = path.join(localRun, 'output');
  if (remote) {
    progress.report(`Copying the adapter from ${remote.host}`, 0);
    await copy(['adapter_config.json', 'adapter_model.safetensors', 'trainer_log.jsonl'].map((f) => `${remote.host}:${runDir}/output/${f}`).concat(output), signal);
  }
  const missing = await stat(path.join(output, 'adapter_model.safetensors')).then(() => false, () => true);
  if (missing) {
    throw new HouseStyleError(`Training finished but left no adapter_model.safetensors in ${output}.`, 'Check that train_lora.yaml has finetuning_type: lora and that output_dir was not changed.', 'training-failed');
  }
  throwIfCancelled(signal, `Cancelled after training; the adapter in ${output} was not imported.`, `Import it with housestyle model import --adapter ${output} --base ${options.base ?? options.config.ollama.model}.`, ['import-adapter']);
  const training: TrainingRun = {
    runDir: localRun,
    ...(remote && { host: remote.host }),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    steps: last?.currentSteps ?? 0,
    ...(last?.loss !== undefined && { finalLoss: last.loss }),
  };
  logger.info(`Training finished${last ? ` at ${describeStep(last)}` : ''}; importing the adapter.`);
  const base = options.base ?? options.config.ollama.model;
  try {
    const imported = await importAdapter({
      workspace,
      client: options.client,
      adapter: output,
      base,
      ...(options.name && { name: options.name }),
      dataset,
      training,
      progress,
      logger,
      ...(signal && { signal }),
      ...(options.activity && { activity: options.activity }),
    });
    return { run: training, imported };
  } catch (error) {
    // Hours of training are not lost to an import that failed: say where the adapter is and how to import it.
    if (!(error instanceof HouseStyleError) || error.code === 'cancelled') throw error;
    throw new HouseStyleError(
      `Training succeeded, but importing the adapter in ${output} failed: ${error.message}`,
      `${error.hint ?? ''} The adapter is in ${output}; once fixed, import it with: housestyle model import --adapter ${output} --base ${base} --dataset ${dataset}`.trim(),
      error.code,
      { cause: error, fix: [...new Set([...error.fix, 'import-adapter' as const])] },
    );
  }
}

/** Warns, before any copy or training, when the host's largest GPU is below LLaMA-Factory's estimate for the run. */
async function checkGpuMemory(estimate: LoraMemoryEstimate, host: TrainingHost, where: string, logger: Logger, signal: AbortSignal | undefined): Promise<void> {
  const gpus = await readGpus(host, signal);
  throwIfCancelled(signal, 'Training cancelled before it started; nothing was copied or trained.');
  if (!gpus) {
    logger.info(`${where}: no nvidia-smi answered, so GPU memory was not checked (LLaMA-Factory estimates ${estimate.gb} GB for a ${estimate.billions}B model at ${estimate.bits} bits).`);
    return;
  }
  const warning = gpuMemoryWarning(estimate, gpus, where);
  if (warning) logger.warn(warning);
}

/** The dataset's config with this run's dataset and output folders (the rest is the team's to tune). */
function runConfig(yamlText: string, datasetDir: string, outputDir: string, resumeFrom: string | undefined): string {
  let config: Record<string, unknown>;
  try {
    config = parse(yamlText) as Record<string, unknown>;
  } catch (error) {
    throw new HouseStyleError(`train_lora.yaml is not valid YAML: ${(error as Error).message}.`, 'Fix it, or rebuild the dataset to get a fresh one.', 'usage', { cause: error });
  }
  return stringify({ ...config, dataset_dir: datasetDir, output_dir: outputDir, overwrite_output_dir: true, ...(resumeFrom !== undefined && { resume_from_checkpoint: resumeFrom }) });
}

function parseRemote(remote: string): { host: string; dir: string } {
  // The host must not read as an ssh option, and the folder is named in scp's remote paths, which a shell reads.
  const match = /^([\w.@-]+):([\w./~-]+)$/.exec(remote);
  if (!match || match[1]!.startsWith('-')) {
    throw new HouseStyleError(`The training host ${remote} is not HOST:DIR (letters, digits and . _ - @ in the host; a folder path of letters, digits and . _ - / ~).`, 'For example: gpu-box:/scratch/housestyle', 'usage');
  }
  return { host: match[1]!, dir: match[2]!.replace(/\/+$/, '') };
}

async function remoteCommand(host: string, argv: string[], signal?: AbortSignal): Promise<void> {
  await external('ssh', ['-o', 'BatchMode=yes', host, argv.map(shellQuote).join(' ')], signal, host);
}

async function copy(args: string[], signal?: AbortSignal): Promise<void> {
  await external('scp', ['-q', '-o', 'BatchMode=yes', ...args], signal);
}

async function external(command: string, args: string[], signal: AbortSignal | undefined, host?: string): Promise<void> {
  try {
    await run(command, args, { ...(signal && { signal }) });
  } catch (error) {
    throwIfCancelled(signal, 'Training cancelled; nothing was imported.');
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new HouseStyleError(
      `${command} failed: ${stderr || (error as Error).message}`,
      `Check that \`ssh ${host ?? 'HOST'}\` works without a password prompt (BatchMode), and that the remote folder is writable.`,
      'training-failed',
      { cause: error, fix: ['reach-training-host'] },
    );
  }
}

function trainingFailure(code: number, last: TrainerLogEntry | undefined, tail: string[], remote: { host: string; setup?: string | undefined } | undefined, runDir: string): HouseStyleError {
  const where = remote ? ` on ${remote.host}` : '';
  const shown = tail.length ? `\nLast lines of its output:\n${tail.map((l) => `  ${l}`).join('\n')}` : '';
  if (code === SETUP_FAILED && remote?.setup) {
    return new HouseStyleError(
      `The training host's setup command failed${where}, so training did not start: ${remote.setup}${shown}`,
      "Fix it (it runs in the host's POSIX sh, so activate a venv with `. DIR/bin/activate`, not `source`), or change it with --remote-setup or the housestyle.remoteTraining.setupCommand user setting.",
      'training-failed',
      { fix: ['fix-training-setup'] },
    );
  }
  if (code === COMMAND_NOT_FOUND) {
    return new HouseStyleError(
      `llamafactory-cli was not found${where}${remote?.setup ? ' after the setup command' : ''}.`,
      remote
        ? "Install LLaMA-Factory there (pip install llamafactory) so that llamafactory-cli is on ssh's non-interactive PATH, or, if it lives in a venv or conda env, say how to activate it with --remote-setup '. ~/venvs/lf/bin/activate' (or the housestyle.remoteTraining.setupCommand user setting)."
        : 'Install LLaMA-Factory here (pip install llamafactory, or pip install -e . in its checkout) so that llamafactory-cli is on PATH, or train on a GPU host with --remote HOST:DIR.',
      'training-failed',
      { fix: ['install-llamafactory'] },
    );
  }
  return new HouseStyleError(
    `Training failed${where} (exit status ${code})${last ? ` at ${describeStep(last)}` : ' before the first step'}.${shown}`,
    `Fix what the output says (out of GPU memory: lower cutoff_len or per_device_train_batch_size in train_lora.yaml; a missing package: install it), then run housestyle train again. The run folder is ${runDir}.`,
    'training-failed',
    { fix: ['train-again'] },
  );
}
