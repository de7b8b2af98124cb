import { isUtf8 } from 'node:buffer';
import { HouseStyleError } from '../errors';
import { gitOutput } from './gitProcess';
import { parseHunkHeader, type Hunk } from './hunk';
import { parseCommitMessage, type CommitMessage, type Trailers } from './trailers';

export interface FileDiff {
  /** Path before the change; null for an added file. */
  oldPath: string | null;
  /** Path after the change; null for a deleted file. */
  newPath: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  binary: boolean;
  hunks: Hunk[];
  /** Some of the diff was not valid UTF-8 and was decoded with replacement characters. */
  lossy: boolean;
}

export interface GitCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO 8601, as git's %aI writes it. */
  authorDate: string;
  committerDate: string;
  /** The raw message (git's %B). */
  message: string;
  subject: string;
  body: string;
  trailers: Trailers;
  /** The commit's note under the requested notes ref, or '' when it has none. */
  notes: string;
  /** Empty unless patches were requested; merges never carry a diff. */
  files: FileDiff[];
  /** The header (names, message, note) was not valid UTF-8 and was decoded lossily. */
  lossy: boolean;
}

export interface GitLogOptions {
  repo: string;
  /** Revisions or ranges (`main`, `v1.0..HEAD`); HEAD when absent. */
  revisions?: string[];
  /** Walk every ref (`--all`) instead of `revisions`. */
  allRefs?: boolean;
  since?: string;
  until?: string;
  maxCommits?: number;
  /** Notes ref whose notes fill `GitCommit.notes` (e.g. refs/notes/review). */
  notesRef?: string;
  /** Read the diffs too (one `git log --patch` pass); otherwise only the commit headers. */
  patches: boolean;
  /** Parents before children (`--topo-order --reverse`); otherwise children before parents (`--topo-order`). */
  oldestFirst: boolean;
  signal?: AbortSignal;
}

/** Fields of the header, each ended by NUL; the record starts with RS at the beginning of a line. */
const FORMAT = '--format=%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x00%N%x00';
const HEADER_FIELDS = 8;
const RS = 0x1e;
const NUL = 0x00;
const NEWLINE = 0x0a;

/**
 * Streams `git log` (one process, one pass) and parses it incrementally into commits with their file diffs
 * and hunks. Hunk bodies are consumed by the line counts of their `@@` headers, so no file content can be
 * mistaken for a commit boundary. Content that is not UTF-8 is decoded lossily and flagged, never fatal.
 */
export async function* readGitLog(options: GitLogOptions): AsyncGenerator<GitCommit> {
  for await (const batch of readGitLogBatches(options)) yield* batch;
}

