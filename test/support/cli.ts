import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI_ENTRY = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `housestyle` CLI from the TypeScript sources in a child process. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; onStderr?: (soFar: string) => void; signal?: AbortSignal } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      // No CLI run of the tests fetches an embedding model (the Hugging Face tools' offline switch), unless a test says so.
      env: { ...process.env, HF_HUB_OFFLINE: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Aborting kills the run: a test's deadline for a run that could hang.
      ...(options.signal && { signal: options.signal }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => {
      stderr += data;
      options.onStderr?.(stderr);
    });
    // An abort is an outcome the caller reads from `signal`, not a failure to start.
    child.on('error', (error) => (error.name === 'AbortError' ? undefined : reject(error)));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
