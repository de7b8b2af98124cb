import type { CodeContext } from './ask';

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
