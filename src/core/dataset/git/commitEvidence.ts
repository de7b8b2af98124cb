import type { ReviewEvent } from '../reviewEvent';
import type { CommitGraph } from './commitGraph';
import type { GitCommit } from '../../git/gitLogStream';
import type { FileDiff } from '../../git/unifiedDiff';
import { pullRequestRef } from './pullRequestRef';
import { mergeTrailers, trailerValues } from '../../git/trailers';

/** A pull-request branch keeps its commits in one split: their group is the merge that brought them in. */
export function groupOf(graph: CommitGraph, sha: string): string {
  return graph.seriesOf.get(sha) ?? sha;
}

/** The path an event is about: after the change, or before it for a deletion. */
export function filePath(file: FileDiff): string {
  return file.newPath ?? file.oldPath ?? '';
}

/**
 * Metadata shared by every event mined from commits: the commits involved, their trailers (and the merge's),
 * the pull request, revert labels and whether any text had to be decoded lossily.
 */
export function commitMetadata(graph: CommitGraph, commits: GitCommit[], files: FileDiff[]): ReviewEvent['metadata'] {
  const merge = graph.merges.get(groupOf(graph, commits[0]!.sha));
  const trailers = mergeTrailers(...commits.map((commit) => commit.trailers), merge?.trailers ?? {});
  const url = trailerValues(trailers, 'PR-URL')[0] ?? merge?.pullRequest.url;
  const pullRequest = merge?.pullRequest.number ?? commits.map((commit) => pullRequestRef(commit).number).find(Boolean);
  const revert = commits.some((commit) => graph.reverted.has(commit.sha)) ? 'reverted' : commits.some((commit) => graph.reverts.has(commit.sha)) ? 'is-revert' : undefined;
  const lossy = files.some((file) => file.lossy) || commits.some((commit) => commit.lossy);
  return {
    commits: commits.map((commit) => commit.sha),
    ...(Object.keys(trailers).length > 0 && { trailers }),
    ...(url && { url }),
    ...(pullRequest && { pullRequest }),
    ...(revert && { revert }),
    ...(lossy && { lossyText: true }),
  };
}

/** The first Reviewed-by trailer's name, without the email address. */
export function reviewerOf(commit: GitCommit): string | undefined {
  const value = trailerValues(commit.trailers, 'Reviewed-by')[0];
  return value?.replace(/\s*<[^>]*>\s*$/, '').trim() || undefined;
}
