import { isUtf8 } from 'node:buffer';
import { parseHunkHeader, type Hunk } from './hunk';

/** One file's part of a git diff: what happened to it and its hunks. */
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

const NEWLINE = 0x0a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const BACKSLASH = 0x5c;

/** First bytes of the file-header lines the parser needs; every other header line is skipped undecoded. */
const NEEDED_FILE_LINES = new Set(['d', '@', '\\', 'n', 'r', 'B', 'G'].map((char) => char.charCodeAt(0)));

/**
 * Line-oriented parser of git's unified diff (`git diff`, or the patches of `git log -p`) into file diffs.
 * Hunk bodies are consumed by the line counts of their `@@` headers, so no file content can be mistaken for
 * a header. It reads bytes, so a caller that streams git's output (the log reader) decodes only what it keeps.
 * Paths are git's with `core.quotepath=off` and a/ b/ prefixes (STABLE_GIT_CONFIG); quoted names are unquoted.
 */
export class UnifiedDiffParser {
  private files: FileDiff[] = [];
  private file: FileDiff | undefined;
  private hunk: Hunk | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  /** Inside a hunk body, where every line belongs to the hunk whatever it starts with. */
  inHunk = false;

  /** Starts a new list (a commit's files): the diffs parsed from now on are pushed onto `files`. */
  start(files: FileDiff[]): void {
    this.files = files;
    this.file = undefined;
    this.hunk = undefined;
    this.inHunk = false;
  }

  /** Takes one line, `buffer[start, end)` without its newline. */
  line(buffer: Buffer, start: number, end: number): void {
    if (this.inHunk) return this.hunkLine(this.decode(buffer, start, end));
    const first = buffer[start];
    if (first !== undefined && NEEDED_FILE_LINES.has(first)) this.fileLine(this.decode(buffer, start, end));
  }

  /**
   * Takes the lines of the current hunk's body that lie whole in `buffer` from `start` (each ended by a newline),
   * up to the hunk's end, and returns the offset after the last one taken. The body is decoded in one piece, not
   * line by line: most of a long history's bytes are hunk bodies.
   */
  hunkBody(buffer: Buffer, start: number): number {
    let oldLeft = this.oldLeft;
    let newLeft = this.newLeft;
    let end = start;
    while (oldLeft > 0 || newLeft > 0) {
      const newline = buffer.indexOf(NEWLINE, end);
      if (newline === -1) break;
      const prefix = buffer[end];
      if (prefix === MINUS) oldLeft--;
      else if (prefix === PLUS) newLeft--;
      else if (prefix !== BACKSLASH) {
        oldLeft--;
        newLeft--;
      }
      end = newline + 1;
    }
    if (end === start) return start;
    const lines = this.decode(buffer, start, end - 1).split('\n');
    for (const line of lines) this.hunk!.lines.push(line);
    this.oldLeft = oldLeft;
    this.newLeft = newLeft;
    this.inHunk = oldLeft > 0 || newLeft > 0;
    return end;
  }

  private fileLine(line: string): void {
    if (line.startsWith('diff --git ')) {
      const { oldPath, newPath } = pathsOfDiffLine(line.slice('diff --git '.length));
      this.file = { oldPath, newPath, status: 'modified', binary: false, hunks: [], lossy: false };
      this.files.push(this.file);
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
      this.inHunk = this.oldLeft > 0 || this.newLeft > 0;
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

  private hunkLine(line: string): void {
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
    if (this.oldLeft <= 0 && this.newLeft <= 0) this.inHunk = false;
  }

  private decode(buffer: Buffer, start: number, end: number): string {
    const text = buffer.toString('utf8', start, end);
    if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end)) && this.file) this.file.lossy = true;
    return text;
  }
}

/** The file diffs of a whole `git diff` output. */
export function parseUnifiedDiff(output: Buffer): FileDiff[] {
  const files: FileDiff[] = [];
  const parser = new UnifiedDiffParser();
  parser.start(files);
  let start = 0;
  while (start < output.length) {
    const next = parser.inHunk ? parser.hunkBody(output, start) : start;
    if (next !== start) {
      start = next;
      continue;
    }
    // Outside a hunk, or a last line without its newline.
    const newline = output.indexOf(NEWLINE, start);
    const end = newline === -1 ? output.length : newline;
    parser.line(output, start, end);
    start = end + 1;
  }
  return files;
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
