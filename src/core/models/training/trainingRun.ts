import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { describeStep, parseTrainerLogLine, type TrainerLogEntry } from './trainerLog';

/** Where a training run happens: this machine, or a GPU host reached over ssh. */
export interface TrainingHost {
  /** The ssh destination; undefined for this machine. */
  ssh?: string;
}

export interface TrainerOutcome {
  code: number;
  last?: TrainerLogEntry;
  /** The trainer's last lines of output, for a failure message. */
  tail: string[];
}

const TAIL_LINES = 40;
/** What the trainer exits with when the shell cannot find it. */
export const COMMAND_NOT_FOUND = 127;

/**
 * The shell script that runs LLaMA-Factory in `runDir` and streams its trainer_log.jsonl to stdout as it grows
 * (`tail -F` follows the file through LLaMA-Factory's delete-and-recreate at the start; `--pid` ends the tail
 * with the trainer). The trainer's own output goes to train.out, whose tail is printed to stderr on failure.
 * The same script runs locally and over ssh, so both lanes are one code path.
 */
function trainerScript(runDir: string): string {
  const dir = shellQuote(runDir);
  return [
    `cd ${dir} || exit 2`,
    'mkdir -p output',
    '(llamafactory-cli train train_lora.yaml > train.out 2>&1; echo $? > exit.code) &',
    'pid=$!',
    'echo $pid > train.pid',
    'tail -n +1 -F --pid=$pid output/trainer_log.jsonl 2>/dev/null',
    'wait $pid',
    'code=$(cat exit.code 2>/dev/null || echo 1)',
    `[ "$code" = 0 ] || tail -n ${TAIL_LINES} train.out >&2`,
    'exit $code',
  ].join('\n');
}

/** Runs the trainer script, reporting each log entry; on `signal` it stops the trainer and its children. */
export async function runTrainer(host: TrainingHost, runDir: string, onEntry: (entry: TrainerLogEntry) => void, signal?: AbortSignal): Promise<TrainerOutcome> {
  const script = trainerScript(runDir);
  const child = host.ssh
    ? spawn('ssh', ['-o', 'BatchMode=yes', host.ssh, `sh -c ${shellQuote(script)}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  let last: TrainerLogEntry | undefined;
  const stop = () => {
    if (host.ssh) {
      // Closing ssh does not stop a remote process reliably: ask the host to end the trainer's process tree.
      spawn('ssh', ['-o', 'BatchMode=yes', host.ssh, `sh -c ${shellQuote(`cd ${shellQuote(runDir)} && p=$(cat train.pid) && pkill -TERM -P $p; kill -TERM $p`)}`], { stdio: 'ignore' });
      child.kill('SIGTERM');
    } else if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  signal?.addEventListener('abort', stop, { once: true });
  const closed = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  const keepTail = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keepTail);
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = parseTrainerLogLine(line);
      if (!entry) continue;
      last = entry;
      onEntry(entry);
    }
    const { code, error } = await closed;
    if (error) {
      throw new HouseStyleError(`Could not start ${host.ssh ? 'ssh' : 'sh'}: ${error.message}.`, host.ssh ? 'Install an OpenSSH client, or train locally.' : 'Check that a POSIX shell is available.', 'training-failed', {
        cause: error,
      });
    }
    throwIfCancelled(signal, `Training cancelled${last ? ` at ${describeStep(last)}` : ' before the first step'}; nothing was imported.`, `The partial run stays in ${runDir}.`);
    return { code: code ?? 1, ...(last && { last }), tail };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Quotes a string for POSIX sh. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
