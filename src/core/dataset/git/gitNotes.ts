import type { ReviewEvent } from '../reviewEvent';
import { commitMetadata, filePath, groupOf } from './commitEvidence';
import type { CommitGraph } from './commitGraph';
import type { GitCommit } from '../../git/gitLogStream';
import type { FileDiff } from '../../git/unifiedDiff';
import { hunkText } from '../../git/hunk';
import { gitText } from '../../git/gitProcess';

/** The notes ref read as review comments when none is configured. */
export const DEFAULT_NOTES_REF = 'refs/notes/review';

/** The commits that carry a note under `ref` (`git notes list`: one "note-object annotated-object" per line); none when the ref is absent. */
export async function notedCommits(repo: string, ref: string, signal?: AbortSignal): Promise<Set<string>> {
  const listing = await gitText(repo, ['notes', `--ref=${ref}`, 'list'], signal);
  return new Set(listing.split('\n').flatMap((line) => line.split(' ')[1] ?? []));
}

/**
 * A note (under the review notes ref) comments on the whole commit, so each of its changed text `files`
 * becomes one event: its hunks as the reviewed diff, the note as the reviewer's words.
 */
export function noteEvents(commit: GitCommit, files: FileDiff[], graph: CommitGraph): ReviewEvent[] {
  return files
    .filter((file) => !file.binary && file.hunks.length > 0)
    .map((file) => ({
      kind: 'note',
      groupId: groupOf(graph, commit.sha),
      path: filePath(file),
      diffHunk: file.hunks.map(hunkText).join('\n'),
      comment: commit.notes,
      neededReview: true,
      author: commit.authorName,
      date: commit.authorDate,
      metadata: commitMetadata(graph, [commit], [file]),
    }));
}
