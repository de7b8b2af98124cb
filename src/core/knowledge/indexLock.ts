import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { isObjectStorageUri } from './indexUri';
import { isProcessRunning } from '../processAlive';

/** Who writes the index: enough for a person to find the process, and for a later run to see it is gone. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface IndexLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for the holder to finish before giving up with its name. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called while waiting (about every POLL_MS), so a front end can say who it waits for. */
  onWait?: (holder: LockHolder, waitedMs: number) => void;
  /** What this run is, as the lock shows it to others; defaults to this process's command line. */
  command?: string;
}

const POLL_MS = 250;

/**
 * The lock file of a knowledge base's table: beside the table for a local index; in the workspace's
 * `.housestyle` folder for object storage, which has no file locks (it then guards this machine's writers).
 */
export function indexLockFile(workspace: string, uri: string, table: string): string {
  return isObjectStorageUri(uri) ? path.join(workspace, '.housestyle', `${table}.lock`) : path.join(uri, `${table}.lock`);
}

/**
 * One index writer at a time. The lock file appears whole or not at all (written aside, then
 * hard-linked into place, which fails if it exists). A lock left by a process of this machine that
 * no longer runs is stale and taken over; otherwise the caller waits, then is told who holds it.
 */
export async function acquireIndexLock(file: string, options: LockOptions): Promise<IndexLock> {
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: options.command ?? process.argv.slice(1).join(' ').slice(0, 200) };
  const started = Date.now();
  for (;;) {
    throwIfCancelled(options.signal, 'Indexing was cancelled while waiting for another index run.');
    if (await tryCreate(file, me)) return { file, release: () => releaseIfMine(file, me) };
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder && holder.host === me.host && !isProcessRunning(holder.pid)) {
      await breakStale(file, holder);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.waitMs) throw lockedError(file, holder);
    if (holder) options.onWait?.(holder, waited);
    await sleep(POLL_MS);
  }
}

/** A one-line description of a holder, for progress and errors. */
export function describeHolder(holder: LockHolder): string {
  return `process ${holder.pid} on ${holder.host} (${holder.command || 'unknown command'}), since ${holder.startedAt}`;
}

async function tryCreate(file: string, me: LockHolder): Promise<boolean> {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, JSON.stringify(me));
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(aside).catch(() => {});
  }
}

/** The holder; undefined when the file cannot be understood; 'gone' when it vanished meanwhile. */
async function readHolder(file: string): Promise<LockHolder | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}


/**
 * Moves the stale lock aside (only one of several runs doing this at once succeeds), and puts it
 * back if what was moved turns out to be a live run's fresh lock rather than the stale one.
 */
async function breakStale(file: string, stale: LockHolder): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved !== 'gone' && moved && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) await link(aside, file).catch(() => {});
  await unlink(aside).catch(() => {});
}

async function releaseIfMine(file: string, me: LockHolder): Promise<void> {
  const holder = await readHolder(file).catch(() => undefined);
  if (holder && holder !== 'gone' && holder.pid === me.pid && holder.startedAt === me.startedAt) await unlink(file).catch(() => {});
}

function lockedError(file: string, holder: LockHolder | undefined): HouseStyleError {
  return new HouseStyleError(
    `The index is being written by another run: ${holder ? describeHolder(holder) : 'an unknown process'}.`,
    `Wait for it to finish and try again; if that process is gone for good, delete ${file}.`,
    'index-locked',
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
