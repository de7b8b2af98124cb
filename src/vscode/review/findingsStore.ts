import * as vscode from 'vscode';
import { Dismissals, moveAfterFix, sha256 } from '../../core/service/frontEndHelpers';
import type { Finding } from '../../core/review/finding';
import type { LineRange } from '../../core/lineRange';
import { toDiagnostic, type LineLength } from './diagnostics';

/** A shown finding, with what the feedback log needs later: the code as it was reviewed and the model. */
export interface ShownFinding {
  finding: Finding;
  code: string;
  model: string;
}

interface FileFindings {
  folder: vscode.WorkspaceFolder;
  shown: ShownFinding[];
}

/** A file's findings as kept across reloads: valid only while the file's text hashes the same. */
interface KeptFindings {
  textHash: string;
  shown: ShownFinding[];
}

const DISMISSALS_KEY = 'housestyle.dismissals';
const FINDINGS_KEY = 'housestyle.findings';
const STALE = '(stale: the last review of this file failed) ';

/**
 * The findings on screen: the Problems panel's diagnostics and, for each, what code actions and the
 * feedback log need. Dismissed findings stay away while their file, rule and code are unchanged; the
 * findings themselves survive a window reload while their file's text is the one reviewed (both kept in the
 * workspace's state).
 */
export class FindingsStore implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('housestyle');
  private readonly files = new Map<string, FileFindings>();
  private readonly dismissals: Dismissals;

  constructor(private readonly state: vscode.Memento) {
    this.dismissals = new Dismissals(state.get<string[]>(DISMISSALS_KEY, []), (keys) => state.update(DISMISSALS_KEY, keys));
  }

  /** Shows again what the last window showed, for each file whose text on disk is still the reviewed one; drops the rest. */
  async restore(): Promise<void> {
    const kept = this.state.get<Record<string, KeptFindings>>(FINDINGS_KEY, {});
    for (const [key, { textHash, shown }] of Object.entries(kept)) {
      const uri = vscode.Uri.parse(key);
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const text = await vscode.workspace.fs.readFile(uri).then(
        (bytes) => new TextDecoder().decode(bytes),
        () => undefined,
      );
      if (!folder || text === undefined || sha256(text) !== textHash || this.files.has(key)) continue;
      const lines = text.split('\n');
      this.set(folder, uri, shown, (line) => lines[line]?.length ?? 0);
    }
    await this.persist();
  }

  /** Replaces the findings of the reviewed lines (the whole file, or the selection) with the new ones; returns how many are shown. */
  show(folder: vscode.WorkspaceFolder, document: vscode.TextDocument, findings: Finding[], model: string, selection?: LineRange): number {
    const inReview = (f: Finding) => !selection || (f.startLine >= selection.startLine && f.endLine <= selection.endLine);
    const kept = (this.files.get(document.uri.toString())?.shown ?? []).filter((s) => !inReview(s.finding));
    const added = findings
      .map((finding) => ({ finding, model, code: linesOf(document, finding) }))
      .filter((s) => !this.dismissals.has(s.finding, s.code));
    this.set(folder, document.uri, [...kept, ...added], lineLengthOf(document));
    return added.length;
  }

  /** Marks a file's findings as stale after a failed review, so nobody takes them for the current state. */
  markStale(uri: vscode.Uri): void {
    const entry = this.files.get(uri.toString());
    if (!entry) return;
    const shown = entry.shown.map((s) => (s.finding.message.startsWith(STALE) ? s : { ...s, finding: { ...s.finding, message: STALE + s.finding.message } }));
    this.set(entry.folder, uri, shown, lineLengthAt(uri));
  }

  has(uri: vscode.Uri): boolean {
    return this.files.has(uri.toString());
  }

  /** The shown finding a diagnostic was made from (code actions receive copies of diagnostics). */
  find(uri: vscode.Uri, matches: (finding: Finding) => boolean): { folder: vscode.WorkspaceFolder; shown: ShownFinding } | undefined {
    const entry = this.files.get(uri.toString());
    const shown = entry?.shown.find((s) => matches(s.finding));
    return entry && shown ? { folder: entry.folder, shown } : undefined;
  }

  /**
   * Takes a finding off the Problems panel after the user applied or dismissed it; after an applied fix the
   * file's other findings follow the lines that moved. Returns what was shown, for the feedback log.
   */
  async resolve(uri: vscode.Uri, finding: Finding, verdict: 'accepted' | 'dismissed'): Promise<{ folder: vscode.WorkspaceFolder; shown: ShownFinding } | undefined> {
    const found = this.find(uri, (f) => sameFinding(f, finding));
    if (!found) return undefined;
    const entry = this.files.get(uri.toString())!;
    const rest = entry.shown.flatMap((s) => {
      if (s === found.shown) return [];
      const moved = verdict === 'accepted' ? moveAfterFix(s.finding, found.shown.finding) : s.finding;
      return moved ? [{ ...s, finding: moved }] : [];
    });
    this.set(entry.folder, uri, rest, lineLengthAt(uri));
    if (verdict === 'dismissed') await this.dismissals.add(found.shown.finding, found.shown.code);
    return found;
  }

  clear(): void {
    this.diagnostics.clear();
    this.files.clear();
    void this.persist();
  }

  dispose(): void {
    this.diagnostics.dispose();
  }

  private set(folder: vscode.WorkspaceFolder, uri: vscode.Uri, shown: ShownFinding[], lineLength: LineLength): void {
    this.files.set(uri.toString(), { folder, shown });
    this.diagnostics.set(
      uri,
      shown.map((s) => toDiagnostic(s.finding, folder.uri, lineLength)),
    );
    void this.persist();
  }

  /** Keeps each shown file's findings with the hash of its text as it is now (an open document's, else nothing to check against). */
  private async persist(): Promise<void> {
    const kept: Record<string, KeptFindings> = {};
    for (const [key, { shown }] of this.files) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (document && shown.length > 0) kept[key] = { textHash: sha256(document.getText()), shown };
    }
    await this.state.update(FINDINGS_KEY, kept);
  }
}

function lineText(document: vscode.TextDocument, line: number): string {
  return line < document.lineCount ? document.lineAt(line).text : '';
}

function linesOf(document: vscode.TextDocument, finding: Finding): string {
  return Array.from({ length: finding.endLine - finding.startLine + 1 }, (_, i) => lineText(document, finding.startLine - 1 + i)).join('\n');
}

export function lineLengthOf(document: vscode.TextDocument): LineLength {
  return (line) => lineText(document, line).length;
}

function lineLengthAt(uri: vscode.Uri): LineLength {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return document ? lineLengthOf(document) : () => 0;
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.path === b.path && a.startLine === b.startLine && a.endLine === b.endLine && a.rule === b.rule && a.message === b.message;
}
