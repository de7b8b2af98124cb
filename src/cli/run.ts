import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { HouseStyleError, describeError } from '../core/errors';
import type { Logger } from '../core/log';

/** Exit statuses of the CLI contract: 0 ok / no findings, 1 findings, 2 usage or runtime error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

/** Resolves `--workspace` (default: the current folder) and checks that it is a folder. */
export async function resolveWorkspace(option: string | undefined): Promise<string> {
  const workspace = path.resolve(option ?? process.cwd());
  const info = await stat(workspace).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new HouseStyleError(`Workspace folder not found: ${workspace}.`, 'Pass an existing folder with --workspace DIR.', 'usage');
  }
  return workspace;
}

/** Runs a command body and turns any error into one line on stderr and exit status 2. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await body(...args)) ?? EXIT_OK;
    } catch (error) {
      process.stderr.write(`housestyle: ${describeError(error)}\n`);
      if (!(error instanceof HouseStyleError) && process.env.HOUSESTYLE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = EXIT_ERROR;
    }
  };
}

/** Runs `body` with a signal that Ctrl-C aborts, so an interrupted command stops cleanly between steps. */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the current step (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** The folder the CLI ships in (the extension's root when it runs from a packaged extension), for bundled models. */
export function cliExtensionRoot(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
}

/** Writes progress to stderr as one rewritten line on a terminal, or a line per phase change otherwise. */
export function stderrProgress(): { report(phase: string, done: number, total?: number): void; end(): void } {
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  let lastWrite = 0;
  return {
    report(phase, done, total) {
      const now = Date.now();
      const finished = total !== undefined && done >= total;
      if (phase === lastPhase && !finished && now - lastWrite < (tty ? 100 : 2000)) return;
      lastWrite = now;
      lastPhase = phase;
      const text = `${phase}: ${done}${total !== undefined ? `/${total}` : ''}`;
      process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
    },
    /** Ends the current line; reports after it start a new one, so one reporter can serve several phases. */
    end() {
      if (tty && lastPhase) process.stderr.write('\n');
      lastPhase = '';
    },
  };
}

/** Commander parser for options that take a count (`--k 5`, `--days 30`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}
