import type { ReviewEvent } from '../reviewEvent';
import { fileLine, prompt, reviewedChange, sampleMetadata } from './prompt';
import type { Prompt, Sample } from './sample';

/** The review prompt for an event's change; undefined when the reviewed change is unknown. */
export function reviewCommentPrompt(event: ReviewEvent): Prompt | undefined {
  const change = reviewedChange(event);
  return change === undefined ? undefined : prompt('review-comment', fileLine(event.path), change);
}

/** Review comment generation (CodeReviewer): the change in, the reviewer's comment out. */
export function reviewCommentSample(event: ReviewEvent): Sample | undefined {
  const reviewPrompt = reviewCommentPrompt(event);
  if (!event.neededReview || !event.comment || !reviewPrompt) return undefined;
  return { ...reviewPrompt, task: 'review-comment', groupId: event.groupId, response: event.comment, metadata: sampleMetadata(event) };
}
