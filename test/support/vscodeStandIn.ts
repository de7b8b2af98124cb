/**
 * A stand-in for the `vscode` module, which exists only inside VS Code's extension host and cannot be
 * loaded (or downloaded) on this machine. It implements just the value types the review adapter's
 * mapping functions build — Position, Range, Uri, Location, Diagnostic, DiagnosticRelatedInformation,
 * DiagnosticSeverity, CodeAction, CodeActionKind, WorkspaceEdit (and the TextEdit it holds) — with the
 * semantics the real API documents, so tests check the adapter against the editor's own types; and, at the
 * end, recording stand-ins for the few namespace calls the editor parts under test make.
 * Loaded in place of 'vscode' by test/support/vscodeLoader.ts.
 */

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {
    if (line < 0 || character < 0) throw new Error('Illegal argument: line and character must be non-negative');
  }

  isBefore(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }

  isEqual(other: Position): boolean {
    return this.line === other.line && this.character === other.character;
  }

  compareTo(other: Position): number {
    return this.isBefore(other) ? -1 : this.isEqual(other) ? 0 : 1;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;

  constructor(start: Position, end: Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    const start = a instanceof Position ? a : new Position(a, b as number);
    const end = b instanceof Position ? b : new Position(c!, d!);
    // Like VS Code, a range given end-first is swapped so start is never after end.
    [this.start, this.end] = end.isBefore(start) ? [end, start] : [start, end];
  }

  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }

  get isSingleLine(): boolean {
    return this.start.line === this.end.line;
  }

  contains(value: Position | Range): boolean {
    if (value instanceof Range) return this.contains(value.start) && this.contains(value.end);
    return !value.isBefore(this.start) && !this.end.isBefore(value);
  }

  isEqual(other: Range): boolean {
    return this.start.isEqual(other.start) && this.end.isEqual(other.end);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}

  static file(fsPath: string): Uri {
    const path = fsPath.replaceAll('\\', '/');
    return new Uri('file', '', path.startsWith('/') ? path : `/${path}`, '', '');
  }

  static parse(value: string): Uri {
    const match = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!match) throw new Error(`Invalid URI: ${value}`);
    return new Uri(match[1]!, match[2] ?? '', decodeURIComponent(match[3] ?? ''), decodeURIComponent(match[4] ?? ''), decodeURIComponent(match[5] ?? ''));
  }

  static joinPath(base: Uri, ...segments: string[]): Uri {
    const joined = [base.path.replace(/\/+$/, ''), ...segments.map((s) => s.replace(/^\/+|\/+$/g, ''))].filter((s) => s !== '').join('/');
    return base.with({ path: joined.startsWith('/') ? joined : `/${joined}` });
  }

  get fsPath(): string {
    return this.path;
  }

  with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }

  toString(): string {
    const path = this.path.split('/').map(encodeURIComponent).join('/');
    return `${this.scheme}://${this.authority}${path}${this.query ? `?${encodeURIComponent(this.query)}` : ''}${this.fragment ? `#${encodeURIComponent(this.fragment)}` : ''}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export class Location {
  readonly range: Range;

  constructor(
    readonly uri: Uri,
    rangeOrPosition: Range | Position,
  ) {
    this.range = rangeOrPosition instanceof Range ? rangeOrPosition : new Range(rangeOrPosition, rangeOrPosition);
  }
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class DiagnosticRelatedInformation {
  constructor(
    readonly location: Location,
    readonly message: string,
  ) {}
}

export class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: Uri };
  relatedInformation?: DiagnosticRelatedInformation[];
  tags?: number[];

  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly Source = new CodeActionKind('source');

  private constructor(readonly value: string) {}

  append(parts: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${parts}` : parts);
  }

  contains(other: CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }

  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export class TextEdit {
  constructor(
    readonly range: Range,
    readonly newText: string,
  ) {}
}

export class WorkspaceEdit {
  private readonly edits = new Map<string, { uri: Uri; edits: TextEdit[] }>();

  replace(uri: Uri, range: Range, newText: string): void {
    this.entry(uri).push(new TextEdit(range, newText));
  }

  insert(uri: Uri, position: Position, newText: string): void {
    this.replace(uri, new Range(position, position), newText);
  }

  delete(uri: Uri, range: Range): void {
    this.replace(uri, range, '');
  }

  get(uri: Uri): TextEdit[] {
    return [...(this.edits.get(uri.toString())?.edits ?? [])];
  }

  entries(): [Uri, TextEdit[]][] {
    return [...this.edits.values()].map(({ uri, edits }) => [uri, [...edits]]);
  }

  get size(): number {
    return this.edits.size;
  }

  private entry(uri: Uri): TextEdit[] {
    const key = uri.toString();
    let entry = this.edits.get(key);
    if (!entry) this.edits.set(key, (entry = { uri, edits: [] }));
    return entry.edits;
  }
}

export class CodeAction {
  edit?: WorkspaceEdit;
  command?: { title: string; command: string; arguments?: unknown[] };
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;

  constructor(
    public title: string,
    public kind?: CodeActionKind,
  ) {}
}

// ——— Namespaces: just enough of `window`, `workspace`, `commands` and `languages` for the editor parts that
// tests drive (the error presenter, review on save, the context's settings). Each records what it was asked;
// `standIn` lets a test set the answers (user settings, the button a user clicks, trust).

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export class EventEmitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}

interface OutputLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export const standIn = {
  /** Messages shown, in order, with the buttons offered. */
  shown: [] as { kind: 'error' | 'warning' | 'information'; message: string; actions: string[] }[],
  /** The button the user "clicks" on the next message (undefined: dismissed). */
  answer: undefined as string | undefined,
  executed: [] as { command: string; args: unknown[] }[],
  output: [] as OutputLine[],
  outputShown: 0,
  /** housestyle.* settings the user set, by scope, keyed by section ("review", "ollama", ...). */
  userSettings: {} as Record<string, Record<string, unknown>>,
  /** housestyle.* settings of the workspace (its .vscode/settings.json), in the same shape. */
  workspaceSettings: {} as Record<string, Record<string, unknown>>,
  trusted: true,
  folders: [] as { uri: Uri; name: string; index: number }[],
  /** Progress notifications shown, in order; `cancel()` is the user clicking Cancel on a cancellable one. */
  progress: [] as ShownProgress[],
  /** Called on each progress report as it is shown, e.g. for the user to click Cancel at a given moment. */
  onProgressReport: undefined as ((shown: ShownProgress, value: { message?: string; increment?: number }) => void) | undefined,
  /** What the user picks in the next open dialogs and types in the next input boxes, in order (none left: dismissed). */
  openDialogAnswers: [] as Uri[][],
  inputAnswers: [] as string[],
  reset(): void {
    this.progress.length = 0;
    this.onProgressReport = undefined;
    this.openDialogAnswers.length = 0;
    this.inputAnswers.length = 0;
    this.shown.length = 0;
    this.executed.length = 0;
    this.output.length = 0;
    this.outputShown = 0;
    this.answer = undefined;
    this.userSettings = {};
    this.workspaceSettings = {};
    this.trusted = true;
    this.folders = [];
  },
};

export interface ShownProgress {
  options: { title?: string; cancellable?: boolean; location?: unknown };
  reports: { message?: string; increment?: number }[];
  cancel(): void;
}

/**
 * A CancellationTokenSource as VS Code's (src/vs/base/common/cancellation.ts): cancelling once sets the flag and
 * fires each listener; a listener added after that fires at once.
 */
function cancellation(): { token: { isCancellationRequested: boolean; onCancellationRequested: (listener: () => void) => { dispose(): void } }; cancel(): void } {
  const listeners = new Set<() => void>();
  const token = {
    isCancellationRequested: false,
    onCancellationRequested(listener: () => void) {
      if (token.isCancellationRequested) queueMicrotask(listener);
      else listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
  };
  return {
    token,
    cancel() {
      if (token.isCancellationRequested) return;
      token.isCancellationRequested = true;
      for (const listener of listeners) listener();
      listeners.clear();
    },
  };
}

/**
 * Defaults of the settings the extension declares (package.json contributes.configuration), as VS Code reads
 * them: `get` falls back to them and `inspect` reports them as `defaultValue`.
 */
const declaredDefaults: Record<string, unknown> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } }).contributes.configuration.properties)
    .filter(([, property]) => 'default' in property)
    .map(([key, property]) => [key, property.default]),
);

/** The default of a key, or of a section as the object its declared keys compose (`review` → `{ k: 10, … }`). */
function defaultOf(key: string): unknown {
  if (key in declaredDefaults) return declaredDefaults[key];
  const nested = Object.entries(declaredDefaults).filter(([name]) => name.startsWith(`${key}.`));
  return nested.length ? Object.fromEntries(nested.map(([name, value]) => [name.slice(key.length + 1), value])) : undefined;
}

function message(kind: 'error' | 'warning' | 'information') {
  return async (text: string, ...actions: unknown[]): Promise<string | undefined> => {
    const labels = actions.filter((a): a is string => typeof a === 'string');
    standIn.shown.push({ kind, message: text, actions: labels });
    return standIn.answer !== undefined && labels.includes(standIn.answer) ? standIn.answer : undefined;
  };
}

export const window = {
  showErrorMessage: message('error'),
  showWarningMessage: message('warning'),
  showInformationMessage: message('information'),
  activeTextEditor: undefined as unknown,
  createOutputChannel(_name: string, _options?: unknown) {
    const log = (level: OutputLine['level']) => (text: string) => standIn.output.push({ level, message: text });
    return { info: log('info'), warn: log('warn'), error: log('error'), show: () => standIn.outputShown++, dispose() {} };
  },
  async withProgress<T>(
    options: ShownProgress['options'],
    task: (progress: { report(value: { message?: string; increment?: number }): void }, token: ReturnType<typeof cancellation>['token']) => Promise<T>,
  ): Promise<T> {
    const source = cancellation();
    const shown: ShownProgress = {
      options,
      reports: [],
      // VS Code offers Cancel only on a cancellable notification.
      cancel: () => {
        if (!options.cancellable) throw new Error('this progress notification has no Cancel button');
        source.cancel();
      },
    };
    standIn.progress.push(shown);
    return task(
      {
        report: (value) => {
          shown.reports.push(value);
          standIn.onProgressReport?.(shown, value);
        },
      },
      source.token,
    );
  },
  async showOpenDialog(_options?: unknown): Promise<Uri[] | undefined> {
    return standIn.openDialogAnswers.shift();
  },
  async showInputBox(_options?: unknown): Promise<string | undefined> {
    return standIn.inputAnswers.shift();
  },
};

export const commands = {
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    standIn.executed.push({ command, args });
    return undefined;
  },
};

export const workspace = {
  get isTrusted() {
    return standIn.trusted;
  },
  get workspaceFolders() {
    return standIn.folders;
  },
  getWorkspaceFolder(uri: Uri) {
    return standIn.folders.find((folder) => uri.fsPath === folder.uri.fsPath || uri.fsPath.startsWith(`${folder.uri.fsPath}/`));
  },
  asRelativePath(uri: Uri | string, _includeFolder?: boolean): string {
    const fsPath = typeof uri === 'string' ? uri : uri.fsPath;
    const folder = standIn.folders.find((f) => fsPath.startsWith(`${f.uri.fsPath}/`));
    return folder ? fsPath.slice(folder.uri.fsPath.length + 1) : fsPath;
  },
  getConfiguration(section: string, _scope?: unknown) {
    return {
      // The declared default, what the user set (global scope) and what the workspace set, each on its own as VS Code reports them.
      inspect<T>(key: string): { key: string; defaultValue?: T; globalValue?: T; workspaceValue?: T } | undefined {
        if (section !== 'housestyle') return undefined;
        const value = standIn.userSettings[key];
        const workspaceValue = standIn.workspaceSettings[key];
        const defaultValue = defaultOf(`${section}.${key}`) as T | undefined;
        return {
          key: `${section}.${key}`,
          ...(defaultValue !== undefined && { defaultValue }),
          ...(value !== undefined && { globalValue: value as T }),
          ...(workspaceValue !== undefined && { workspaceValue: workspaceValue as T }),
        };
      },
      get<T>(key: string, fallback?: T): T | undefined {
        const [head, ...rest] = key.split('.');
        const user = rest.length ? standIn.userSettings[head!]?.[rest.join('.')] : standIn.userSettings[key];
        const declared = defaultOf(`${section}.${key}`);
        // A section's value is its defaults with the user's keys over them, as VS Code composes it.
        const value = user !== undefined && declared !== null && typeof declared === 'object' && !Array.isArray(declared) ? { ...declared, ...user } : (user ?? declared);
        return (value ?? fallback) as T | undefined;
      },
    };
  },
  textDocuments: [] as unknown[],
  /** The file system of `file:` URIs, as VS Code's workspace.fs: a missing file rejects (a FileSystemError there). */
  fs: {
    async readFile(uri: Uri): Promise<Uint8Array> {
      return readFile(uri.fsPath);
    },
  },
};

export const languages = {
  createDiagnosticCollection(_name: string) {
    const entries = new Map<string, Diagnostic[]>();
    return { set: (uri: Uri, diagnostics: Diagnostic[]) => entries.set(uri.toString(), diagnostics), get: (uri: Uri) => entries.get(uri.toString()), clear: () => entries.clear(), dispose: () => entries.clear() };
  },
};
