import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { HouseStyleError, throwIfCancelled } from '../errors';

/**
 * Options that make git's output independent of the user's configuration, so parsers see one format:
 * real paths (no octal escapes for non-ASCII), a/ and b/ prefixes, empty context lines kept as " ".
 */
export const STABLE_GIT_CONFIG = ['-c', 'core.quotepath=off', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'diff.suppressBlankEmpty=false'];

/** A git process started by startGit. */
export interface RunningGit {
  /** Its standard output, when it goes to a pipe (not to a file). */
  readonly stdout: Readable | null;
  /**
   * Resolves once git has exited with status 0; otherwise rejects with a HouseStyleError carrying git's own
   * message, or the 'cancelled' one when `signal` stopped it.
   */
  readonly done: Promise<void>;
  /** Stops git if it still runs. */
  stop(): void;
}

/**
 * Starts git with the stable options. Its standard output goes to a pipe, or to `stdout` when that is an open file
 * descriptor; `input`, when given, is its standard input (for `--stdin` modes). Aborting `signal` stops it.
 */
export function startGit(repo: string, args: string[], options: { signal?: AbortSignal; input?: Readable; stdout?: number } = {}): RunningGit {
  const { signal, input } = options;
  throwIfCancelled(signal);
  // GIT_FLUSH=0: into a pipe git otherwise flushes after every commit, which means thousands of tiny reads.
  const env = { ...process.env, GIT_FLUSH: '0' };
  const child = spawn('git', [...STABLE_GIT_CONFIG, ...args], { cwd: repo, env, stdio: [input ? 'pipe' : 'ignore', options.stdout ?? 'pipe', 'pipe'], windowsHide: true });
  if (input && child.stdin) {
    // A git that exits before reading all of it closes the pipe; its exit status tells what went wrong.
    child.stdin.on('error', () => undefined);
    input.pipe(child.stdin);
  }
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const onAbort = () => child.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    const settle = (code: number | null, error?: Error) => {
      signal?.removeEventListener('abort', onAbort);
      try {
        throwIfCancelled(signal);
        if (error) throw gitSpawnError(error);
        if (code !== 0) {
          const message = Buffer.concat(stderr).toString('utf8').trim() || `git exited with status ${code}`;
          throw new HouseStyleError(`git ${args[0]} failed in ${repo}: ${message}`, 'Check the repository, revisions and paths you passed.', 'git');
        }
        resolve();
      } catch (failure) {
        reject(failure);
      }
    };
    child.once('error', (error) => settle(null, error));
    child.once('close', (code) => settle(code));
  });
  // Whoever awaits `done` sees the failure; a caller that stopped early does not need to.
  done.catch(() => undefined);
  return {
    stdout: child.stdout,
    done,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/**
 * Runs git and yields its standard output chunk by chunk as it arrives, so a long `git log` is parsed while
 * git is still writing it.
 * A non-zero exit becomes a HouseStyleError carrying git's own message. Abandoning the iteration, or
 * aborting `signal`, stops the git process. `input`, when given, is git's standard input (for `--stdin` modes).
 */
export async function* gitOutput(repo: string, args: string[], signal?: AbortSignal, input?: Readable): AsyncGenerator<Buffer> {
  const git = startGit(repo, args, { signal, input });
  try {
    for await (const chunk of git.stdout!) yield chunk as Buffer;
    await git.done;
  } finally {
    git.stop();
  }
}

/** Runs git to completion and returns its standard output as bytes (for a parser that decodes line by line). */
export async function gitBytes(repo: string, args: string[], signal?: AbortSignal, input?: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of gitOutput(repo, args, signal, input)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Runs git to completion and returns its standard output as text (for short answers: a URL, a commit id). */
export async function gitText(repo: string, args: string[], signal?: AbortSignal, input?: Readable): Promise<string> {
  return (await gitBytes(repo, args, signal, input)).toString('utf8');
}

/** Whether an error says that git itself could not be found (rather than that git failed). */
export function isGitMissing(error: unknown): boolean {
  return error instanceof HouseStyleError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export function gitSpawnError(error: Error): HouseStyleError {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new HouseStyleError('git was not found on this machine.', 'Install git and make sure it is on PATH.', 'git', { cause: error });
  }
  return new HouseStyleError(`Could not run git: ${error.message}.`, 'Check that git is installed and runnable.', 'git', { cause: error });
}
