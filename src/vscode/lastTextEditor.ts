import * as vscode from 'vscode';
import { HouseStyleError } from '../core/errors';

/**
 * The text editor a command means when another kind of editor has the focus: a button in the walkthrough (or
 * the Compare panel, or Settings) makes that editor active, and the file the user was just in is the one to act on.
 */
export class LastTextEditor implements vscode.Disposable {
  private last: vscode.TextDocument | undefined = vscode.window.activeTextEditor?.document;
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (editor && editor.document.uri.scheme === 'file') this.last = editor.document;
  });

  /**
   * The active text editor's file, else the last one active and still open, else (opened before House Style
   * started, behind the walkthrough) a visible one or a file tab of the active group; fails with what to do when there is none.
   */
  async document(what: string): Promise<vscode.TextDocument> {
    const active = vscode.window.activeTextEditor?.document;
    if (active?.uri.scheme === 'file') return active;
    if (this.last && !this.last.isClosed) return this.last;
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.scheme === 'file')?.document;
    if (visible) return visible;
    const tab = vscode.window.tabGroups.activeTabGroup.tabs.map((t) => t.input).find((input): input is vscode.TabInputText => input instanceof vscode.TabInputText && input.uri.scheme === 'file');
    if (tab) return vscode.workspace.openTextDocument(tab.uri);
    if (active) return active;
    throw new HouseStyleError('No file is open in the editor.', `Open the file to ${what} first.`, 'usage');
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
