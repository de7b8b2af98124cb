import type { ReviewEvent } from '../reviewEvent';
import { sampleMetadata, type Sample } from './sample';
import { eventFile, fileText, samplePrompt } from './samplePrompt';

/**
 * The whole hunk of the change an event's label is about. A forge's comment hunk stops at the commented
 * line while git's hunks are whole, so a comment gives its hunk rebuilt from git or none: otherwise "cut
 * short" would be a give-away for "yes". A review follow-up's hunk is the fix, not the reviewed change; an
 * uncommented file's diff is all its hunks at one version, not one hunk merged as written.
 */
export function labelledHunk(event: ReviewEvent): string | undefined {
  if (event.kind === 'review-followup' || event.kind === 'pr-file') return undefined;
  const hunk = event.kind === 'pr-comment' ? event.fullHunk : event.diffHunk;
  return hunk?.trim() ? hunk : undefined;
}

/** Quality estimation (CodeReviewer): a whole diff hunk in, whether it drew review ("yes") or passed as it was ("no") out. */
export function qualityEstimationSample(event: ReviewEvent): Sample | undefined {
  const hunk = labelledHunk(event);
  if (hunk === undefined) return undefined;
  const file = eventFile(event);
  const { prompt, record } = samplePrompt({ task: 'quality-estimation', diff: fileText(file, hunk) }, file);
  return { ...prompt, task: 'quality-estimation', groupId: event.groupId, response: event.neededReview ? 'yes' : 'no', metadata: sampleMetadata(event, record) };
}
