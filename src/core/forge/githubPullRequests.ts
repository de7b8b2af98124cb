import type { FirstPage, ForgeClient } from './forgeClient';
import type { FetchedPullRequest, FetchedReview, FetchedThread, ListedPullRequest } from './fetchedPullRequest';
import { SUGGESTION } from './fetchedPullRequest';
import type { ForgeRepository } from './forgeRepository';

/** Fields of a REST review comment (docs.github.com/rest/pulls/comments) kept in the cache and the export. */
const COMMENT_FIELDS = [
  'id', 'pull_request_review_id', 'in_reply_to_id', 'path', 'diff_hunk', 'body', 'commit_id', 'original_commit_id',
  'line', 'original_line', 'start_line', 'original_start_line', 'side', 'start_side', 'subject_type', 'position',
  'original_position', 'created_at', 'updated_at', 'html_url', 'pull_request_url',
] as const;

interface RestComment {
  id: number;
  body?: string;
  user?: { login: string; type?: string } | null;
  [field: string]: unknown;
}

/**
 * Every pull request, most recently updated first, until one older than `stopBefore`, with who opened it: the
 * list's `user` (a simple user, `login`; null for a deleted account) (docs.github.com/rest/pulls/pulls#list-pull-requests).
 */
export async function* listGithubPullRequests(client: ForgeClient, repo: ForgeRepository, stopBefore?: string, firstPage?: FirstPage): AsyncGenerator<ListedPullRequest> {
  for await (const pr of client.items<{ number: number; updated_at: string; user?: { login: string } | null }>(`${repo.apiUrl}/repos/${repo.path}/pulls?state=all&sort=updated&direction=desc&per_page=100`, firstPage)) {
    if (stopBefore && Date.parse(pr.updated_at) < Date.parse(stopBefore)) return;
    yield { number: pr.number, updatedAt: pr.updated_at, ...(pr.user && { author: pr.user.login }) };
  }
}

