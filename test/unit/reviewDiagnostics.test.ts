import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import type { Finding } from '../../src/core/review/finding';
import type { Range as VsRange, Uri as VsUri } from 'vscode';

// `vscode` exists only inside the editor: the stand-in provides its value types (see vscodeStandIn.ts).
register('../support/vscodeLoader.ts', import.meta.url);
const vscode = await import('vscode');
const { toDiagnostic, isDiagnosticOf, DIAGNOSTIC_SOURCE } = await import('../../src/vscode/review/diagnostics');
const { codeActionsFor, APPLIED_COMMAND, DISMISS_COMMAND } = await import('../../src/vscode/review/codeActions');

const folder = vscode.Uri.file('/work/acme');
const document = vscode.Uri.joinPath(folder, 'src', 'users.ts');
const lines = ['export function load_user(id: string) {', '  try {', '    return fetchUser(id);', '  } catch (e) {}', '}'];
const lineLength = (line: number) => lines[line]!.length;
const naming = { id: 'c1', kb: 'style', source: 'docs/style guide.md', startLine: 3, endLine: 5, heading: 'Style guide > Naming' };
const errors = { id: 'c2', kb: 'style', source: 'CONTRIBUTING.md', startLine: 20, endLine: 22, heading: '' };
const finding: Finding = {
  path: 'src/users.ts', rule: 'camelCase function names', severity: 'warning', startLine: 1, endLine: 1,
  message: 'Rename load_user to loadUser.', replacement: 'export function loadUser(id: string) {\n', citations: [naming, errors],
};

test('a finding becomes a diagnostic over its whole lines, with the severity asked and the rule linking to the cited passage', () => {
  const diagnostic = toDiagnostic(finding, folder, lineLength);
  assert.ok(diagnostic instanceof vscode.Diagnostic);
  assert.equal(diagnostic.source, DIAGNOSTIC_SOURCE);
  assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
  assert.ok(diagnostic.range.isEqual(new vscode.Range(0, 0, 0, lines[0]!.length)));
  const code = diagnostic.code as { value: string; target: VsUri };
  assert.equal(code.value, 'camelCase function names');
  assert.equal(code.target.toString(), 'file:///work/acme/docs/style%20guide.md#L3-L5');

  assert.deepEqual(
    diagnostic.relatedInformation!.map((info) => [info.location.uri.fsPath, info.location.range.start.line, info.location.range.end.line, info.message]),
    [
      ['/work/acme/docs/style guide.md', 2, 5, 'Style guide > Naming (docs/style guide.md:3-5)'],
      ['/work/acme/CONTRIBUTING.md', 19, 22, 'Rule (CONTRIBUTING.md:20-22)'],
    ],
  );
  for (const [severity, expected] of [['error', vscode.DiagnosticSeverity.Error], ['info', vscode.DiagnosticSeverity.Information], ['hint', vscode.DiagnosticSeverity.Hint]] as const) {
    assert.equal(toDiagnostic({ ...finding, severity }, folder, lineLength).severity, expected);
  }
});

test('a copy of the diagnostic (as code actions receive it) is matched back to its finding, and no other', () => {
  const diagnostic = toDiagnostic(finding, folder, lineLength);
  const copy = new vscode.Diagnostic(diagnostic.range, diagnostic.message, diagnostic.severity);
  copy.source = diagnostic.source;
  copy.code = diagnostic.code;
  assert.ok(isDiagnosticOf(copy, finding));
  assert.ok(!isDiagnosticOf(copy, { ...finding, startLine: 2, endLine: 2 }));
  assert.ok(!isDiagnosticOf(copy, { ...finding, rule: 'another rule' }));
});

test('code actions: apply the replacement (preferred, recorded), open each cited rule, dismiss (recorded)', () => {
  const diagnostic = toDiagnostic(finding, folder, lineLength);
  const actions = codeActionsFor(document, diagnostic, finding, folder, lineLength);
  assert.deepEqual(actions.map((a) => a.title), [
    'Apply suggested fix: camelCase function names',
    'Open rule: Style guide > Naming (docs/style guide.md:3-5)',
    'Open rule: CONTRIBUTING.md (CONTRIBUTING.md:20-22)',
    'Dismiss: camelCase function names',
  ]);
  for (const action of actions) {
    assert.ok(vscode.CodeActionKind.QuickFix.contains(action.kind!));
    assert.deepEqual(action.diagnostics, [diagnostic]);
  }

  const [apply, open, , dismiss] = actions;
  assert.equal(apply!.isPreferred, true);
  const [[uri, edits]] = apply!.edit!.entries() as [[VsUri, { range: VsRange; newText: string }[]]];
  assert.equal(uri.toString(), document.toString());
  assert.equal(edits.length, 1);
  assert.ok(edits[0]!.range.isEqual(new vscode.Range(0, 0, 0, lines[0]!.length)), 'replaces the whole line, keeping its line break');
  assert.equal(edits[0]!.newText, 'export function loadUser(id: string) {');
  assert.deepEqual(apply!.command!.command, APPLIED_COMMAND);
  assert.deepEqual(apply!.command!.arguments, [document, finding]);

  const [target, options] = open!.command!.arguments as [VsUri, { selection: VsRange }];
  assert.equal(open!.command!.command, 'vscode.open');
  assert.equal(target.fsPath, '/work/acme/docs/style guide.md');
  assert.deepEqual([options.selection.start.line, options.selection.end.line], [2, 5]);

  assert.equal(dismiss!.command!.command, DISMISS_COMMAND);
  assert.equal(dismiss!.isPreferred, undefined);
});

test('without a replacement there is no fix to apply', () => {
  const { replacement: _unused, ...plain } = finding;
  const actions = codeActionsFor(document, toDiagnostic(plain, folder, lineLength), plain, folder, lineLength);
  assert.ok(actions.every((a) => a.edit === undefined && !a.isPreferred));
  assert.equal(actions.length, 3);
});
