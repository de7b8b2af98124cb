// The messages between the indexing process and the upkeep child (upkeepProcess forks upkeepWorker): a leaf
// both sides and the store import, so none of them imports another in a circle.

export type UpkeepTask = { type: 'vector-index' } | { type: 'optimize'; cleanupOlderThan?: number };

/** What the indexing process asks for: the table, as it opened it, and the task. */
export interface UpkeepJob {
  uri: string;
  kb: string;
  storageOptions?: Record<string, string>;
  task: UpkeepTask;
}

export type UpkeepReply = { type: 'done'; peakRssMb: number } | { type: 'error'; message: string };
