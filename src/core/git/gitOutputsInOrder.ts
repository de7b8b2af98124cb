import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gitOutput, startGit, type RunningGit } from './gitProcess';

/** Chunk size for reading a part back: larger than a pipe's, since the bytes are already there. */
const READ_CHUNK = 256 * 1024;
/** How long to wait for a part's git to write more, once its file has been read to the end. */
const FOLLOW_POLL_MS = 5;

/** A git command: its arguments, and what it reads on standard input, if anything. */
export interface GitCommand {
  args: string[];
  input?: string;
}

/**
 * Runs several git commands at once and yields their standard outputs one after another, in the order given, as
 * if one command had written them all. The first streams through a pipe as it is written; the others write to
 * temporary files meanwhile (a pipe nobody reads would stop them), each followed as it grows once the parts
 * before it are consumed, and deleted once read. So a long `git log` split into parts uses more than one core. Any part's
 * failure is thrown where its bytes would have come; abandoning the iteration or aborting `signal` stops them all.
 */
export async function* gitOutputsInOrder(repo: string, commands: GitCommand[], signal?: AbortSignal): AsyncGenerator<Buffer> {
  const [first, ...rest] = commands;
  if (first === undefined) return;
  const dir = rest.length > 0 ? await mkdtemp(path.join(tmpdir(), 'housestyle-gitlog-')) : undefined;
  const started: { git: RunningGit; file: string }[] = [];
  // The first part spawns first (on its first `next`): its bytes are wanted first.
  const firstOutput = gitOutput(repo, first.args, signal, inputOf(first));
  try {
    const firstChunk = firstOutput.next();
    // Its failure is thrown below, where its bytes are awaited; not as unhandled while the others start.
    firstChunk.catch(() => undefined);
    for (const [index, command] of rest.entries()) {
      const file = path.join(dir!, `part-${index + 1}`);
      const handle = await open(file, 'w');
      try {
        started.push({ git: startGit(repo, command.args, { signal, stdout: handle.fd, input: inputOf(command) }), file });
      } finally {
        // The child holds its own copy of the descriptor.
        await handle.close();
      }
    }
    for (let chunk = await firstChunk; !chunk.done; chunk = await firstOutput.next()) yield chunk.value;
    for (const { git, file } of started) {
      yield* followFile(file, git);
      await rm(file, { force: true });
    }
  } finally {
    await firstOutput.return(undefined);
    for (const { git } of started) git.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function inputOf(command: GitCommand): Readable | undefined {
  return command.input === undefined ? undefined : Readable.from([command.input]);
}

/** The bytes `git` writes to `file`, read as they come (as `tail -f` does) until git has exited; then its failure, if any. */
async function* followFile(file: string, git: RunningGit): AsyncGenerator<Buffer> {
  let exited = false;
  const exit = git.done.then(
    () => (exited = true),
    () => (exited = true),
  );
  const handle = await open(file, 'r');
  try {
    for (let position = 0; ; ) {
      // Whether git had exited before this read: then a read that finds nothing is the end of its output.
      const ended = exited;
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(READ_CHUNK), 0, READ_CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      } else if (ended) break;
      else await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS))]);
    }
  } finally {
    await handle.close();
  }
  await git.done;
}
