import * as vscode from 'vscode';
import type { Config } from '../../core/config';
import { describeError, HouseStyleError } from '../../core/errors';
import { appendFeedback } from '../../core/dataset/feedbackLog';
import { feedbackEntry } from '../../core/review/feedbackEntry';
import type { Finding } from '../../core/review/finding';
import { moveAfterFix } from '../../core/review/shiftFindings';
import type { ReviewOptions, ReviewResult } from '../../core/review/reviewer';
import type { HouseStyleContext } from '../context';
import { editorProgress } from '../progress';
import { requireFolder, requireTrust } from '../trust';
import { codeActionsFor } from './codeActions';
import { DIAGNOSTIC_SOURCE, isDiagnosticOf, toDiagnostic, type LineLength } from './diagnostics';

/** A shown finding, with what the feedback log needs later: the code as it was reviewed and the model. */
interface ShownFinding {
  finding: Finding;
  code: string;
  model: string;
}

interface FileFindings {
  folder: vscode.WorkspaceFolder;
  shown: ShownFinding[];
}

const SAVE_DEBOUNCE_MS = 750;

/**
 * Runs reviews from the editor and shows their findings: diagnostics in the Problems panel, code
 * actions on them, optional review on save. One review per file at a time: a new one cancels the last.
 */
export class ReviewController implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('housestyle');
  private readonly files = new Map<string, FileFindings>();
  private readonly running = new Map<string, AbortController>();
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  /** The last error shown, so a failing review on every save does not repeat the same message. */
  private lastError: string | undefined;

  constructor(private readonly ctx: HouseStyleContext) {
    ctx.push(
      this,
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.workspace.onDidSaveTextDocument((document) => this.scheduleSaveReview(document)),
    );
  }

  async reviewActiveFile(): Promise<void> {
    const editor = requireEditor();
    await this.reviewDocument(editor.document);
  }

  async reviewActiveSelection(): Promise<void> {
    const editor = requireEditor();
    const { start, end } = editor.selection;
    if (editor.selection.isEmpty) throw new HouseStyleError('Nothing is selected.', 'Select the lines to review, or use "House Style: Review Current File".', 'usage');
    // A selection that ends at the start of a line does not include that line.
    const endLine = end.character === 0 && end.line > start.line ? end.line : end.line + 1;
    await this.reviewDocument(editor.document, { startLine: start.line + 1, endLine });
  }

  async reviewChanges(): Promise<void> {
    const folder = requireFolder(this.ctx.workspaceFolder);
    const result = await this.run(folder, `changes:${folder.uri}`, 'House Style: reviewing changes', vscode.ProgressLocation.Notification, async (options) => {
      const { reviewDiff } = await import('../../core/review/reviewer');
      return reviewDiff(options);
    });
    if (!result) return;
    // Every reviewed file's findings are replaced, so a fixed file loses its old diagnostics too.
    for (const file of result.paths) {
      const uri = vscode.Uri.joinPath(folder.uri, ...file.split('/'));
      if (!this.files.has(uri.toString()) && !result.findings.some((finding) => finding.path === file)) continue;
      const document = await vscode.workspace.openTextDocument(uri);
      this.show(folder, document, result.findings.filter((finding) => finding.path === file), result.model);
    }
    this.announce(result);
  }

  clear(): void {
    this.diagnostics.clear();
    this.files.clear();
  }

  /**
   * Records the verdict in the feedback log and takes the finding off the Problems panel; after an applied
   * fix, the file's other findings follow the lines that moved.
   */
  async resolve(uri: vscode.Uri, finding: Finding, verdict: 'accepted' | 'dismissed'): Promise<void> {
    const entry = this.files.get(uri.toString());
    const shown = entry?.shown.find((s) => sameFinding(s.finding, finding));
    if (!entry || !shown) return;
    entry.shown = entry.shown.flatMap((s) => {
      if (s === shown) return [];
      const moved = verdict === 'accepted' ? moveAfterFix(s.finding, shown.finding) : s.finding;
      return moved ? [{ ...s, finding: moved }] : [];
    });
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const lineLength = document ? lineLengthOf(document) : () => 0;
    this.diagnostics.set(
      uri,
      entry.shown.map((s) => toDiagnostic(s.finding, entry.folder.uri, lineLength)),
    );
    await appendFeedback(entry.folder.uri.fsPath, feedbackEntry(verdict, shown.finding, shown.code, shown.model));
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entry = this.files.get(document.uri.toString());
    if (!entry) return [];
    return context.diagnostics
      .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)
      .flatMap((diagnostic) => {
        const shown = entry.shown.find((s) => isDiagnosticOf(diagnostic, s.finding));
        return shown ? codeActionsFor(document.uri, diagnostic, shown.finding, entry.folder.uri, lineLengthOf(document)) : [];
      });
  }

  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    for (const timer of this.saveTimers.values()) clearTimeout(timer);
    this.diagnostics.dispose();
  }

  private async reviewDocument(document: vscode.TextDocument, selection?: { startLine: number; endLine: number }, background = false): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) throw new HouseStyleError(`${vscode.workspace.asRelativePath(document.uri)} is not in an open folder.`, 'Open the folder that holds it, so its rules can be found.', 'usage');
    const text = document.getText();
    const title = `House Style: reviewing ${vscode.workspace.asRelativePath(document.uri, false)}${selection ? ` (lines ${selection.startLine}-${selection.endLine})` : ''}`;
    const location = background ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    const result = await this.run(folder, document.uri.toString(), title, location, async (options) => {
      const { reviewFile, reviewSelection } = await import('../../core/review/reviewer');
      return selection ? reviewSelection(options, document.uri.fsPath, text, selection.startLine, selection.endLine) : reviewFile(options, document.uri.fsPath, text);
    });
    if (!result) return;
    this.show(folder, document, result.findings, result.model, selection);
    if (!background) this.announce(result);
  }

  /**
   * The common part of every review: trust, settings, an incremental index run so rules are current,
   * progress with cancellation, and errors shown once with the action that fixes them.
   */
  private async run(
    folder: vscode.WorkspaceFolder,
    key: string,
    title: string,
    location: vscode.ProgressLocation,
    review: (options: ReviewOptions) => Promise<ReviewResult>,
  ): Promise<ReviewResult | undefined> {
    this.running.get(key)?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    let config: Config | undefined;
    try {
      requireTrust();
      config = await this.ctx.config(folder);
      const settings = config;
      const result = await vscode.window.withProgress({ location, title, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        const { indexKnowledgeBase } = await import('../../core/knowledge/indexer');
        const { OllamaClient } = await import('../../core/models/ollama/client');
        progress.report({ message: 'updating the knowledge base' });
        const report = await indexKnowledgeBase({ workspace: folder.uri.fsPath, config: settings, extensionRoot: this.ctx.extension.extensionPath, logger: this.ctx.logger, signal: controller.signal });
        if (report.updated + report.removed > 0) this.ctx.knowledge.invalidate();
        const knowledgeBase = await this.ctx.knowledge.get(folder, settings);
        return review({
          workspace: folder.uri.fsPath,
          config: settings,
          knowledgeBase,
          client: OllamaClient.fromConfig(settings),
          logger: this.ctx.logger,
          signal: controller.signal,
          progress: editorProgress(progress, (_phase, done, total) => (total ? `window ${Math.min(done + 1, total)} of ${total}` : 'reviewing')),
        });
      });
      this.lastError = undefined;
      return result;
    } catch (error) {
      await this.showError(error, folder, config);
      return undefined;
    } finally {
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  /** Replaces the findings of the reviewed lines (the whole file, or the selection) with the new ones. */
  private show(folder: vscode.WorkspaceFolder, document: vscode.TextDocument, findings: Finding[], model: string, selection?: { startLine: number; endLine: number }): void {
    const key = document.uri.toString();
    const inReview = (f: Finding) => !selection || (f.startLine >= selection.startLine && f.endLine <= selection.endLine);
    const kept = (this.files.get(key)?.shown ?? []).filter((s) => !inReview(s.finding));
    const added = findings.map((finding) => ({
      finding,
      model,
      code: Array.from({ length: finding.endLine - finding.startLine + 1 }, (_, i) => lineText(document, finding.startLine - 1 + i)).join('\n'),
    }));
    const shown = [...kept, ...added];
    this.files.set(key, { folder, shown });
    const lineLength = lineLengthOf(document);
    this.diagnostics.set(
      document.uri,
      shown.map((s) => toDiagnostic(s.finding, folder.uri, lineLength)),
    );
  }

  private announce(result: ReviewResult): void {
    const found = result.findings.length;
    const noRules = result.windowsWithoutRules === result.windows && result.windows > 0 ? ' No rule in the knowledge base applies to this code.' : '';
    this.ctx.logger.info(`Review by ${result.model}: ${found} findings, ${result.metrics.calls} calls, ${result.prompt.tokens} prompt tokens (estimated), dropped ${JSON.stringify(result.dropped)}.`);
    void vscode.window.showInformationMessage(`House Style: ${found === 0 ? 'no findings' : `${found} finding${found === 1 ? '' : 's'} in the Problems panel`}.${noRules}`);
  }

  private scheduleSaveReview(document: vscode.TextDocument): void {
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder || !vscode.workspace.getConfiguration('housestyle', folder.uri).get<boolean>('review.onSave')) return;
    if (vscode.workspace.asRelativePath(document.uri, false).startsWith('.housestyle/')) return;
    const key = document.uri.toString();
    clearTimeout(this.saveTimers.get(key));
    this.saveTimers.set(
      key,
      setTimeout(() => {
        this.saveTimers.delete(key);
        void this.reviewDocument(document, undefined, true).catch((error: unknown) => this.ctx.logger.warn(describeError(error)));
      }, SAVE_DEBOUNCE_MS),
    );
  }

  private async showError(error: unknown, folder: vscode.WorkspaceFolder, config: Config | undefined): Promise<void> {
    if (error instanceof HouseStyleError && error.code === 'cancelled') return;
    this.ctx.output.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const message = describeError(error);
    if (message === this.lastError) return;
    this.lastError = message;
    const code = error instanceof HouseStyleError ? error.code : 'bug';
    const actions =
      code === 'model-not-found' && config ? ['Pull Model', 'Open Settings'] : code.startsWith('ollama') || code === 'model-too-large' || code === 'config' ? ['Open Settings'] : code === 'untrusted' ? ['Manage Workspace Trust'] : ['Show Log'];
    const choice = await vscode.window.showErrorMessage(`House Style: ${message}`, ...actions);
    if (choice === 'Pull Model' && config) await this.pullModel(folder, config);
    else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'housestyle.ollama');
    else if (choice === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    else if (choice === 'Show Log') this.ctx.output.show();
  }

  private async pullModel(folder: vscode.WorkspaceFolder, config: Config): Promise<void> {
    const { OllamaClient } = await import('../../core/models/ollama/client');
    const client = OllamaClient.fromConfig(config);
    const model = config.ollama.model;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `House Style: pulling ${model}`, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        await client.pull(
          model,
          (status, completed, total) => {
            const percent = total ? Math.floor(((completed ?? 0) / total) * 100) : reported;
            progress.report({ message: total ? `${status} (${percent}%)` : status, increment: Math.max(0, percent - reported) });
            reported = percent;
          },
          controller.signal,
        );
      });
    } catch (error) {
      this.lastError = undefined;
      await this.showError(error, folder, undefined);
      return;
    }
    this.lastError = undefined;
    void vscode.window.showInformationMessage(`House Style: ${model} is ready; run the review again.`);
  }
}

function requireEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new HouseStyleError('No file is open in the editor.', 'Open the file to review first.', 'usage');
  return editor;
}

function lineText(document: vscode.TextDocument, line: number): string {
  return line < document.lineCount ? document.lineAt(line).text : '';
}

function lineLengthOf(document: vscode.TextDocument): LineLength {
  return (line) => lineText(document, line).length;
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.path === b.path && a.startLine === b.startLine && a.endLine === b.endLine && a.rule === b.rule && a.message === b.message;
}
