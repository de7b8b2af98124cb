import { throwIfCancelled } from '../../errors';
import { gitText } from '../../git/gitProcess';
import type { GitObjectReader } from '../../git/gitObjectReader';
import type { ReviewEvent } from '../reviewEvent';
import { changedRanges, wholeFileDiff } from './rebuiltHunk';

/** A pull request whose comments were joined to local code: where it was reviewed, from which base, and which files drew a comment. */
export interface ReviewedPullRequest {
  groupId: string;
  base: string;
  /** The commit its first joined comment was made on: a version reviewers saw. */
  commit: string;
  commented: Set<string>;
  date: string;
  metadata: Pick<ReviewEvent['metadata'], 'pullRequest' | 'url'>;
}

/**
 * The files a commented pull request changed (base → the reviewed commit) that drew no comment, one 'pr-file'
 * event each: the whole file at that commit and the lines the pull request changed in it, which is what a diff
 * review of it is sent. Reviewers read these and passed them, so their windows are review-findings negatives
 * as long as the commented ones (a hunk alone is shorter than any window a reviewer is sent). Deleted files
 * are left out: a review is sent nothing of them.
 */
export async function* uncommentedFileEvents(repo: string, reader: GitObjectReader, pr: ReviewedPullRequest, signal?: AbortSignal): AsyncGenerator<ReviewEvent> {
  const names = await gitText(repo, ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=AM', '--end-of-options', pr.base, pr.commit], signal);
  for (const path of names.split('\0')) {
    if (path === '' || pr.commented.has(path)) continue;
    throwIfCancelled(signal);
    const text = await reader.readFile(pr.commit, path);
    if (text === undefined) continue;
    const baseText = (await reader.readFile(pr.base, path)) ?? '';
    const changed = changedRanges(baseText, text);
    const diffHunk = wholeFileDiff(baseText, text);
    if (!changed?.length || !diffHunk) continue;
    yield {
      kind: 'pr-file',
      groupId: pr.groupId,
      path,
      diffHunk,
      reviewedFile: { commit: pr.commit, fileText: text, changed },
      neededReview: false,
      date: pr.date,
      metadata: { commits: [pr.commit], ...pr.metadata },
    };
  }
}
