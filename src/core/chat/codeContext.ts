import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import { workspacePath } from '../review/reviewTarget';
import type { CodeContext } from './ask';

/** The code a question is about: a workspace file, whole or lines `A-B` (or one line `A`) of it. */
export async function codeContext(workspace: string, file: string, lines: string | undefined): Promise<CodeContext> {
  const relative = workspacePath(workspace, file);
  const text = await readFile(path.join(workspace, relative), 'utf8').catch((error: Error) => {
    throw new HouseStyleError(`Cannot read ${relative}: ${error.message}.`, 'Pass a file inside the workspace with --file.', 'usage');
  });
  if (!lines) return { path: relative, text };
  const match = /^(\d+)(?:-(\d+))?$/.exec(lines);
  if (!match) throw new HouseStyleError(`--lines ${lines} is not A-B.`, 'For example: --lines 10-20', 'usage');
  const startLine = Number(match[1]);
  return { path: relative, text, selection: { startLine, endLine: match[2] ? Number(match[2]) : startLine } };
}

/** What the chat may send of the editor's file: its workspace-relative path, its text and the lines selected (none when nothing is). */
export interface OpenFile {
  path: string;
  text: string;
  selection?: { startLine: number; endLine: number };
}

/**
 * The code that goes with a chat question for the user's choice, and how its turn says so (no label when they
 * chose no code). "With selection" and nothing selected sends no code: the whole file is more than they chose to share.
 */
export function chosenCode(choice: 'none' | 'file' | 'selection', open: OpenFile | undefined): { code?: CodeContext; label?: string } {
  if (choice === 'none') return {};
  if (!open) return { label: 'no code: no workspace file is open' };
  if (choice === 'file') return { code: { path: open.path, text: open.text }, label: `with ${open.path}` };
  if (!open.selection) return { label: `no code: nothing is selected in ${open.path}` };
  return { code: open, label: `with ${open.path}:${open.selection.startLine}-${open.selection.endLine}` };
}
