import * as vscode from 'vscode';
import { appendFeedback } from '../../core/dataset/feedbackLog';
import { HouseStyleError } from '../../core/errors';
import { feedbackEntry } from '../../core/review/feedbackEntry';
import type { Finding } from '../../core/review/finding';
import type { CommandFactory } from '../commands';
import { selectedLines } from '../selectedLines';
import { APPLIED_COMMAND, DISMISS_COMMAND } from './codeActions';

export const reviewCommands: Record<string, CommandFactory> = {
  'housestyle.reviewFile': (_ctx, { reviews }) => () => reviews.reviewDocument(requireEditor().document),
  'housestyle.reviewSelection': (_ctx, { reviews }) => () => {
    const editor = requireEditor();
    if (editor.selection.isEmpty) throw new HouseStyleError('Nothing is selected.', 'Select the lines to review, or use "House Style: Review Current File".', 'usage');
    return reviews.reviewDocument(editor.document, selectedLines(editor.selection));
  },
  'housestyle.reviewChanges': (_ctx, { reviews }) => () => reviews.reviewChanges(),
  'housestyle.clearFindings': (_ctx, { findings }) => () => findings.clear(),
  [APPLIED_COMMAND]: (_ctx, { findings }) => (uri, finding) => recordVerdict(findings, uri as vscode.Uri, finding as Finding, 'accepted'),
  [DISMISS_COMMAND]: (_ctx, { findings }) => (uri, finding) => recordVerdict(findings, uri as vscode.Uri, finding as Finding, 'dismissed'),
};

/** Takes the finding off the Problems panel and records the verdict in the feedback log (preference data). */
async function recordVerdict(findings: Parameters<CommandFactory>[1]['findings'], uri: vscode.Uri, finding: Finding, verdict: 'accepted' | 'dismissed'): Promise<void> {
  const resolved = await findings.resolve(uri, finding, verdict);
  if (resolved) await appendFeedback(resolved.folder.uri.fsPath, feedbackEntry(verdict, resolved.shown.finding, resolved.shown.code, resolved.shown.model));
}

function requireEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new HouseStyleError('No file is open in the editor.', 'Open the file to review first.', 'usage');
  return editor;
}
