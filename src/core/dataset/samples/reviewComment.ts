import type { ReviewEvent } from '../reviewEvent';
import { changeBlock, fileLine, prompt, sampleMetadata } from './prompt';
import type { Prompt, Sample } from './sample';

export function reviewCommentPrompt(event: ReviewEvent): Prompt {
  return prompt('review-comment', fileLine(event.path), changeBlock(event));
}

/** Review comment generation (CodeReviewer): the change in, the reviewer's comment out. */
export function reviewCommentSample(event: ReviewEvent): Sample | undefined {
  if (!event.neededReview || !event.comment) return undefined;
  return { ...reviewCommentPrompt(event), task: 'review-comment', groupId: event.groupId, response: event.comment, metadata: sampleMetadata(event) };
}
