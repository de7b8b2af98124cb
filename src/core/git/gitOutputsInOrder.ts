import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gitOutput, startGit, type RunningGit } from './gitProcess';

/** Chunk size for reading a finished part back: larger than a pipe's, since the bytes are already there. */
const READ_CHUNK = 256 * 1024;

/**
 * Runs several git commands at once and yields their standard outputs one after another, in the order given, as
 * if one command had written them all. The first streams through a pipe as it is written; the others write to
 * temporary files meanwhile (a pipe nobody reads would stop them), each read back once the parts before it are
 * consumed and deleted once read. So a long `git log` split into parts uses more than one core. Any part's
 * failure is thrown where its bytes would have come; abandoning the iteration or aborting `signal` stops them all.
 */
export async function* gitOutputsInOrder(repo: string, commands: string[][], signal?: AbortSignal): AsyncGenerator<Buffer> {
  const [first, ...rest] = commands;
  if (first === undefined) return;
  const dir = rest.length > 0 ? await mkdtemp(path.join(tmpdir(), 'housestyle-gitlog-')) : undefined;
  const started: { git: RunningGit; file: string }[] = [];
  // The first part spawns first (on its first `next`): its bytes are wanted first.
  const firstOutput = gitOutput(repo, first, signal);
  try {
    const firstChunk = firstOutput.next();
    // Its failure is thrown below, where its bytes are awaited; not as unhandled while the others start.
    firstChunk.catch(() => undefined);
    for (const [index, args] of rest.entries()) {
      const file = path.join(dir!, `part-${index + 1}`);
      const handle = await open(file, 'w');
      try {
        started.push({ git: startGit(repo, args, { signal, stdout: handle.fd }), file });
      } finally {
        // The child holds its own copy of the descriptor.
        await handle.close();
      }
    }
    for (let chunk = await firstChunk; !chunk.done; chunk = await firstOutput.next()) yield chunk.value;
    for (const { git, file } of started) {
      await git.done;
      for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) yield chunk as Buffer;
      await rm(file, { force: true });
    }
  } finally {
    await firstOutput.return(undefined);
    for (const { git } of started) git.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