const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $threads: String, $reviews: String, $commits: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $threads) { pageInfo { hasNextPage endCursor } nodes { isResolved isOutdated comments(first: 1) { nodes { databaseId } } } }
      reviews(first: 100, after: $reviews) { pageInfo { hasNextPage endCursor } nodes { databaseId state body submittedAt author { login __typename } commit { oid } } }
      commits(first: 100, after: $commits) { pageInfo { hasNextPage endCursor } nodes { commit { oid } } }
    }
  }
}`;

interface Connection<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}
interface GraphqlPullRequest {
  reviewThreads: Connection<{ isResolved: boolean; isOutdated: boolean; comments: { nodes: Array<{ databaseId: number | null }> } }>;
  reviews: Connection<{ databaseId: number | null; state: string; body: string; submittedAt: string | null; author: { login: string; __typename: string } | null; commit: { oid: string } | null }>;
  commits: Connection<{ commit: { oid: string } }>;
}

/**
 * One pull request: its review comments from REST (diff hunks, positions, commit ids, replies; conditional on the
 * cached ETag), and, with a token, its review threads (resolved, outdated), reviews and commits from GraphQL,
 * which REST lacks thread state for (docs.github.com/graphql/reference/objects#pullrequestreviewthread).
 */
export async function fetchGithubPullRequest(
  client: ForgeClient,
  repo: ForgeRepository,
  listed: ListedPullRequest,
  options: { cached?: FetchedPullRequest; graphql: boolean; isBot: (login: string, type?: string) => boolean },
): Promise<FetchedPullRequest> {
  const url = `${repo.apiUrl}/repos/${repo.path}/pulls/${listed.number}/comments?per_page=100`;
  const first = await client.get<RestComment[]>(url, options.cached?.commentsEtag);
  let raw: RestComment[] | undefined;
  let commentsEtag: string | undefined;
  let botComments = 0;
  let comments: unknown[];
  if (first.status === 304 && options.cached) {
    comments = options.cached.comments;
    commentsEtag = options.cached.commentsEtag;
    botComments = options.cached.filtered.botComments;
  } else {
    raw = first.status === 200 ? [...first.body] : [];
    if (first.status === 200 && first.next) raw.push(...(await client.getAll<RestComment>(first.next)));
    else if (first.status === 200) commentsEtag = first.etag;
    const kept = raw.filter((c) => !(c.user && options.isBot(c.user.login, c.user.type)));
    botComments = raw.length - kept.length;
    comments = kept.sort((a, b) => a.id - b.id).map(slimComment);
  }
  const suggestions = comments.filter((c) => SUGGESTION.test((c as RestComment).body ?? '')).length;
  const details = options.graphql ? await graphqlDetails(client, repo, listed.number, options.isBot) : { reviews: [], threads: [], commits: [], emptyApprovals: 0 };
  return {
    number: listed.number,
    updatedAt: listed.updatedAt,
    url: `${repo.apiUrl}/repos/${repo.path}/pulls/${listed.number}`,
    ...(listed.author && { author: listed.author }),
    comments,
    reviews: details.reviews,
    threads: details.threads,
    commits: details.commits,
    filtered: { botComments, emptyApprovals: details.emptyApprovals },
    suggestions,
    ...(commentsEtag && { commentsEtag }),
  };
}

function slimComment(comment: RestComment): Record<string, unknown> {
  const slim: Record<string, unknown> = {};
  for (const field of COMMENT_FIELDS) if (comment[field] !== undefined) slim[field] = comment[field];
  slim.user = comment.user ? { login: comment.user.login, ...(comment.user.type && { type: comment.user.type }) } : null;
  return slim;
}

async function graphqlDetails(client: ForgeClient, repo: ForgeRepository, number: number, isBot: (login: string, type?: string) => boolean) {
  const [owner, name] = repo.path.split('/');
  const reviews: FetchedReview[] = [];
  const threads: FetchedThread[] = [];
  const commits: string[] = [];
  let emptyApprovals = 0;
  const cursors: Record<'threads' | 'reviews' | 'commits', string | null> = { threads: null, reviews: null, commits: null };
  const more = { threads: true, reviews: true, commits: true };
  while (more.threads || more.reviews || more.commits) {
    const data = await client.graphql<{ repository: { pullRequest: GraphqlPullRequest | null } | null }>(repo.graphqlUrl, THREADS_QUERY, { owner, name, number, ...cursors });
    const pr = data.repository?.pullRequest;
    if (!pr) break;
    if (more.threads) {
      for (const thread of pr.reviewThreads.nodes) {
        const root = thread.comments.nodes[0]?.databaseId;
        if (root != null) threads.push({ rootCommentId: String(root), resolved: thread.isResolved, outdated: thread.isOutdated });
      }
      ({ more: more.threads, cursor: cursors.threads } = advance(pr.reviewThreads));
    }
    if (more.reviews) {
      for (const review of pr.reviews.nodes) {
        if (review.author && isBot(review.author.login, review.author.__typename)) continue;
        if (review.state === 'APPROVED' && !review.body.trim()) {
          emptyApprovals++;
          continue;
        }
        reviews.push({
          id: String(review.databaseId),
          state: review.state,
          ...(review.author && { author: review.author.login }),
          body: review.body,
          ...(review.submittedAt && { submittedAt: review.submittedAt }),
          ...(review.commit && { commit: review.commit.oid }),
        });
      }
      ({ more: more.reviews, cursor: cursors.reviews } = advance(pr.reviews));
    }
    if (more.commits) {
      commits.push(...pr.commits.nodes.map((node) => node.commit.oid));
      ({ more: more.commits, cursor: cursors.commits } = advance(pr.commits));
    }
  }
  return { reviews, threads, commits, emptyApprovals };
}

function advance(connection: Connection<unknown>): { more: boolean; cursor: string | null } {
  return { more: connection.pageInfo.hasNextPage, cursor: connection.pageInfo.endCursor };
}
