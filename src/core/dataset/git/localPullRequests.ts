import { readGitLog } from '../../git/gitLogStream';
import { pullRequestRef } from './pullRequestRef';

/** A pull request as it landed in the local history: a merge commit, or a squash commit naming it. */
export interface LocalPullRequest {
  /** The merge (or squash) commit. */
  commit: string;
  /** The pull request's final code: the merge's last parent, or the squash commit itself. */
  head: string;
  number?: string;
}

/** Every merge, and every single-parent commit whose message names a pull request, on any local ref. */
export async function localPullRequests(repo: string, signal?: AbortSignal): Promise<LocalPullRequest[]> {
  const found: LocalPullRequest[] = [];
  for await (const commit of readGitLog({ repo, allRefs: true, patches: false, oldestFirst: false, signal })) {
    const { number } = pullRequestRef(commit);
    if (commit.parents.length > 1) found.push({ commit: commit.sha, head: commit.parents[commit.parents.length - 1]!, ...(number && { number }) });
    else if (number) found.push({ commit: commit.sha, head: commit.sha, number });
  }
  return found;
}

/**
 * The local landing of a pull request: by its number when `number` is this repository's (a fork's #123 is
 * not ours), else by a merge whose last parent is one of its reviewed heads.
 */
export function findLocalPullRequest(pullRequests: LocalPullRequest[], number: string | undefined, heads: string[]): LocalPullRequest | undefined {
  if (number) {
    const byNumber = pullRequests.find((pr) => pr.number === number);
    if (byNumber) return byNumber;
  }
  return pullRequests.find((pr) => pr.head !== pr.commit && heads.some((head) => pr.head.startsWith(head)));
}
