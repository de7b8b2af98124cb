// The child process that does a knowledge base's heavy upkeep: building the vector index, and optimizing
// (compacting files, bringing indexes up to date, deleting old versions). Both hold much of the table in
// memory for a while (the vector index build about 200 MB at 100,000 rows of 384 dimensions); in a
// process of their own that memory is returned to the system when they end, and never adds to the
// indexing process's (the editor's, for its index runs).
import { KnowledgeStore } from './store';
import type { UpkeepJob, UpkeepReply } from './upkeepMessages';

async function run(job: UpkeepJob): Promise<UpkeepReply> {
  const store = await KnowledgeStore.open(job.uri, job.kb, job.storageOptions);
  if (!store) return { type: 'error', message: `the knowledge base "${job.kb}" is not in ${job.uri}` };
  try {
    if (job.task.type === 'vector-index') await store.buildVectorIndex();
    else await store.optimize(job.task.cleanupOlderThan === undefined ? undefined : new Date(job.task.cleanupOlderThan));
  } finally {
    store.close();
  }
  return { type: 'done', peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

process.once('message', (job: UpkeepJob) => {
  run(job)
    .catch((error: unknown): UpkeepReply => ({ type: 'error', message: (error as Error).message?.split('\n')[0] ?? String(error) }))
    .then((reply) => process.send!(reply, () => process.exit(0)));
});
