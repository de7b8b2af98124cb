import * as vscode from 'vscode';
import type { Severity } from '../../core/config';
import type { Citation, Finding } from '../../core/review/finding';

export const DIAGNOSTIC_SOURCE = 'House Style';

/** Length of a 0-based line of the reviewed document, so a diagnostic underlines whole lines. */
export type LineLength = (line: number) => number;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** The cited rule file, with the passage's lines as a `#L10-L14` fragment (what editors and hosts link to). */
export function citationUri(folder: vscode.Uri, citation: Citation): vscode.Uri {
  return vscode.Uri.joinPath(folder, ...citation.source.split('/')).with({ fragment: `L${citation.startLine}-L${citation.endLine}` });
}

/** The cited lines, whole: the range ends at the start of the line after the last one, so that line is selected too. */
export function citationLocation(folder: vscode.Uri, citation: Citation): vscode.Location {
  return new vscode.Location(vscode.Uri.joinPath(folder, ...citation.source.split('/')), new vscode.Range(citation.startLine - 1, 0, citation.endLine, 0));
}

/** The finding's whole lines (1-based in the finding, 0-based in the editor). */
export function findingRange(finding: Pick<Finding, 'startLine' | 'endLine'>, lineLength: LineLength): vscode.Range {
  return new vscode.Range(finding.startLine - 1, 0, finding.endLine - 1, lineLength(finding.endLine - 1));
}

/**
 * A finding as a Problems-panel entry: severity as the model rated it, the rule as the code linking to
 * the cited passage, and every citation as related information that opens the rule's lines.
 */
export function toDiagnostic(finding: Finding, folder: vscode.Uri, lineLength: LineLength): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(findingRange(finding, lineLength), diagnosticMessage(finding), SEVERITY[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  const [first] = finding.citations;
  diagnostic.code = first ? { value: finding.rule, target: citationUri(folder, first) } : finding.rule;
  diagnostic.relatedInformation = finding.citations.map(
    (citation) => new vscode.DiagnosticRelatedInformation(citationLocation(folder, citation), `${citation.heading || 'Rule'} (${citation.source}:${citation.startLine}-${citation.endLine})`),
  );
  return diagnostic;
}

/** The finding's message; one that rests on no passage (the fine-tuned route cites none) says so. */
function diagnosticMessage(finding: Finding): string {
  return finding.citations.length > 0 ? finding.message : `${finding.message} (no cited source)`;
}

/** True when the diagnostic is the one made from this finding (code actions receive copies, not the originals). */
export function isDiagnosticOf(diagnostic: vscode.Diagnostic, finding: Finding): boolean {
  const code = diagnostic.code;
  const rule = typeof code === 'object' ? code.value : code;
  return (
    diagnostic.source === DIAGNOSTIC_SOURCE &&
    diagnostic.range.start.line === finding.startLine - 1 &&
    diagnostic.range.end.line === finding.endLine - 1 &&
    diagnostic.message === diagnosticMessage(finding) &&
    rule === finding.rule
  );
}
