import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import { workspacePath } from '../review/reviewTarget';
import type { CodeContext } from './ask';

/** The code a question is about: a workspace file, whole or lines `A-B` (or one line `A`) of it. */
export async function codeContext(workspace: string, file: string, lines: string | undefined): Promise<CodeContext> {
  const relative = workspacePath(workspace, file);
  const text = await readFile(path.join(workspace, relative), 'utf8').catch((error: Error) => {
    throw new HouseStyleError(`Cannot read ${relative}: ${error.message}.`, 'Name a file inside the workspace.', 'usage');
  });
  if (!lines) return { path: relative, text };
  const match = /^(\d+)(?:-(\d+))?$/.exec(lines);
  if (!match) throw new HouseStyleError(`The lines ${lines} are not A-B.`, 'For example: 10-20', 'usage');
  const startLine = Number(match[1]);
  return { path: relative, text, selection: { startLine, endLine: match[2] ? Number(match[2]) : startLine } };
}
