import { isUtf8 } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { HouseStyleError } from '../errors';
import { gitOutputsInOrder } from './gitOutputsInOrder';
import { gitOutput } from './gitProcess';
import { parseCommitMessage, type CommitMessage, type Trailers } from './trailers';
import { UnifiedDiffParser, type FileDiff } from './unifiedDiff';

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
  /**
   * Exactly these commits, in this order, instead of a walk (`--no-walk=unsorted`, fed on standard input): each
   * with its diff as a walk shows it. Revisions, dates, the commit limit and `allRefs` then do not apply.
   */
  commits?: string[];
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
  /** How many git processes may share the diffs of `commits`; one per core, up to four, when absent. */
  parts?: number;
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
  // git given no revision on its input would show HEAD.
  if (options.commits?.length === 0) return;
  const parser = new GitLogParser();
  for await (const chunk of gitLogOutput(options)) {
    const commits = parser.write(chunk);
    if (commits.length > 0) yield commits;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

/** A list too short to be worth more than one git process: spawning one costs about as much as git's diffs of this many commits. */
const MIN_COMMITS_PER_PART = 100;
const MAX_PARTS = 4;
/**
 * The first part's share of an even split: its git shares the machine with the parser reading it as it comes,
 * and newer commits tend to have larger diffs. Measured when the parts were whole walks of jq's and libuv's
 * histories, on two cores: 0.6 gave builds about 0.8 of one process's time, 0.4 and 0.8 about 0.85 to 0.95.
 */
const FIRST_PART_SHARE = 0.6;
/**
 * The most commits whose diffs wait in temporary files (about 150 MB on a C project's history): beyond it the first
 * part, which streams, takes the rest, so a very long history never fills the temporary folder.
 */
const MAX_COMMITS_IN_FILES = 20_000;

/**
 * git's output. The diffs of a list of commits (git's diffs take most of a dataset build's time, on one core) are
 * asked of consecutive parts of the list at once, one git process per core up to four; their outputs joined are
 * byte for byte one process's.
 */
function gitLogOutput(options: GitLogOptions): AsyncIterable<Buffer> {
  const { commits } = options;
  if (commits === undefined) return gitOutput(options.repo, gitLogArgs(options), options.signal);
  // Reversed parts would not join in order.
  const parts = options.patches && !options.oldestFirst ? (options.parts ?? Math.min(MAX_PARTS, availableParallelism())) : 1;
  const listed = gitLogArgs(options);
  return gitOutputsInOrder(
    options.repo,
    commitWindows(commits.length, parts).map(({ skip, count }) => ({ args: listed, input: commits.slice(skip, skip + count).join('\n') + '\n' })),
    options.signal,
  );
}

/** Consecutive windows over `total` commits for up to `parts` processes, none shorter than MIN_COMMITS_PER_PART, the first smaller. */
export function commitWindows(total: number, parts: number): { skip: number; count: number }[] {
  const n = Math.max(1, Math.min(parts, Math.floor((total * FIRST_PART_SHARE) / MIN_COMMITS_PER_PART)));
  if (n === 1) return [{ skip: 0, count: total }];
  const first = Math.max(Math.round((total / n) * FIRST_PART_SHARE), total - MAX_COMMITS_IN_FILES);
  const windows = [{ skip: 0, count: first }];
  for (let i = 1; i < n; i++) {
    const skip = first + Math.round(((total - first) * (i - 1)) / (n - 1));
    const end = first + Math.round(((total - first) * i) / (n - 1));
    windows.push({ skip, count: end - skip });
  }
  return windows;
}

/** The commits to walk: the date bounds and the revisions (or every ref), last on the command line. */
function rangeArgs(options: GitLogOptions): string[] {
  const args: string[] = [];
  if (options.since) args.push(`--since=${options.since}`);
  if (options.until) args.push(`--until=${options.until}`);
  if (options.allRefs) args.push('--all');
  args.push('--end-of-options', ...(options.allRefs ? [] : revisionArgs(options.revisions)), '--');
  return args;
}

function gitLogArgs(options: GitLogOptions): string[] {
  const args = ['log', FORMAT, '--encoding=UTF-8', '--topo-order', '--no-color', '--no-show-signature'];
  if (options.oldestFirst) args.push('--reverse');
  if (options.patches) {
    args.push('--patch', '--no-ext-diff', '--no-textconv', '--find-renames', '--diff-merges=off', '--unified=3', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative');
  }
  args.push(options.notesRef ? `--notes=${options.notesRef}` : '--no-notes');
  if (options.commits) return [...args, '--no-walk=unsorted', '--stdin', '--'];
  if (options.maxCommits !== undefined) args.push(`--max-count=${options.maxCommits}`);
  return [...args, ...rangeArgs(options)];
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

type State = 'between' | 'header' | 'files';

/** Line-oriented state machine over git log's bytes; `write` returns the commits completed so far. */
export class GitLogParser {
  private rest: Buffer | undefined;
  private state: State = 'between';
  private header = '';
  private headerNuls = 0;
  private headerLossy = false;
  private commit: GitCommit | undefined;
  private readonly diff = new UnifiedDiffParser();
  private done: GitCommit[] = [];

  write(chunk: Buffer): GitCommit[] {
    const buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    while (start < buffer.length) {
      if (this.diff.inHunk) {
        const next = this.diff.hunkBody(buffer, start);
        if (next === start) break;
        start = next;
        continue;
      }
      const newline = buffer.indexOf(NEWLINE, start);
      if (newline === -1) break;
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
    // Inside a hunk every line is the hunk's, even one that starts with RS.
    if (this.diff.inHunk) return this.diff.line(buffer, start, end);
    if (this.state === 'header') return this.headerLine(buffer, start, end);
    if (buffer[start] === RS) {
      this.finishCommit();
      this.state = 'header';
      this.header = '';
      this.headerNuls = 0;
      this.headerLossy = false;
      return this.headerLine(buffer, start + 1, end);
    }
    if (this.state === 'files') this.diff.line(buffer, start, end);
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
    this.diff.start(this.commit.files);
    this.state = 'files';
  }

  private finishCommit(): void {
    if (this.commit) this.done.push(this.commit);
    this.commit = undefined;
    this.diff.start([]);
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
