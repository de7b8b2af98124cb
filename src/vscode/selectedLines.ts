import type * as vscode from 'vscode';

/** The 1-based, inclusive lines a selection covers; one that ends at the start of a line does not include that line. */
export function selectedLines(selection: vscode.Selection): { startLine: number; endLine: number } {
  const { start, end } = selection;
  return { startLine: start.line + 1, endLine: end.character === 0 && end.line > start.line ? end.line : end.line + 1 };
}
