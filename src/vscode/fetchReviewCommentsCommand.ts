import * as vscode from 'vscode';
import { isCancellation } from '../core/errors';
import { editorText } from './fixSteps';
import { fetchProgressText } from '../core/service/frontEndHelpers';
import type { WorkspaceCommand } from './command';
import { withEditorProgress } from './progress';

const TITLE = 'House Style: Fetch Review Comments';

/**
 * "House Style: Fetch Review Comments": asks which forge repository (the git remote's by default), then fetches
 * with a cancellable progress notification into the cache that Build Fine-Tuning Dataset reads. Trusted
 * workspaces only: it calls the forge and writes files.
 */
export const fetchReviewCommentsCommand: WorkspaceCommand = {
  needs: 'trust',
  run: (ctx) => async ({ service }) => {
    const target = await vscode.window.showInputBox({ title: TITLE, prompt: 'github:OWNER/REPO or gitlab:GROUP/PROJECT; leave empty for the repository the git remote points at.', placeHolder: 'github:owner/repo' });
    if (target === undefined) return;
    const report = await withEditorProgress(ctx.activity, { kind: 'fetching-comments', label: target.trim() || 'git remote' }, { title: 'House Style: fetching review comments', describe: (phase, done, total) => `${done}/${total} ${phase}` }, (progress, signal) =>
      service.fetchReviewComments({ ...(target.trim() && { target: target.trim() }), signal, onProgress: (p) => progress.report(fetchProgressText(p), p.done, p.total) }),
    ).then(undefined, (error: unknown) => {
      if (!isCancellation(error)) throw error;
      void vscode.window.showInformationMessage(`House Style: ${editorText(error)}`);
      return undefined;
    });
    if (!report) return;
    void vscode.window.showInformationMessage(`House Style: ${report.totals.comments} review comments from ${report.source} cached (${report.fetched} pull requests fetched, ${report.unchanged} unchanged); Build Fine-Tuning Dataset reads them.`);
  },
};
