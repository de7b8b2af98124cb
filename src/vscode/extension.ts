import * as vscode from 'vscode';
import { HouseStyleContext } from './context';
import { registerCommands } from './commands';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';

/** Wires the editor surfaces; heavy modules (LanceDB, transformers.js) load on first use, not here. */
export function activate(extension: vscode.ExtensionContext): void {
  const ctx = new HouseStyleContext(extension);
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  ctx.push(vscode.window.registerWebviewViewProvider(KnowledgeViewProvider.viewType, new KnowledgeViewProvider(ctx)));
}

export function deactivate(): void {}
