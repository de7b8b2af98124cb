import type { ReviewEvent } from '../reviewEvent';
import { commitMetadata, filePath, groupOf, reviewerOf } from './commitEvidence';
import type { CommitGraph } from './commitGraph';
import type { GitCommit } from '../../git/gitLogStream';
import type { FileDiff } from '../../git/unifiedDiff';
import { hunkText, newSide, oldSide } from '../../git/hunk';
import { compileSettingPatterns } from '../../settingPatterns';

/** Whether a commit's raw message says it answers review (dataset.reviewPatterns). */
export type FollowupMatcher = (message: string) => boolean;

export function reviewFollowupMatcher(patterns: string[]): FollowupMatcher {
  const regexes = compileSettingPatterns(patterns, 'dataset.reviewPatterns', 'im');
  if (regexes.length === 0) return () => false;
  // One alternation scans each message once instead of once per pattern (every commit is tested).
  const any = new RegExp(regexes.map((regex) => `(?:${regex.source})`).join('|'), 'im');
  return (message) => any.test(message);
}

/**
 * One event per text hunk of the follow-up's `files`: the code it changed (before) and what it became
 * (after). The commit's message is the author's words, not a reviewer's, so it is no comment.
 */
export function followupEvents(commit: GitCommit, files: FileDiff[], graph: CommitGraph): ReviewEvent[] {
  const events: ReviewEvent[] = [];
  const reviewer = reviewerOf(commit);
  for (const file of files) {
    if (file.binary) continue;
    for (const hunk of file.hunks) {
      events.push({
        kind: 'review-followup',
        groupId: groupOf(graph, commit.sha),
        path: filePath(file),
        diffHunk: hunkText(hunk),
        before: oldSide(hunk),
        after: newSide(hunk),
        neededReview: true,
        author: commit.authorName,
        ...(reviewer && { reviewer }),
        date: commit.authorDate,
        metadata: commitMetadata(graph, [commit], [file]),
      });
    }
  }
  return events;
}
