import { availableParallelism } from 'node:os';
import type * as LanceDb from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';

/**
 * Lance sizes its compute thread pool at the machine's cores less two it reserves for I/O, and at one thread on
 * two or three cores (`get_num_compute_intensive_cpus`, rust/lance-core/src/utils/tokio.rs). With one thread,
 * LanceDB 0.31's full-text index build over 20,000 rows or more never returns, without using the CPU (the README
 * has the counts); with two it finishes. Never below two; the user's own setting wins.
 */
const MIN_COMPUTE_THREADS = 2;

/** LanceDB and Arrow are loaded on first use, never when the extension activates. */
export async function loadLanceDb(): Promise<{ lancedb: typeof LanceDb; arrow: typeof Arrow }> {
  // LanceDB's native logger reads this once at load; its warnings are not for our users.
  process.env.LANCEDB_LOG ??= 'error';
  // Read once, when Lance first starts its thread pool; child processes (index upkeep) inherit it.
  process.env.LANCE_CPU_THREADS ??= String(Math.max(MIN_COMPUTE_THREADS, availableParallelism() - 2));
  const [lancedb, arrow] = await Promise.all([import('@lancedb/lancedb'), import('apache-arrow')]);
  return { lancedb, arrow };
}
