import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError, type ErrorCode } from './errors';

/**
 * Reads a JSON file House Style keeps in the workspace: `missing` when it does not exist, one clear error
 * (with `code` and the hint for broken JSON) when it cannot be read or parsed.
 */
export async function readJsonFile(file: string, options: { missing: unknown; code: ErrorCode; badJsonHint: string }): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return options.missing;
    throw new HouseStyleError(`Cannot read ${file}: ${(error as Error).message}.`, 'Check the file permissions.', options.code, { cause: error });
  }
  try {
    // Editors on Windows often save JSON with a byte-order mark, which JSON.parse refuses.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new HouseStyleError(`${file} is not valid JSON: ${(error as Error).message}.`, options.badJsonHint, options.code, { cause: error });
  }
}

/** Writes JSON to a temporary file beside `file`, syncs it, then renames it over `file`: a reader sees the old file or the new one. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
