import type { LineRange } from '../lineRange';
import type { HistoryFacts } from './git/commitGraph';

/**
 * What the dataset sources (git history, exported review comments, the editor's feedback log) yield,
 * and what the sample builders consume. One event is one piece of review evidence on one file.
 */
export type ReviewEventKind =
  /** A commit marked as a response to review: code before, code after, reason from the message. */
  | 'review-followup'
  /** In a merged branch, a later commit rewrote lines an earlier commit of the same branch added. */
  | 'branch-rewrite'
  /** A pull-request review comment (GitHub or GitLab export) joined to local git objects. */
  | 'pr-comment'
  /** A file a commented pull request changed that drew no comment: what the reviewer saw there and passed. */
  | 'pr-file'
  /** A git note (e.g. refs/notes/review) attached to a commit. */
  | 'note'
  /** The editor's feedback log: a finding the user accepted or dismissed. */
  | 'feedback';

export interface ReviewEvent {
  kind: ReviewEventKind;
  /** The unit that must never be split across train/validation/test: a PR id, a merge, or a commit sha. */
  groupId: string;
  /** Path of the file, relative to the repository root, after the change (before it, for deletions). */
  path: string;
  /** A unified diff hunk (with its @@ header) of the change that was reviewed. */
  diffHunk: string;
  /** For pr-comment events: the whole hunk of the change from git (a forge's diffHunk stops at the commented line). */
  fullHunk?: string;
  /** For pr-comment events: where the comment sits in the file it was made on. */
  anchor?: CodeAnchor;
  /** For pr-file events: the file as the pull request had it where it was reviewed, and the lines it changed. */
  reviewedFile?: ReviewedFile;
  /** The reviewed code (the lines the hunk produced), when known. */
  before?: string;
  /** The code after the reviewer's comment was addressed, when a later change touched those lines. */
  after?: string;
  /** The reviewer's words (a review comment, a review note, an accepted finding); absent for git-only evidence. */
  comment?: string;
  /** Whether the change drew review (a comment or follow-up); false for changes that passed as they were. */
  neededReview: boolean;
  author?: string;
  reviewer?: string;
  /** ISO 8601 date of the change or the comment. */
  date: string;
  /** Commit shas involved, trailers (Reviewed-by, Acked-by, PR-URL, Change-Id), URLs, revert markers. */
  metadata: {
    commits?: string[];
    trailers?: Record<string, string[]>;
    url?: string;
    /** Set when the change was later reverted, or is itself a revert. */
    revert?: 'reverted' | 'is-revert';
    outdated?: boolean;
    /** For feedback events: the finding and the user's verdict. */
    feedback?: {
      verdict: 'accepted' | 'dismissed';
      rule?: string;
      suggestion?: string;
      severity?: string;
      model?: string;
      /** The knowledge-base passages the finding cited. */
      citations?: Array<{ source: string; startLine: number; endLine: number }>;
    };
    /** The pull or merge request number, from a merge subject, a PR-URL trailer or a comments export. */
    pullRequest?: string;
    /** Some of the text was not valid UTF-8 and was decoded with replacement characters. */
    lossyText?: boolean;
    /** For pr-comment events: the answers in the comment's thread, oldest first. */
    replies?: Array<{ author?: string; body: string; date: string }>;
    /** For pr-comment events: why the code came from the export's hunk rather than from git. */
    hunkFallback?: string;
  };
}

/** A file of a pull request at one of its commits. */
export interface ReviewedFile {
  commit: string;
  /** The whole file at `commit` (scrubbed with the rest of the event). */
  fileText: string;
  /** Lines of `fileText` the pull request changed (its base → this version), when its base is known: what a diff review is sent. */
  changed?: LineRange[];
}

/** The file a review comment was made on, and the lines it is about. */
export interface CodeAnchor extends ReviewedFile {
  /** 1-based, inclusive lines of `fileText` the comment is attached to. */
  startLine: number;
  endLine: number;
  /** The same lines in the pull request's final version, when that version changed them. */
  revised?: string;
}

/** Evidence a source yields: an event, or a skipped input with its reason. */
export type EvidenceItem = { event: ReviewEvent } | { skip: SkipRecord };

/** What one comment export held: its review threads, and how many were imported (their code from git, or from the export's hunk). */
export interface ThreadCount {
  threads: { exported: number; imported: number };
}

/** What every dataset source yields: evidence, (git history) what the history is like, or (comment exports) their thread counts. */
export type MinedItem = EvidenceItem | { history: HistoryFacts } | ThreadCount;

/**
 * Evidence from git alone: the commit's author wrote every word of it, so it carries no reviewer's words and
 * gives only the tasks that need none (see samples/buildSamples.ts).
 */
export const GIT_ONLY_KINDS: ReadonlySet<ReviewEventKind> = new Set(['review-followup', 'branch-rewrite']);

/** A skipped input, counted and shown in the dataset card; never silently dropped. */
export interface SkipRecord {
  source: string;
  reason: string;
}
