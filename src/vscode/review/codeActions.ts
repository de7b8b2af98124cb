import * as vscode from 'vscode';
import type { Finding } from '../../core/review/finding';
import { citationLocation, DIAGNOSTIC_SOURCE, findingRange, isDiagnosticOf, type LineLength } from './diagnostics';
import { lineLengthOf, type FindingsStore } from './findingsStore';

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

/** Offers each shown finding's actions on its diagnostic. */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly findings: FindingsStore) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)
      .flatMap((diagnostic) => {
        const found = this.findings.find(document.uri, (finding) => isDiagnosticOf(diagnostic, finding));
        return found ? codeActionsFor(document.uri, diagnostic, found.shown.finding, found.folder.uri, lineLengthOf(document)) : [];
      });
  }
}
