import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import { HouseStyleError } from '../core/errors';
import type { Logger } from '../core/log';
import type { HostChoice } from '../core/ollamaHostChoice';
import { terminalLine } from '../core/service/frontEndHelpers';
import type { ReviewScope, WorkspaceService } from '../core/service/workspaceService';
import { EXIT_OK, present } from './presenter';

/** Log lines name files and quote models: neutralized, one line each. */
export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${terminalLine(message)}\n`),
  warn: (message) => process.stderr.write(`warning: ${terminalLine(message)}\n`),
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

/** Runs a command body; its result is the exit status, and any error goes through the presenter. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await body(...args)) ?? EXIT_OK;
    } catch (error) {
      process.exitCode = present.failure(error);
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
export function stderrProgress(): { report(phase: string, done: number, total?: number, detail?: string): void; end(): void } {
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  let lastWrite = 0;
  return {
    report(phase, done, total, detail) {
      const now = Date.now();
      const finished = total !== undefined && done >= total;
      if (phase === lastPhase && !finished && now - lastWrite < (tty ? 100 : 2000)) return;
      lastWrite = now;
      lastPhase = phase;
      const text = terminalLine(`${phase}: ${detail ?? `${done}${total !== undefined ? `/${total}` : ''}`}`);
      process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
    },
    /** Ends the current line; reports after it start a new one, so one reporter can serve several phases. */
    end() {
      if (tty && lastPhase) process.stderr.write('\n');
      lastPhase = '';
    },
  };
}

export interface HostOptions {
  host?: string;
  allowRepoHost?: boolean;
}

/** `--host`, on every command that may send workspace text to Ollama. */
export function hostOption(): Option {
  return new Option('--host <url>', 'Ollama host (default: OLLAMA_HOST, then the repository\'s ollama.host when it is this machine or allowed)');
}

/** `--allow-repo-host`: the user's confirmation that the repository's own Ollama host may receive the code. */
export function allowRepoHostOption(): Option {
  return new Option('--allow-repo-host', 'use the Ollama host named in the repository\'s .housestyle/config.json even when it is another machine');
}

/**
 * Runs `body` with the workspace's service (`--workspace`, default the current folder) and closes it. Commands
 * that send code to Ollama pass their host flags: the user's choice of host, with the environment's.
 */
export async function withService<T>(options: { workspace?: string }, hosts: HostOptions | undefined, body: (service: WorkspaceService) => Promise<T>): Promise<T> {
  const hostChoice: HostChoice | undefined = hosts && { env: process.env, ...(hosts.host ? { user: hosts.host } : {}), confirmRepositoryHost: () => hosts.allowRepoHost === true };
  const { WorkspaceService } = await import('../core/service/workspaceService');
  const service = new WorkspaceService({ workspace: await resolveWorkspace(options.workspace), extensionRoot: cliExtensionRoot(), logger: stderrLogger, ...(hostChoice && { hostChoice }) });
  try {
    return await body(service);
  } finally {
    await service.close();
  }
}

/** Commander parser for options that take a count (`--k 5`, `--days 30`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** `[files...]` or `--diff [BASE]` (the caller has checked that exactly one is given). */
export function reviewScope(files: string[], diff: string | boolean | undefined): ReviewScope {
  return diff !== undefined ? { diff: typeof diff === 'string' ? diff : undefined } : { files };
}
