import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { REPORT_FILE } from '../datasetFiles';
import { REPORT_GENERATOR } from './datasetReport';
import { isProcessRunning } from '../processAlive';

/** Names the process that is writing a temporary folder, so a later build can tell an abandoned one. */
const OWNER_FILE = '.owner';
/** A temporary folder with no owner yet is being created right now, unless it is older than this. */
const UNOWNED_GRACE_MS = 60_000;

/**
 * The output folder of a build. Files go into a hidden temporary folder beside `out`; `commit` moves
 * each into `out` only once all are complete, replacing only files this or an earlier build wrote (the
 * earlier build's report.json lists them): anything else in `out` (an adapter trained there, notes) is
 * left alone. report.json, the mark of a finished dataset, is removed first and written last, so a
 * folder never looks finished while it is half replaced. On error or cancellation the temporary folder is
 * removed and an existing dataset stays as it was; temporary folders of killed builds are removed by the
 * next build.
 */
export class DatasetFolder {
  private constructor(
    readonly out: string,
    /** Where files are written until `commit`. */
    readonly temp: string,
  ) {}

  /** Checks that `out` may hold a dataset, clears abandoned temporary folders, and makes this build's. */
  static async create(out: string): Promise<DatasetFolder> {
    const target = path.resolve(out);
    await previousFiles(target);
    const parent = path.dirname(target);
    await mkdir(parent, { recursive: true });
    await removeAbandoned(parent, path.basename(target));
    const temp = await mkdtemp(path.join(parent, `.${path.basename(target)}.building-`));
    await writeFile(path.join(temp, OWNER_FILE), String(process.pid));
    return new DatasetFolder(target, temp);
  }

  file(name: string): string {
    return path.join(this.temp, name);
  }

  async writeText(name: string, text: string): Promise<void> {
    const handle = await open(this.file(name), 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Writes one JSON value per line, in chunks, checking for cancellation as it goes. */
  async writeJsonl(name: string, records: Iterable<unknown>, signal?: AbortSignal): Promise<number> {
    const handle = await open(this.file(name), 'w');
    let lines = 0;
    try {
      let chunk = '';
      for (const record of records) {
        chunk += `${JSON.stringify(record)}\n`;
        lines++;
        if (chunk.length >= 1 << 20) {
          throwIfCancelled(signal);
          await handle.write(chunk);
          chunk = '';
        }
      }
      if (chunk) await handle.write(chunk);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return lines;
  }

  /**
   * Moves the written files (`files`, report.json among them) into `out`, replacing the earlier build's,
   * and removes the earlier build's files this one did not write again.
   */
  async commit(files: readonly string[]): Promise<void> {
    const earlier = await previousFiles(this.out);
    const foreign = files.filter((name) => name !== REPORT_FILE && !earlier.has(name));
    for (const name of foreign) {
      if (await stat(path.join(this.out, name)).catch(() => undefined)) {
        throw new HouseStyleError(`The output folder ${this.out} already holds ${name}, which no House Style build wrote, so it will not be replaced.`, 'Move that file, or choose another --out folder.', 'usage', { fix: ['build-dataset-elsewhere'] });
      }
    }
    await mkdir(this.out, { recursive: true });
    await rm(path.join(this.out, REPORT_FILE), { force: true });
    for (const name of files) if (name !== REPORT_FILE) await rename(this.file(name), path.join(this.out, name));
    for (const name of earlier) if (!files.includes(name)) await rm(path.join(this.out, name), { force: true });
    await rename(this.file(REPORT_FILE), path.join(this.out, REPORT_FILE));
    await this.discard();
  }

  async discard(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true });
  }
}

/**
 * The files an earlier build wrote in `out`, from its report.json; empty for a missing or empty folder.
 * Any other non-empty folder is refused, so that a mistyped --out never fills a source folder.
 */
async function previousFiles(out: string): Promise<Set<string>> {
  const info = await stat(out).catch(() => undefined);
  if (!info) return new Set();
  const hint = 'Choose a new --out folder, or remove that one first.';
  if (!info.isDirectory()) throw new HouseStyleError(`The output path ${out} exists and is not a folder.`, hint, 'usage', { fix: ['build-dataset-elsewhere'] });
  if ((await readdir(out)).length === 0) return new Set();
  const report = await readFile(path.join(out, REPORT_FILE), 'utf8').catch(() => undefined);
  let parsed: { generator?: unknown; files?: unknown } | undefined;
  try {
    parsed = report === undefined ? undefined : (JSON.parse(report) as { generator?: unknown; files?: unknown });
  } catch {
    parsed = undefined;
  }
  if (parsed?.generator !== REPORT_GENERATOR) {
    throw new HouseStyleError(`The output folder ${out} is not empty and holds no House Style dataset, so nothing will be written there.`, hint, 'usage', { fix: ['build-dataset-elsewhere'] });
  }
  // Only plain names: a tampered report must not make a build delete files elsewhere.
  const files = Array.isArray(parsed.files) ? parsed.files.filter((name): name is string => typeof name === 'string' && name === path.basename(name) && !name.startsWith('.')) : [];
  return new Set(files);
}

/** Removes temporary folders of `name` left by builds that were killed (their owning process is gone). */
async function removeAbandoned(parent: string, name: string): Promise<void> {
  const prefixes = [`.${name}.building-`, `.${name}.old-`];
  for (const entry of await readdir(parent)) {
    if (!prefixes.some((prefix) => entry.startsWith(prefix))) continue;
    const folder = path.join(parent, entry);
    const owner = Number(await readFile(path.join(folder, OWNER_FILE), 'utf8').catch(() => ''));
    const abandoned = owner > 0 ? !isProcessRunning(owner) : Date.now() - ((await stat(folder).catch(() => undefined))?.mtimeMs ?? 0) > UNOWNED_GRACE_MS;
    if (abandoned) await rm(folder, { recursive: true, force: true });
  }
}

