import * as path from 'node:path';
import * as vscode from 'vscode';
import { CARD_FILE, counted } from '../core/service/frontEndHelpers';
import type { FormatName } from '../core/dataset/exporters/datasetFormat';
import type { WorkspaceCommand } from './command';
import { isCancellation } from '../core/errors';
import { editorText } from './fixSteps';
import { withEditorProgress } from './progress';
import { stepDone } from './walkthroughSteps';

const TITLE = 'House Style: Build Fine-Tuning Dataset';

const FORMATS: (vscode.QuickPickItem & { format: FormatName })[] = [
  { label: 'OpenAI chat JSONL', description: 'openai', detail: '{"messages": [...]}; preference pairs in OpenAI\'s DPO shape', format: 'openai' },
  { label: 'ShareGPT', description: 'sharegpt', detail: '{"conversations": [...]}; preference pairs as LLaMA-Factory reads them', format: 'sharegpt' },
  { label: 'Alpaca', description: 'alpaca', detail: '{"instruction", "input", "output"}; preference pairs with chosen and rejected', format: 'alpaca' },
];

/** Asks for review-comment exports only when the user says there are some; undefined means cancelled. */
async function pickCommentExports(workspace: vscode.Uri): Promise<string[] | undefined> {
  const historyOnly = { label: 'Git history and the feedback log', detail: 'Review follow-ups, merged pull-request branches, review notes, accepted and dismissed findings' };
  const withExports = { label: 'Also pull-request review comments…', detail: 'JSON exports of GitHub review comments or GitLab discussions' };
  const choice = await vscode.window.showQuickPick([historyOnly, withExports], { title: TITLE, placeHolder: 'What to build from', ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice === historyOnly) return [];
  const files = await vscode.window.showOpenDialog({ title: TITLE, defaultUri: workspace, canSelectMany: true, filters: { JSON: ['json'] }, openLabel: 'Import these exports' });
  return files?.map((file) => file.fsPath);
}

/**
 * "House Style: Build Fine-Tuning Dataset": asks where and in which format, builds with a cancellable
 * progress notification, then opens the dataset card. Trusted workspaces only: it reads the history and
 * writes files.
 */
export const buildDatasetCommand: WorkspaceCommand = {
  needs: 'trust',
  run: (ctx) => async ({ folder, service }) => {
    const workspace = folder.uri.fsPath;

    const out = await vscode.window.showInputBox({
      title: TITLE,
      prompt: 'Output folder, relative to the workspace. Files an earlier build wrote there are replaced once the new one is complete; other files are kept.',
      value: path.relative(workspace, service.defaultDatasetFolder()),
      validateInput: (value) => (value.trim() ? undefined : 'Enter a folder.'),
      // A click elsewhere (the walkthrough beside it, a file) keeps the answers so far; only Escape cancels.
      ignoreFocusOut: true,
    });
    if (out === undefined) return;
    const format = await vscode.window.showQuickPick(FORMATS, { title: TITLE, placeHolder: 'Training file format', ignoreFocusOut: true });
    if (!format) return;
    const comments = await pickCommentExports(folder.uri);
    if (!comments) return;

    const report = await withEditorProgress(ctx.activity, { kind: 'building-dataset', label: out.trim() }, { title: 'House Style: building the fine-tuning dataset' }, (progress, signal) =>
      service.buildDataset({ comments, out: path.resolve(workspace, out.trim()), format: format.format, signal, progress }),
    )
      .then(undefined, (error: unknown) => {
        if (!isCancellation(error)) throw error;
        void vscode.window.showInformationMessage(`House Style: ${editorText(error)}`);
        return undefined;
      });
    if (!report) return;
    stepDone('dataset');

    const card = vscode.Uri.file(path.join(report.out, CARD_FILE));
    await vscode.commands.executeCommand('markdown.showPreview', card).then(undefined, () => vscode.window.showTextDocument(card));
    const summary = `Dataset written: ${counted(report.samples.total, 'sample')} (train ${report.samples.bySplit.train}, validation ${report.samples.bySplit.validation}, test ${report.samples.bySplit.test}), ${counted(report.preferencePairs.total, 'preference pair')}.`;
    ctx.logger.info(summary);
    const shown = report.warnings.length > 0 ? await vscode.window.showWarningMessage(`House Style: ${summary} ${counted(report.warnings.length, 'warning')}.`, 'Show Warnings') : await vscode.window.showInformationMessage(`House Style: ${summary}`);
    if (shown) ctx.output.show();
  },
};