/** `readGitLog` a chunk of git's output at a time: the commits each chunk completed (one await per chunk, not per commit). */
export async function* readGitLogBatches(options: GitLogOptions): AsyncGenerator<GitCommit[]> {
  const parser = new GitLogParser();
  for await (const chunk of gitOutput(options.repo, gitLogArgs(options), options.signal)) {
    const commits = parser.write(chunk);
    if (commits.length > 0) yield commits;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

function gitLogArgs(options: GitLogOptions): string[] {
  const args = ['log', FORMAT, '--encoding=UTF-8', '--topo-order', '--no-color', '--no-show-signature'];
  if (options.oldestFirst) args.push('--reverse');
  if (options.patches) {
    args.push('--patch', '--no-ext-diff', '--no-textconv', '--find-renames', '--diff-merges=off', '--unified=3', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative');
  }
  args.push(options.notesRef ? `--notes=${options.notesRef}` : '--no-notes');
  if (options.since) args.push(`--since=${options.since}`);
  if (options.until) args.push(`--until=${options.until}`);
  if (options.maxCommits !== undefined) args.push(`--max-count=${options.maxCommits}`);
  if (options.allRefs) args.push('--all');
  args.push('--end-of-options', ...(options.allRefs ? [] : revisionArgs(options.revisions)), '--');
  return args;
}

/** The revisions to walk (HEAD by default), refusing anything git could read as an option. */
export function revisionArgs(revisions: string[] | undefined): string[] {
  if (!revisions?.length) return ['HEAD'];
  for (const revision of revisions) {
    if (revision.startsWith('-') || revision.trim() === '' || /[\0\n]/.test(revision)) {
      throw new HouseStyleError(`"${revision}" is not a revision or range.`, 'Pass revisions such as main, HEAD~50..HEAD or v1.0..v2.0.', 'usage');
    }
  }
  return revisions;
}

type State = 'between' | 'header' | 'files' | 'hunk';

/** First bytes of the file-header lines the parser needs; every other header line is skipped undecoded. */
const NEEDED_FILE_LINES = new Set(['d', '@', '\\', 'n', 'r', 'B', 'G'].map((char) => char.charCodeAt(0)));

/** Line-oriented state machine over git log's bytes; `write` returns the commits completed so far. */
export class GitLogParser {
  private rest: Buffer | undefined;
  private state: State = 'between';
  private header = '';
  private headerNuls = 0;
  private headerLossy = false;
  private commit: GitCommit | undefined;
  private file: FileDiff | undefined;
  private hunk: Hunk | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  private done: GitCommit[] = [];

  write(chunk: Buffer): GitCommit[] {
    const buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(NEWLINE, start); newline !== -1; newline = buffer.indexOf(NEWLINE, start)) {
      this.line(buffer, start, newline);
      start = newline + 1;
    }
    this.rest = start < buffer.length ? buffer.subarray(start) : undefined;
    return this.take();
  }

  end(): GitCommit[] {
    if (this.rest) this.line(this.rest, 0, this.rest.length);
    this.rest = undefined;
    if (this.state === 'header') throw new HouseStyleError('git log output ended in the middle of a commit header.', 'Run the command again; if it persists, report it with your git version.', 'git');
    this.finishCommit();
    return this.take();
  }

  private take(): GitCommit[] {
    const done = this.done;
    this.done = [];
    return done;
  }

  private line(buffer: Buffer, start: number, end: number): void {
    if (this.state === 'hunk') return this.hunkLine(buffer, start, end);
    if (this.state === 'header') return this.headerLine(buffer, start, end);
    const first = buffer[start];
    if (first === RS) {
      this.finishCommit();
      this.state = 'header';
      this.header = '';
      this.headerNuls = 0;
      this.headerLossy = false;
      return this.headerLine(buffer, start + 1, end);
    }
    if (this.state === 'files' && first !== undefined && NEEDED_FILE_LINES.has(first)) this.fileLine(this.decode(buffer, start, end));
  }

  private headerLine(buffer: Buffer, start: number, end: number): void {
    for (let i = buffer.indexOf(NUL, start); i !== -1 && i < end; i = buffer.indexOf(NUL, i + 1)) this.headerNuls++;
    const text = buffer.toString('utf8', start, end);
    if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end))) this.headerLossy = true;
    if (this.headerNuls < HEADER_FIELDS) {
      this.header += `${text}\n`;
      return;
    }
    this.commit = parseHeader(this.header + text, this.headerLossy);
    this.state = 'files';
  }

  private fileLine(line: string): void {
    if (line.startsWith('diff --git ')) {
      this.file = { ...pathsOfDiffLine(line.slice('diff --git '.length)), status: 'modified', binary: false, hunks: [], lossy: false };
      this.commit!.files.push(this.file);
      return;
    }
    const file = this.file;
    if (!file) return;
    if (line.startsWith('@@ ')) {
      const hunk = parseHunkHeader(line);
      if (!hunk) return;
      file.hunks.push(hunk);
      this.hunk = hunk;
      this.oldLeft = hunk.oldLines;
      this.newLeft = hunk.newLines;
      if (this.oldLeft > 0 || this.newLeft > 0) this.state = 'hunk';
    } else if (line.startsWith('\\')) {
      this.hunk?.lines.push(line);
    } else if (line.startsWith('new file mode')) {
      file.status = 'added';
      file.oldPath = null;
    } else if (line.startsWith('deleted file mode')) {
      file.status = 'deleted';
      file.newPath = null;
    } else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = unquotePath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      file.status = 'renamed';
      file.newPath = unquotePath(line.slice('rename to '.length));
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      file.binary = true;
    }
  }

  private hunkLine(buffer: Buffer, start: number, end: number): void {
    const line = this.decode(buffer, start, end);
    const hunk = this.hunk!;
    const prefix = line[0];
    if (prefix === '\\') {
      hunk.lines.push(line);
      return;
    }
    if (prefix === '-') this.oldLeft--;
    else if (prefix === '+') this.newLeft--;
    else {
      this.oldLeft--;
      this.newLeft--;
    }
    hunk.lines.push(line);
    if (this.oldLeft <= 0 && this.newLeft <= 0) this.state = 'files';
  }

  private decode(buffer: Buffer, start: number, end: number): string {
    const text = buffer.toString('utf8', start, end);
    if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end)) && this.file) this.file.lossy = true;
    return text;
  }

  private finishCommit(): void {
    if (this.commit) this.done.push(this.commit);
    this.commit = undefined;
    this.file = undefined;
    this.hunk = undefined;
    this.state = 'between';
  }
}

