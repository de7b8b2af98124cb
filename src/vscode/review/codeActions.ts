import * as vscode from 'vscode';
import type { Finding } from '../../core/review/finding';
import { citationLocation, findingRange, type LineLength } from './diagnostics';

/** Internal commands the code actions run (registered in reviewCommands.ts, hidden from the palette). */
export const APPLIED_COMMAND = 'housestyle.findingApplied';
export const DISMISS_COMMAND = 'housestyle.dismissFinding';

/**
 * The actions for one finding's diagnostic: apply the suggested replacement (preferred, recorded as
 * accepted), open each cited rule, and dismiss (recorded as dismissed).
 */
export function codeActionsFor(document: vscode.Uri, diagnostic: vscode.Diagnostic, finding: Finding, folder: vscode.Uri, lineLength: LineLength): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  if (finding.replacement !== undefined) {
    const apply = new vscode.CodeAction(`Apply suggested fix: ${finding.rule}`, vscode.CodeActionKind.QuickFix);
    apply.edit = new vscode.WorkspaceEdit();
    apply.edit.replace(document, findingRange(finding, lineLength), finding.replacement.replace(/\r?\n$/, ''));
    apply.diagnostics = [diagnostic];
    apply.isPreferred = true;
    apply.command = { title: 'Record accepted finding', command: APPLIED_COMMAND, arguments: [document, finding] };
    actions.push(apply);
  }
  for (const citation of finding.citations) {
    const open = new vscode.CodeAction(`Open rule: ${citation.heading || citation.source} (${citation.source}:${citation.startLine}-${citation.endLine})`, vscode.CodeActionKind.QuickFix);
    const location = citationLocation(folder, citation);
    open.command = { title: 'Open rule', command: 'vscode.open', arguments: [location.uri, { selection: location.range, preview: true }] };
    open.diagnostics = [diagnostic];
    actions.push(open);
  }
  const dismiss = new vscode.CodeAction(`Dismiss: ${finding.rule}`, vscode.CodeActionKind.QuickFix);
  dismiss.command = { title: 'Dismiss finding', command: DISMISS_COMMAND, arguments: [document, finding] };
  dismiss.diagnostics = [diagnostic];
  actions.push(dismiss);
  return actions;
}
