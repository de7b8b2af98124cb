import type { ReviewEvent } from '../reviewEvent';
import { commitMetadata, filePath, groupOf, reviewerOf } from './commitEvidence';
import type { CommitGraph } from './commitGraph';
import type { FileDiff, GitCommit } from './gitLogStream';
import { hunkText, newSide, oldSide } from './hunk';
import { compileSettingPatterns } from './settingPatterns';

/** Returns the follow-up's reason when a commit answers review (dataset.reviewPatterns), else undefined. */
export type FollowupMatcher = (commit: GitCommit) => string | undefined;

const EDGES = /^[\s:;,.!"'\-–—]+|[\s:;,"'\-–—]+$/g;
/** Words that only say "review" happened ("Address review comments: …"), not why. */
const FILLER = /^(?:comments?|feedback|fixes|nits?|suggestions?)\b/i;

export function reviewFollowupMatcher(patterns: string[]): FollowupMatcher {
  const regexes = compileSettingPatterns(patterns, 'dataset.reviewPatterns', 'im');
  return (commit) => {
    const regex = regexes.find((candidate) => candidate.test(commit.message));
    return regex ? followupReason(commit, regex) : undefined;
  };
}

/**
 * The reason: the subject without the review marker, then the body without trailers. When the marker is
 * followed by a colon ("Apply review feedback: use const"), only what follows the colon is the reason.
 */
function followupReason(commit: GitCommit, marker: RegExp): string {
  const match = marker.exec(commit.subject);
  let subject = commit.subject;
  if (match) {
    const before = subject.slice(0, match.index);
    const after = subject.slice(match.index + match[0].length).trim().replace(FILLER, '').trim();
    subject = /^[:\-–—]/.test(after) ? after : `${before} ${after}`;
  }
  subject = subject.replace(EDGES, '').replace(/\s{2,}/g, ' ');
  return [subject, commit.body].filter(Boolean).join('\n\n');
}

/** One event per text hunk of the follow-up's `files`: the code it changed (before), what it became (after), and why. */
export function followupEvents(commit: GitCommit, files: FileDiff[], reason: string, graph: CommitGraph): ReviewEvent[] {
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
        comment: reason,
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
