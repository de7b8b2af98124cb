import * as z from 'zod';
import type { CommentLocation, ExportedComment } from './exportedComment';

const lineNumber = z.number().int().positive().nullish();

/** One element of GET /repos/{owner}/{repo}/pulls/{n}/comments (fields this import reads; others are kept out). */
const githubReviewCommentSchema = z.looseObject({
  id: z.number().int(),
  path: z.string().min(1),
  diff_hunk: z.string(),
  body: z.string(),
  commit_id: z.string().regex(/^[0-9a-f]{7,64}$/),
  original_commit_id: z.string().regex(/^[0-9a-f]{7,64}$/),
  line: lineNumber,
  original_line: lineNumber,
  start_line: lineNumber,
  original_start_line: lineNumber,
  side: z.enum(['LEFT', 'RIGHT']).nullish(),
  in_reply_to_id: z.number().int().nullish(),
  user: z.looseObject({ login: z.string() }).nullable(),
  created_at: z.string().min(1),
  html_url: z.string().nullish(),
  pull_request_url: z.string().nullish(),
  /** Not GitHub's REST field: `dataset fetch` adds the thread's GraphQL state (PullRequestReviewThread) to its first comment. */
  review_thread: z.looseObject({ isResolved: z.boolean(), isOutdated: z.boolean().optional() }).nullish(),
  /** Not GitHub's REST field: `dataset fetch` adds who opened the pull request (the pull's `user`) to each comment. */
  pull_request_author: z.looseObject({ login: z.string() }).nullish(),
});

export const githubReviewCommentsSchema = z.array(githubReviewCommentSchema);

type GithubReviewComment = z.infer<typeof githubReviewCommentSchema>;

/** Whether a parsed export looks like GitHub's review comments (rather than GitLab's discussions or notes). */
export function looksLikeGithub(item: unknown): boolean {
  return typeof item === 'object' && item !== null && ('diff_hunk' in item || 'pull_request_url' in item || 'original_commit_id' in item);
}

export function fromGithub(comment: GithubReviewComment): ExportedComment {
  const side = comment.side === 'LEFT' ? 'old' : 'new';
  // LEFT-side line numbers are the base's, and GitHub's export does not name the base commit.
  const at = (commit: string, start: number | null | undefined, end: number | null | undefined): CommentLocation | undefined =>
    end == null ? undefined : { ...(side === 'new' && { commit }), path: comment.path, side, startLine: start ?? end, endLine: end };
  const url = comment.pull_request_url ?? comment.html_url?.replace(/#.*$/, '').replace(/\/files$/, '') ?? undefined;
  const number = url ? /\/pulls?\/(\d+)/.exec(url)?.[1] : undefined;
  const repository = url ? repositoryOfPullRequest(url) : undefined;
  const original = at(comment.original_commit_id, comment.original_start_line, comment.original_line);
  const current = at(comment.commit_id, comment.start_line, comment.line);
  return {
    id: String(comment.id),
    ...(comment.in_reply_to_id != null && { replyTo: String(comment.in_reply_to_id) }),
    body: comment.body,
    ...(comment.user && { author: comment.user.login }),
    date: comment.created_at,
    ...(comment.html_url && { url: comment.html_url }),
    path: comment.path,
    diffHunk: comment.diff_hunk,
    ...(original && { original }),
    ...(current && { current }),
    ...(original && !current && { outdated: true }),
    ...(comment.review_thread && { thread: { resolved: comment.review_thread.isResolved, ...(comment.review_thread.isOutdated !== undefined && { outdated: comment.review_thread.isOutdated }) } }),
    // Keyed by repository and number: an export can hold an old fork's #123 beside this repository's #123.
    pullRequest: {
      key: repository && number ? `${repository}#${number}` : (url ?? 'pull request'),
      ...(number && { number }),
      ...(url && { url }),
      ...(repository && { repository }),
      ...(comment.pull_request_author && { author: comment.pull_request_author.login }),
    },
    heads: [...new Set([comment.commit_id, comment.original_commit_id])],
  };
}

/** `owner/name` from a pull request's API URL (`…/repos/owner/name/pulls/1`) or page (`https://host/owner/name/pull/1`). */
export function repositoryOfPullRequest(url: string): string | undefined {
  const match = /\/repos\/([^/]+\/[^/]+)\/pulls\/\d+/.exec(url) ?? /^[a-z]+:\/\/[^/]+\/([^/]+\/[^/]+)\/pull\/\d+/i.exec(url);
  return match?.[1]?.toLowerCase();
}