function parseHeader(text: string, lossy: boolean): GitCommit {
  const [sha = '', parents = '', authorName = '', authorEmail = '', authorDate = '', committerDate = '', message = '', notes = ''] = text.split('\0');
  return new LoggedCommit(sha, parents ? parents.split(' ') : [], authorName, authorEmail, authorDate, committerDate, message, notes.trim(), lossy);
}

/** Most commits are never sources, so subject, body and trailers are parsed only when first asked for. */
class LoggedCommit implements GitCommit {
  readonly files: FileDiff[] = [];
  private parsed: CommitMessage | undefined;

  constructor(
    readonly sha: string,
    readonly parents: string[],
    readonly authorName: string,
    readonly authorEmail: string,
    readonly authorDate: string,
    readonly committerDate: string,
    readonly message: string,
    readonly notes: string,
    readonly lossy: boolean,
  ) {}

  get subject(): string {
    return this.parts().subject;
  }

  get body(): string {
    return this.parts().body;
  }

  get trailers(): Trailers {
    return this.parts().trailers;
  }

  private parts(): CommitMessage {
    return (this.parsed ??= parseCommitMessage(this.message));
  }
}

/** Paths from `a/X b/Y` (or their quoted forms); rename lines refine them when the names hold spaces. */
function pathsOfDiffLine(rest: string): { oldPath: string | null; newPath: string | null } {
  if (rest.startsWith('"') || rest.endsWith('"')) {
    const [a, b] = splitQuoted(rest);
    return { oldPath: stripPrefix(a, 'a/'), newPath: stripPrefix(b, 'b/') };
  }
  // Unquoted and not a rename: both names are the same path, so the line is "a/P b/P".
  const length = (rest.length - 5) / 2;
  const path = Number.isInteger(length) && length > 0 && rest.slice(2, 2 + length) === rest.slice(5 + length) ? rest.slice(2, 2 + length) : undefined;
  if (path !== undefined) return { oldPath: path, newPath: path };
  const separator = rest.indexOf(' b/');
  return { oldPath: stripPrefix(rest.slice(0, separator), 'a/'), newPath: stripPrefix(rest.slice(separator + 1), 'b/') };
}

function splitQuoted(rest: string): [string, string] {
  if (rest.startsWith('"')) {
    const close = closingQuote(rest, 0);
    return [unquotePath(rest.slice(0, close + 1)), unquotePath(rest.slice(close + 2))];
  }
  const open = rest.lastIndexOf(' "');
  return [rest.slice(0, open), unquotePath(rest.slice(open + 1))];
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function stripPrefix(path: string | null, prefix: string): string | null {
  if (path === null) return null;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path ("a\tb", octal bytes for non-ASCII when quotepath is on). */
function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
