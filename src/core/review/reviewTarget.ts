import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import { isOutside, realPathInside } from '../insideWorkspace';
import { languageOf } from '../language';
import type { LineRange } from '../lineRange';

/** Code to review: one file's full text and the lines of it under review. */
export interface ReviewTarget {
  /** Path relative to the workspace, with forward slashes (what findings, globs and SARIF name). */
  path: string;
  /** The file's lines as reviewed (working tree or editor buffer); line N is `lines[N - 1]`. */
  lines: string[];
  /** Lines under review: sorted, disjoint, within the file. The whole file for a file review. */
  ranges: LineRange[];
  language: string;
}

/** Splits text into lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function fileTarget(file: string, text: string): ReviewTarget {
  const lines = splitLines(text);
  return { path: file, lines, ranges: lines.length > 0 ? [{ startLine: 1, endLine: lines.length }] : [], language: languageOf(file, text) };
}

/** A selection of a file; the range is clipped to the file. */
export function selectionTarget(file: string, text: string, selection: LineRange): ReviewTarget {
  const target = fileTarget(file, text);
  const startLine = Math.max(1, selection.startLine);
  const endLine = Math.min(target.lines.length, selection.endLine);
  return { ...target, ranges: startLine <= endLine ? [{ startLine, endLine }] : [] };
}

/** The workspace-relative, forward-slash form of a path; throws when it lies outside the workspace. */
export function workspacePath(workspace: string, file: string): string {
  const relative = path.relative(workspace, path.resolve(workspace, file));
  if (relative === '' || isOutside(relative)) {
    throw new HouseStyleError(`${file} is not a file inside the workspace ${workspace}.`, 'Review files inside the workspace, or name the right workspace folder.', 'usage');
  }
  return relative.split(path.sep).join('/');
}

/** True when the bytes look binary (a NUL in the first 8 KB, as git decides). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** Reads a workspace file from disk as a whole-file review target; a link is followed only to a file inside the workspace. */
export async function readFileTarget(workspace: string, file: string): Promise<ReviewTarget> {
  const relative = workspacePath(workspace, file);
  let bytes: Buffer;
  try {
    const real = await realPathInside(workspace, relative);
    if (!real) await outsideOrMissing(workspace, relative);
    bytes = await readFile(real!);
  } catch (error) {
    if (error instanceof HouseStyleError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'a folder, not a file' : (error as Error).message;
    throw new HouseStyleError(`Cannot review ${relative}: ${what}.`, 'Pass paths of existing files, relative to the workspace or absolute.', 'usage', { cause: error });
  }
  if (isBinary(bytes)) throw new HouseStyleError(`Cannot review ${relative}: it is a binary file.`, 'Review source files only.', 'usage');
  return fileTarget(relative, bytes.toString('utf8'));
}

/** Throws the right error for a path that does not resolve inside the workspace: not found, or a link leading out. */
async function outsideOrMissing(workspace: string, relative: string): Promise<never> {
  await access(path.join(workspace, relative)); // ENOENT for a file (or a link's target) that does not exist
  throw new HouseStyleError(`Cannot review ${relative}: it is a link to a file outside the workspace, which is never read.`, 'Review files inside the workspace.', 'outside-workspace');
}
