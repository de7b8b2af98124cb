import type { ReviewEvent } from '../reviewEvent';
import { sampleMetadata, type Sample } from './sample';
import { eventFile, reviewedChange, samplePrompt, type SamplePrompt } from './samplePrompt';

/** The review prompt for an event's change, and its record; undefined when the reviewed change is unknown. */
export function reviewCommentPrompt(event: ReviewEvent): SamplePrompt | undefined {
  const change = reviewedChange(event);
  return change === undefined ? undefined : samplePrompt({ task: 'review-comment', ...change }, eventFile(event));
}

/** Review comment generation (CodeReviewer): the change in, the reviewer's comment out. */
export function reviewCommentSample(event: ReviewEvent): Sample | undefined {
  const built = reviewCommentPrompt(event);
  if (!event.neededReview || !event.comment || !built) return undefined;
  return { ...built.prompt, task: 'review-comment', groupId: event.groupId, response: event.comment, metadata: sampleMetadata(event, built.record) };
}
