import * as vscode from 'vscode';

/**
 * Opens a workspace file with the cited lines (1-based, inclusive) selected and in view; a PDF passage opens
 * its file at the page (`#page=N`, which PDF viewers honour), since lines within a page cannot be selected there.
 */
export async function openPassage(folder: vscode.WorkspaceFolder, source: string, startLine: number, endLine: number, page?: number): Promise<void> {
  // Sources come back from a webview: never follow one out of the workspace.
  if (source.startsWith('/') || source.split(/[\\/]/).includes('..')) return;
  const uri = vscode.Uri.joinPath(folder.uri, ...source.split('/'));
  if (page !== undefined) {
    await vscode.commands.executeCommand('vscode.open', uri.with({ fragment: `page=${page}` }));
    return;
  }
  const range = new vscode.Range(Math.max(0, startLine - 1), 0, Math.max(0, endLine), 0);
  await vscode.window.showTextDocument(uri, { selection: range, preview: true });
}
