import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { HouseStyleContext } from './context';
import { ChatViewProvider } from './chat/chatView';
import { KnowledgeTreeProvider } from './knowledge/knowledgeTree';
import { SourceWatcher } from './knowledge/sourceWatcher';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';
import { ModelsTreeProvider } from './models/modelsTree';
import { LastTextEditor } from './lastTextEditor';
import { FindingCodeActions } from './review/codeActions';
import { FindingsStore } from './review/findingsStore';
import { ReviewRunner } from './review/reviewRunner';
import { SaveReviews } from './review/saveReviews';
import { AdvicePreview } from './models/advicePreview';
import { showCurrentRoute } from './models/currentRoute';
import { createStatusBar } from './statusBar';

/** Wires the editor surfaces; heavy modules (LanceDB, transformers.js) load on first use, not here. */
export function activate(extension: vscode.ExtensionContext): void {
  const ctx = new HouseStyleContext(extension);
  extension.subscriptions.push(ctx);
  const findings = new FindingsStore(extension.workspaceState);
  const reviews = new ReviewRunner(ctx, findings);
  const saves = new SaveReviews(ctx, reviews);
  const knowledgeTree = new KnowledgeTreeProvider(ctx);
  const sourceWatcher = new SourceWatcher(ctx);
  const modelsTree = new ModelsTreeProvider(ctx);
  const editors = new LastTextEditor();
  const chat = new ChatViewProvider(ctx);
  const advice = new AdvicePreview();
  // One answer to "which model reviews next", read again wherever it shows whenever it may have changed.
  const modelsChanged = (): void => {
    modelsTree.refresh();
    chat.optionsChanged();
    void showCurrentRoute(ctx);
  };
  ctx.push(
    editors,
    advice,
    findings,
    reviews,
    saves,
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FindingCodeActions(findings), FindingCodeActions.metadata),
    vscode.workspace.onDidSaveTextDocument((document) => saves.saved(document)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('housestyle')) return;
      ctx.settingsChanged();
      knowledgeTree.refresh();
      modelsChanged();
      void sourceWatcher.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      knowledgeTree.refresh();
      modelsTree.refresh();
      void sourceWatcher.restart();
    }),
    sourceWatcher,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerWebviewViewProvider(KnowledgeViewProvider.viewType, new KnowledgeViewProvider(ctx)),
    knowledgeTree,
    vscode.window.registerTreeDataProvider(KnowledgeTreeProvider.viewType, knowledgeTree),
    modelsTree,
    vscode.window.registerTreeDataProvider(ModelsTreeProvider.viewType, modelsTree),
    ctx.activity.onChange(finishedIndexing(() => knowledgeTree.refresh())),
    ctx.activity.onChange(ollamaChanged(() => modelsTree.refresh())),
    createStatusBar(ctx.activity),
  );
  void findings.restore();
  registerCommands(ctx, { findings, reviews, editors, advice, modelsChanged, openChat: () => chat.open() });
  void sourceWatcher.restart();
}

export function deactivate(): void {}

/** Calls `then` each time an index run (on its own, or inside a review) ends. */
function finishedIndexing(then: () => void): (state: { tasks: { kind: string }[] }) => void {
  let running = 0;
  return (state) => {
    const now = state.tasks.filter((task) => task.kind === 'indexing' || task.kind === 'reviewing').length;
    if (now < running) then();
    running = now;
  };
}

/** Calls `then` when Ollama's reachability as last seen changes, so the Models tree never contradicts the status bar. */
function ollamaChanged(then: () => void): (state: { ollama: string }) => void {
  let last: string | undefined;
  return (state) => {
    if (last !== undefined && state.ollama !== last) then();
    last = state.ollama;
  };
}
