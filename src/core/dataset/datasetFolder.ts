import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import { REPORT_FILE, REPORT_GENERATOR } from './datasetReport';

/**
 * The output folder of a build, written whole or not at all: files go into a hidden temporary folder
 * beside `out`, which replaces `out` only once complete. On error or cancellation the temporary folder
 * is removed and an existing dataset stays as it was.
 */
export class DatasetFolder {
  private constructor(
    readonly out: string,
    /** Where files are written until `commit`. */
    readonly temp: string,
  ) {}

  /** Checks that `out` may be replaced, then makes the temporary folder beside it. */
  static async create(out: string): Promise<DatasetFolder> {
    const target = path.resolve(out);
    await assertReplaceable(target);
    const parent = path.dirname(target);
    await mkdir(parent, { recursive: true });
    const temp = await mkdtemp(path.join(parent, `.${path.basename(target)}.building-`));
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
          signal?.throwIfAborted();
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

  /** Moves the finished folder into place, replacing an earlier dataset only now that the new one is whole. */
  async commit(): Promise<void> {
    await assertReplaceable(this.out);
    const existing = await stat(this.out).catch(() => undefined);
    if (!existing) {
      await rename(this.temp, this.out);
      return;
    }
    const old = path.join(path.dirname(this.out), `.${path.basename(this.out)}.old-${randomBytes(4).toString('hex')}`);
    await rename(this.out, old);
    try {
      await rename(this.temp, this.out);
    } catch (error) {
      await rename(old, this.out);
      throw error;
    }
    await rm(old, { recursive: true, force: true });
  }

  async discard(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true });
  }
}

/**
 * An existing `out` is replaced only when it is an empty folder or a dataset an earlier build wrote,
 * so that a mistyped --out never wipes a source folder.
 */
async function assertReplaceable(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (!info) return;
  const hint = 'Choose a new --out folder, or remove that one first.';
  if (!info.isDirectory()) throw new HouseStyleError(`The output path ${out} exists and is not a folder.`, hint, 'usage');
  if ((await readdir(out)).length === 0) return;
  const report = await readFile(path.join(out, REPORT_FILE), 'utf8').catch(() => undefined);
  let generator: unknown;
  try {
    generator = report && (JSON.parse(report) as { generator?: unknown }).generator;
  } catch {
    generator = undefined;
  }
  if (generator !== REPORT_GENERATOR) {
    throw new HouseStyleError(`The output folder ${out} is not empty and holds no House Style dataset, so it will not be replaced.`, hint, 'usage');
  }
}
