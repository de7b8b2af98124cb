import * as vscode from 'vscode';
import { HouseStyleError } from '../../core/errors';
import type { Finding } from '../../core/review/finding';
import type { CommandFactory, WorkspaceCommand } from '../command';
import type { HouseStyleContext } from '../context';
import { selectedLines } from '../selectedLines';
import { APPLIED_COMMAND, DISMISS_COMMAND } from './codeActions';

export const reviewCommands: Record<string, CommandFactory> = {
  'housestyle.reviewFile': (_ctx, { reviews, editors }) => async () => reviews.reviewDocument(await editors.document('review')),
  'housestyle.reviewSelection': (_ctx, { reviews }) => () => {
    const editor = requireEditor();
    if (editor.selection.isEmpty) throw new HouseStyleError('Nothing is selected.', 'Select the lines to review, or use "House Style: Review Current File".', 'usage');
    return reviews.reviewDocument(editor.document, selectedLines(editor.selection));
  },
  'housestyle.clearFindings': (_ctx, { findings }) => () => findings.clear(),
  [APPLIED_COMMAND]: (ctx, { findings }) => (uri, finding) => recordVerdict(ctx, findings, uri as vscode.Uri, finding as Finding, 'accepted'),
  [DISMISS_COMMAND]: (ctx, { findings }) => (uri, finding) => recordVerdict(ctx, findings, uri as vscode.Uri, finding as Finding, 'dismissed'),
};

/** Reviews the open folder's changes; the review itself checks trust, as every review does. */
export const reviewChangesCommand: WorkspaceCommand = { needs: 'folder', run: (_ctx, { reviews }) => ({ folder }) => reviews.reviewChanges(folder) };

/** Takes the finding off the Problems panel and records the verdict in the feedback log (preference data). */
async function recordVerdict(ctx: HouseStyleContext, findings: Parameters<CommandFactory>[1]['findings'], uri: vscode.Uri, finding: Finding, verdict: 'accepted' | 'dismissed'): Promise<void> {
  const resolved = await findings.resolve(uri, finding, verdict);
  if (resolved) await (await ctx.service(resolved.folder)).recordVerdict(verdict, resolved.shown.finding, resolved.shown.code, resolved.shown.model);
}

function requireEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new HouseStyleError('No file is open in the editor.', 'Open the file to review first.', 'usage');
  return editor;
}
