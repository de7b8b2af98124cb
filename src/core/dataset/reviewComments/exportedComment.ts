/** Lines of one file at one commit that a comment is attached to (1-based, inclusive). */
export interface CommentLocation {
  /** The commit whose version of the file holds these lines; absent when the export does not name it (GitHub's base side). */
  commit?: string;
  path: string;
  /** 'new': lines of the version under review; 'old': lines of the base that the change removed. */
  side: 'new' | 'old';
  startLine: number;
  endLine: number;
}

/** A review comment from any forge's export, in one shape. */
export interface ExportedComment {
  id: string;
  /** The comment this one answers; absent for the first comment of a thread. */
  replyTo?: string;
  body: string;
  author?: string;
  date: string;
  url?: string;
  /** Path of the file in the version under review. */
  path: string;
  /** The diff hunk the reviewer saw, when the export carries it (GitHub's diff_hunk). */
  diffHunk?: string;
  /** Where the comment was made. Absent for comments on a whole file. */
  original?: CommentLocation;
  /** Where the comment still sits in a later version of the pull request; absent when outdated. */
  current?: CommentLocation;
  /** Both versions of the reviewed diff, for exports without a diff hunk (GitLab's base_sha / head_sha). */
  versions?: { base: { commit: string; path: string }; head: { commit: string; path: string } };
  /** The export says the comment no longer applies to the latest version (GitHub: line is null). */
  outdated?: boolean;
  /**
   * The forge's state of the thread this comment opens, where the export carries it: resolved (GitHub's
   * isResolved, GitLab's resolved on a resolvable note) and outdated (GitHub's isOutdated: a later push changed
   * the commented lines; GitLab has no such flag).
   */
  thread?: { resolved: boolean; outdated?: boolean };
  pullRequest: {
    /** Identifies the pull or merge request within the export (`owner/name#number`, its URL, or the merge request iid). */
    key: string;
    number?: string;
    url?: string;
    /** `owner/name` of the repository the pull request belongs to, when the export names it. */
    repository?: string;
    /** Who opened the pull request, where the export says (`dataset fetch` adds it; hand-made exports lack it). */
    author?: string;
  };
  /** Commits the pull request was reviewed at, as named in the export. */
  heads: string[];
}

/** An answer within a thread. */
export interface CommentReply {
  author?: string;
  body: string;
  date: string;
}

/** A root comment with its replies, oldest first. */
export interface CommentThread {
  root: ExportedComment;
  replies: CommentReply[];
}

/**
 * Joins replies to their root comment's thread (following chains of replies). Replies whose root is not in
 * the export are returned apart, so the caller can skip them with a reason.
 */
export function commentThreads(comments: ExportedComment[]): { threads: CommentThread[]; orphans: ExportedComment[] } {
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  const threads = new Map<string, CommentThread>();
  for (const comment of comments) if (comment.replyTo === undefined) threads.set(comment.id, { root: comment, replies: [] });
  const orphans: ExportedComment[] = [];
  for (const comment of comments) {
    if (comment.replyTo === undefined) continue;
    const thread = threads.get(rootOf(comment, byId));
    if (thread) thread.replies.push({ ...(comment.author !== undefined && { author: comment.author }), body: comment.body, date: comment.date });
    else orphans.push(comment);
  }
  for (const thread of threads.values()) thread.replies.sort((a, b) => a.date.localeCompare(b.date));
  return { threads: [...threads.values()], orphans };
}

function rootOf(comment: ExportedComment, byId: Map<string, ExportedComment>): string {
  const seen = new Set<string>();
  let current = comment;
  while (current.replyTo !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    const parent = byId.get(current.replyTo);
    if (!parent) return current.replyTo;
    current = parent;
  }
  return current.id;
}
