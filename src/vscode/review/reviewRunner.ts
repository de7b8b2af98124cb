import * as vscode from 'vscode';
import { HouseStyleError } from '../../core/errors';
import type { LineRange } from '../../core/lineRange';
import type { ReviewResult } from '../../core/review/reviewer';
import type { ReviewScope } from '../../core/service/workspaceService';
import type { HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { stepDone } from '../walkthroughSteps';
import type { FindingsStore } from './findingsStore';

/**
 * Runs reviews from the editor through the core session: one review per file (or per folder's changes) at a
 * time, the newest cancelling the one still running; findings go to the store, failures to the presenter.
 */
export class ReviewRunner implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly ctx: HouseStyleContext,
    private readonly findings: FindingsStore,
  ) {}

  /** Reviews a document (or its selected lines); `background` reviews (on save) show progress in the status bar only. */
  async reviewDocument(document: vscode.TextDocument, selection?: LineRange, background = false): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) throw new HouseStyleError(`${vscode.workspace.asRelativePath(document.uri)} is not in an open folder.`, 'Open the folder that holds it, so its rules can be found.', 'usage');
    const text = document.getText();
    const relative = vscode.workspace.asRelativePath(document.uri, false);
    const title = `House Style: reviewing ${relative}${selection ? ` (lines ${selection.startLine}-${selection.endLine})` : ''}`;
    const location = background ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    const result = await this.run(folder, document.uri.toString(), relative, title, location, { file: document.uri.fsPath, text, ...(selection && { selection }) }, background);
    if (!result) {
      this.findings.markStale(document.uri);
      return;
    }
    const shown = this.findings.show(folder, document, result.findings, result.model, selection);
    if (!background) this.announce(result, shown);
  }

  async reviewChanges(folder: vscode.WorkspaceFolder): Promise<void> {
    const result = await this.run(folder, `changes:${folder.uri}`, 'changes', 'House Style: reviewing changes', vscode.ProgressLocation.Notification, { diff: undefined });
    if (!result) return;
    // Every reviewed file's findings are replaced, so a fixed file loses its old diagnostics too.
    let shown = 0;
    for (const file of result.paths) {
      const uri = vscode.Uri.joinPath(folder.uri, ...file.split('/'));
      if (!this.findings.has(uri) && !result.findings.some((finding) => finding.path === file)) continue;
      const document = await vscode.workspace.openTextDocument(uri);
      shown += this.findings.show(folder, document, result.findings.filter((finding) => finding.path === file), result.model);
    }
    this.announce(result, shown);
  }

  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  /** Trust, the folder's service (rules up to date, model checked), progress with cancellation; failures shown once. */
  private async run(folder: vscode.WorkspaceFolder, key: string, label: string, title: string, location: vscode.ProgressLocation, scope: ReviewScope, background = false): Promise<ReviewResult | undefined> {
    this.running.get(key)?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    try {
      const { service } = await this.ctx.workspace('trust', folder);
      const describe = (phase: string, done: number, total?: number) => (phase.startsWith('Index') ? 'updating the knowledge base' : total ? `window ${Math.min(done + 1, total)} of ${total}` : 'reviewing');
      const outcome = await withEditorProgress(this.ctx.activity, { kind: 'reviewing', label }, { title, location, describe }, (progress, cancelled) =>
        service.review({ scope, progress, signal: AbortSignal.any([controller.signal, cancelled]) }),
      );
      // Without rulesOnly or fallbackToRules a review runs or fails.
      if (outcome.kind !== 'findings') return undefined;
      const { result } = outcome;
      this.ctx.errors.succeeded();
      stepDone('review');
      return result;
    } catch (error) {
      await this.ctx.errors.present(error, { background });
      return undefined;
    } finally {
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  private announce(result: ReviewResult, shown: number): void {
    const noRules = result.windowsWithoutRules === result.windows && result.windows > 0 ? ' No rule in the knowledge base applies to this code.' : '';
    const dismissed = result.findings.length - shown;
    this.ctx.logger.info(`Review by ${result.model}: ${result.findings.length} findings (${dismissed} dismissed before), ${result.metrics.calls} calls, ${result.prompt.tokens} prompt tokens (estimated), dropped ${JSON.stringify(result.dropped)}.`);
    const found = shown === 0 ? 'no findings' : `${shown} finding${shown === 1 ? '' : 's'} in the Problems panel`;
    void vscode.window.showInformationMessage(`House Style: ${found}${dismissed > 0 ? ` (${dismissed} dismissed earlier, not shown)` : ''}.${noRules}`);
  }
}
