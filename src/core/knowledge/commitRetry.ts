/** Attempts per write: a commit conflict means another writer committed first, and the write is simply redone. */
const ATTEMPTS = 5;

/**
 * Runs one LanceDB write again when it lost a commit race (a writer that does not take the index
 * lock, such as an older version). The writes retried are idempotent: merges on id, deletes by source.
 */
export async function retryCommitConflicts<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= ATTEMPTS || !/commit conflict|conflicting transaction/i.test((error as Error)?.message ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}
