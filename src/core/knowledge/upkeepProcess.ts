import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cancellationError, HouseStyleError } from '../errors';
import type { UpkeepJob, UpkeepReply, UpkeepTask } from './upkeepMessages';

const UPKEEP_CANCELLED = 'Index upkeep was cancelled.';

/**
 * The esbuild bundles ship `upkeepWorker.cjs` beside themselves, run with none of the host's Node flags
 * (the editor's may name an inspector port). From sources (tests, benchmarks under tsx) the TypeScript file
 * runs with the parent's flags, which load tsx. In the editor `process.execPath` is its Electron or Node
 * binary: ELECTRON_RUN_AS_NODE makes Electron run the script as Node.
 */
function startWorker(): ChildProcess {
  const bundled = new URL('./upkeepWorker.cjs', import.meta.url);
  const options: ForkOptions = {
    // One malloc arena per thread would keep freed memory resident for the rest of the run; two are enough here.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MALLOC_ARENA_MAX: '2', LANCEDB_LOG: 'error' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  };
  if (existsSync(bundled)) return fork(fileURLToPath(bundled), [], { ...options, execArgv: [] });
  return fork(fileURLToPath(new URL('./upkeepWorker.ts', import.meta.url)), [], options);
}

const WHAT: Record<UpkeepTask['type'], string> = { 'vector-index': 'The vector index could not be built', optimize: 'The index could not be optimized' };

/**
 * Runs one upkeep task on a knowledge base's table in a child process and waits for it. Resolves with the
 * child's peak resident memory; rejects with a HouseStyleError when it fails or dies, or with a cancellation
 * when `signal` aborts (the child is killed; LanceDB commits an index or a compaction only when complete).
 */
export function runUpkeepInChild(job: UpkeepJob, signal?: AbortSignal): Promise<{ peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancellationError(UPKEEP_CANCELLED));
    const child = startWorker();
    let stderr = '';
    let reply: UpkeepReply | undefined;
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: UpkeepReply) => (reply = message));
    const failed = (reason: string) =>
      new HouseStyleError(`${WHAT[job.task.type]}: ${reason}.`, 'Search still works, more slowly until it is done; the next index run tries again.', 'index-unavailable');
    child.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(failed(error.message));
    });
    child.on('exit', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(cancellationError(UPKEEP_CANCELLED));
      else if (reply?.type === 'done') resolve({ peakRssMb: reply.peakRssMb });
      else if (reply?.type === 'error') reject(failed(reply.message));
      else reject(failed(`the process ended (${exitSignal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
    });
    child.send(job);
  });
}
