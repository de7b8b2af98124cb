import * as vscode from 'vscode';
import { HouseStyleContext } from './context';
import { registerCommands } from './commands';

/** Wires the editor surfaces; heavy modules (LanceDB, transformers.js) load on first use, not here. */
export function activate(extension: vscode.ExtensionContext): void {
  const ctx = new HouseStyleContext(extension);
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
}

export function deactivate(): void {}
