import type * as LanceDb from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';

/** LanceDB and Arrow are loaded on first use, never when the extension activates. */
export async function loadLanceDb(): Promise<{ lancedb: typeof LanceDb; arrow: typeof Arrow }> {
  // LanceDB's native logger reads this once at load; its warnings are not for our users.
  process.env.LANCEDB_LOG ??= 'error';
  const [lancedb, arrow] = await Promise.all([import('@lancedb/lancedb'), import('apache-arrow')]);
  return { lancedb, arrow };
}
