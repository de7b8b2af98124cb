import * as vscode from 'vscode';
import { HouseStyleError } from '../core/errors';

/** Indexing, review and dataset building read workspace files and call Ollama: trusted workspaces only. */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new HouseStyleError('This workspace is in Restricted Mode.', 'Trust the folder to index, review or build datasets: they read its files and call your Ollama host.', 'untrusted');
  }
}

/** The folder to work on, or a clear error when none is open. */
export function requireFolder(folder: vscode.WorkspaceFolder | undefined): vscode.WorkspaceFolder {
  if (!folder) throw new HouseStyleError('No folder is open.', 'Open the folder of your project first.', 'usage');
  return folder;
}
