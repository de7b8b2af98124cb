import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cancellationError, HouseStyleError } from '../../errors';
import type { TrainerLogEntry } from './trainerLog';
import { shellQuote, type TrainingHost } from './trainingRun';

const run = promisify(execFile);

/**
 * The steps of the complete checkpoint-N folders in a run's output folder: the Hugging Face Trainer LLaMA-Factory runs
 * saves one every save_steps steps, named after its global step, and writes its trainer_state.json last (transformers
 * trainer.py `_save_checkpoint`); a run stopped while saving leaves a folder without it, which cannot be resumed from.
 * Undefined when the host cannot be asked (the connection is gone).
 */
export async function savedCheckpoints(host: TrainingHost, outputDir: string): Promise<number[] | undefined> {
  let states: string[];
  try {
    states = host.ssh
      ? (await run('ssh', ['-o', 'BatchMode=yes', host.ssh, `cd ${shellQuote(outputDir)} 2>/dev/null && ls -1d checkpoint-*/${TRAINER_STATE} 2>/dev/null || true`], { timeout: 30_000 })).stdout.split('\n')
      : await localCheckpointStates(outputDir);
  } catch {
    return undefined;
  }
  return states
    .map((state) => /^checkpoint-(\d+)\/trainer_state\.json$/.exec(state.trim()))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

const TRAINER_STATE = 'trainer_state.json';

/** `checkpoint-N/trainer_state.json` for each checkpoint folder here that holds one. */
async function localCheckpointStates(outputDir: string): Promise<string[]> {
  const names = await readdir(outputDir).catch(() => [] as string[]);
  const complete = await Promise.all(names.map(async (name) => ((await stat(path.join(outputDir, name, TRAINER_STATE)).then((info) => info.isFile(), () => false)) ? [`${name}/${TRAINER_STATE}`] : [])));
  return complete.flat();
}

export interface Interruption {
  /** Ctrl-C or Cancel, or the ssh connection to the host lost mid-run. */
  kind: 'cancelled' | 'connection-lost';
  /** The last step trainer_log.jsonl recorded (LLaMA-Factory logs every logging_steps steps). */
  last: TrainerLogEntry | undefined;
  /** The ssh host; undefined for this machine. */
  host: string | undefined;
  /** The run folder on the training host. */
  runDir: string;
  checkpoints: number[] | undefined;
  /** save_steps of the run's train_lora.yaml. */
  saveSteps: number;
  /** The `housestyle train` command line of this run, to which `--resume-from` is added. */
  trainCommand: string;
  /** The Ollama base the adapter is for, for the import command of a run that may still finish. */
  base: string;
}

/** Says how far the run got (from its log), what it saved (its checkpoints) and how to resume or start over. */
export function interruptionError(interruption: Interruption): HouseStyleError {
  const { last, host, runDir, checkpoints, saveSteps, trainCommand } = interruption;
  const where = host ? `${host}:${runDir}` : runDir;
  const progress = last ? `after step ${last.currentSteps} of ${last.totalSteps} (the last one logged)` : 'before its first logged step';
  const newest = checkpoints?.at(-1);
  // What was saved is told in every front end; how to resume is a command line (the editor trains again).
  const [saved, resume] =
    checkpoints === undefined
      ? [`What it saved could not be listed: checkpoints are the checkpoint-N folders in ${where}/output (one every ${saveSteps} steps).`, `Resume from the newest with ${trainCommand} --resume-from ${runDir}/output/checkpoint-N.`]
      : newest === undefined
        ? [`No checkpoint was saved yet (LLaMA-Factory saves one every ${saveSteps} steps: save_steps in train_lora.yaml), so training starts over.`, `Start it again with: ${trainCommand}`]
        : [`Saved: ${where}/output/checkpoint-${newest} (step ${newest}).`, `Resume from it with: ${trainCommand} --resume-from ${runDir}/output/checkpoint-${newest}`];
  if (interruption.kind === 'cancelled') {
    return cancellationError(`Training cancelled ${progress}; nothing was imported. ${saved}`, resume, undefined, ['train-again']);
  }
  return new HouseStyleError(
    `The connection to ${host} was lost ${progress}; the trainer may still be running there, and nothing was imported.`,
    `Its output is in ${where}/train.out. If it finishes, its adapter is in ${where}/output: copy that folder here and run housestyle model import --adapter DIR --base ${interruption.base}. If it stopped: ${saved} ${resume}`,
    'training-failed',
    { fix: ['import-adapter', 'train-again'] },
  );
}
