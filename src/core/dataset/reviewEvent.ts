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
  /** The reviewed code (the lines the hunk produced), when known. */
  before?: string;
  /** The code after the reviewer's comment was addressed, when a later change touched those lines. */
  after?: string;
  /** The reviewer's words, or the follow-up commit's reason. Empty when none exists (quality estimation). */
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
  };
}

/** What every dataset source yields: an event, or a skipped input with its reason. */
export type MinedItem = { event: ReviewEvent } | { skip: SkipRecord };

/** A skipped input, counted and shown in the dataset card; never silently dropped. */
export interface SkipRecord {
  source: string;
  reason: string;
}
