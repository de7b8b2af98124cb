import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { HouseStyleError } from '../../errors';
import { parseTrainerLogLine, type TrainerLogEntry } from './trainerLog';

/** Where a training run happens: this machine, or a GPU host reached over ssh. */
export interface TrainingHost {
  /** The ssh destination; undefined for this machine. */
  ssh?: string;
  /**
   * The user's own shell command that readies the host's shell before llamafactory-cli (`. ~/lf/bin/activate`,
   * `module load cuda`): from the user's settings or command line only, never from the workspace.
   */
  setup?: string;
}

export interface TrainerOutcome {
  code: number;
  last?: TrainerLogEntry;
  /** The trainer's last lines of output, for a failure message. */
  tail: string[];
  /** Stopped by the signal (Ctrl-C, Cancel), not by the trainer or the connection. */
  cancelled: boolean;
}

/** What ssh exits with when it fails itself, such as a connection lost mid-run (ssh(1), EXIT STATUS). */
export const SSH_FAILED = 255;

const TAIL_LINES = 40;
/** What the trainer exits with when the shell cannot find it. */
export const COMMAND_NOT_FOUND = 127;
/** What the trainer script exits with when the setup command failed (it then never starts llamafactory-cli). */
export const SETUP_FAILED = 86;

/**
 * The shell script that runs LLaMA-Factory in `runDir` and streams its trainer_log.jsonl to stdout as it grows
 * (`tail -F` follows the file through LLaMA-Factory's delete-and-recreate at the start; `--pid` ends the tail
 * with the trainer). The trainer's own output goes to train.out, whose tail is printed to stderr on failure.
 * The same script runs locally and over ssh, so both lanes are one code path.
 */
function trainerScript(runDir: string, setup: string | undefined): string {
  const dir = shellQuote(runDir);
  // The setup runs in the trainer's own subshell (an activated venv must be the one llamafactory-cli starts in),
  // ending on its own line so a trailing comment cannot swallow the rest. Its success is a file, not a status:
  // a failing `.` (sourcing a missing activate script) ends a POSIX shell at once, status and all.
  const ready = setup === undefined ? '' : `{ ${setup}\n} && : > setup.ok && `;
  return [
    `cd ${dir} || exit 2`,
    'mkdir -p output',
    `( (${ready}llamafactory-cli train train_lora.yaml) > train.out 2>&1; echo $? > exit.code) &`,
    'pid=$!',
    'echo $pid > train.pid',
    'tail -n +1 -F --pid=$pid output/trainer_log.jsonl 2>/dev/null',
    'wait $pid',
    ...(setup === undefined ? [] : [`[ -f setup.ok ] || { tail -n ${TAIL_LINES} train.out >&2; exit ${SETUP_FAILED}; }`]),
    'code=$(cat exit.code 2>/dev/null || echo 1)',
    `[ "$code" = 0 ] || tail -n ${TAIL_LINES} train.out >&2`,
    'exit $code',
  ].join('\n');
}

/** How long a cancelled run waits for its trainer to exit before reporting what is saved, and how often it looks. */
const STOP_WAIT_MS = 60_000;
const POLL_MS = 200;

/** Settles when no process of the group `pgid` (the local script, its trainer and their children) is left, or after STOP_WAIT_MS. */
async function groupEnded(pgid: number): Promise<void> {
  for (let waited = 0; waited < STOP_WAIT_MS; waited += POLL_MS) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await sleep(POLL_MS);
  }
}

/** Runs the trainer script, reporting each log entry; on `signal` it stops the trainer and its children, and waits for them to exit. */
export async function runTrainer(host: TrainingHost, runDir: string, onEntry: (entry: TrainerLogEntry) => void, signal?: AbortSignal): Promise<TrainerOutcome> {
  const script = trainerScript(runDir, host.setup);
  const child = host.ssh
    ? spawn('ssh', ['-o', 'BatchMode=yes', host.ssh, `sh -c ${shellQuote(script)}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  let last: TrainerLogEntry | undefined;
  // Settles once the stopped trainer has exited: the script's shell ends first, and a trainer still ending can save
  // one more checkpoint, which the cancellation message must name.
  let stopped: Promise<void> | undefined;
  const stop = () => {
    if (host.ssh) {
      // Closing ssh does not stop a remote process reliably: ask the host to end the trainer's process tree, and to
      // answer once it has.
      const polls = STOP_WAIT_MS / POLL_MS;
      const end = `cd ${shellQuote(runDir)} && p=$(cat train.pid) && c=$(pgrep -P $p); pkill -TERM -P $p; kill -TERM $p; n=0; for q in $p $c; do while kill -0 $q 2>/dev/null && [ $n -lt ${polls} ]; do sleep ${POLL_MS / 1000}; n=$((n+1)); done; done`;
      const ender = spawn('ssh', ['-o', 'BatchMode=yes', host.ssh, `sh -c ${shellQuote(end)}`], { stdio: 'ignore' });
      stopped = new Promise((resolve) => {
        ender.once('close', () => resolve());
        ender.once('error', () => resolve());
      });
      child.kill('SIGTERM');
    } else if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      stopped = groupEnded(child.pid);
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
    if (stopped) await stopped;
    if (error) {
      throw new HouseStyleError(`Could not start ${host.ssh ? 'ssh' : 'sh'}: ${error.message}.`, host.ssh ? 'Install an OpenSSH client, or train locally.' : 'Check that a POSIX shell is available.', 'training-failed', {
        cause: error,
      });
    }
    return { code: code ?? 1, ...(last && { last }), tail, cancelled: signal?.aborted === true };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Quotes a string for POSIX sh. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
