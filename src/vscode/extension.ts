import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { HouseStyleContext } from './context';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';
import { FindingCodeActions } from './review/codeActions';
import { FindingsStore } from './review/findingsStore';
import { ReviewRunner } from './review/reviewRunner';
import { SaveReviews } from './review/saveReviews';

/** Wires the editor surfaces; heavy modules (LanceDB, transformers.js) load on first use, not here. */
export function activate(extension: vscode.ExtensionContext): void {
  const ctx = new HouseStyleContext(extension);
  extension.subscriptions.push(ctx);
  const findings = new FindingsStore(extension.workspaceState);
  const reviews = new ReviewRunner(ctx, findings);
  const saves = new SaveReviews(ctx, reviews);
  ctx.push(
    findings,
    reviews,
    saves,
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FindingCodeActions(findings), FindingCodeActions.metadata),
    vscode.workspace.onDidSaveTextDocument((document) => saves.saved(document)),
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('housestyle') && ctx.settingsChanged()),
    vscode.window.registerWebviewViewProvider(KnowledgeViewProvider.viewType, new KnowledgeViewProvider(ctx)),
  );
  registerCommands(ctx, { findings, reviews });
}

export function deactivate(): void {}
