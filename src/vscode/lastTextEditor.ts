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

  /** The active text editor's document, else the last one still open; fails with what to do when there is none. */
  document(what: string): vscode.TextDocument {
    const active = vscode.window.activeTextEditor?.document;
    const document = active?.uri.scheme === 'file' ? active : this.last && !this.last.isClosed ? this.last : active;
    if (!document) throw new HouseStyleError('No file is open in the editor.', `Open the file to ${what} first.`, 'usage');
    return document;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
