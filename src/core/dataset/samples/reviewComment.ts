import type { ReviewEvent } from '../reviewEvent';
import { isBareRemoval, REMOVAL_WORDS } from './commentFinding';
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
  // An empty suggestion block alone says nothing outside GitHub's page: its meaning goes before it, in words.
  const response = isBareRemoval(event.comment) ? `${REMOVAL_WORDS}\n${event.comment}` : event.comment;
  return { ...built.prompt, task: 'review-comment', groupId: event.groupId, response, metadata: sampleMetadata(event, built.record) };
}
