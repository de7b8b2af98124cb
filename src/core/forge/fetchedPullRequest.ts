/** A review of a pull or merge request, in one shape for both forges. */
export interface FetchedReview {
  id: string;
  /** GitHub: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED; GitLab approvals: APPROVED. */
  state: string;
  author?: string;
  body: string;
  submittedAt?: string;
  commit?: string;
}

/** A review thread's state: GitHub's PullRequestReviewThread (isResolved, isOutdated), GitLab's resolvable discussion. */
export interface FetchedThread {
  /** The id of the thread's first comment (GitHub REST comment id, GitLab note id). */
  rootCommentId: string;
  resolved: boolean;
  /** GitHub only: GitLab's discussions API has no such flag. */
  outdated?: boolean;
}

/**
 * One pull (merge) request as the cache keeps it: written whole, atomically, after all of its data arrived,
 * so its `updatedAt` is also the cursor that tells a later run whether to fetch it again.
 */
export interface FetchedPullRequest {
  number: number;
  /** The forge's updated_at when fetched: a pull request listed with a later one is fetched again. */
  updatedAt: string;
  url?: string;
  /**
   * Who opened it (GitHub's `user.login`, GitLab's `author.username`): a thread they open on their own diff is
   * an explanation, not review. Absent in records cached before it was kept, and then unknown.
   */
  author?: string;
  /** Review comments in the forge's own export shape (GitHub REST review comments, GitLab discussions), oldest first. */
  comments: unknown[];
  reviews: FetchedReview[];
  threads: FetchedThread[];
  /** Commit ids of the pull request, in the forge's order. */
  commits: string[];
  /** Left out: comments and reviews by bots, approvals with no words. */
  filtered: { botComments: number; emptyApprovals: number };
  /** Comments holding a ```suggestion block. */
  suggestions: number;
  /** ETag of the comments' single page, for a conditional request next time. */
  commentsEtag?: string;
}

/** The newest first, as a forge lists them: number and last update. */
export interface ListedPullRequest {
  number: number;
  updatedAt: string;
  /** Who opened it, as the list names them. */
  author?: string;
}

export const SUGGESTION = /^\s*```suggestion\b/m;
