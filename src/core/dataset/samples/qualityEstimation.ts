import type { ReviewEvent } from '../reviewEvent';
import { block, fileLine, prompt, sampleMetadata } from './prompt';
import type { Sample } from './sample';

/**
 * Quality estimation (CodeReviewer): a diff hunk in, whether it drew review ("yes") or passed as it was
 * ("no") out. A review follow-up's hunk is the fix, not the reviewed change, so it gives no label.
 */
export function qualityEstimationSample(event: ReviewEvent): Sample | undefined {
  if (event.kind === 'review-followup' || !event.diffHunk.trim()) return undefined;
  return {
    ...prompt('quality-estimation', fileLine(event.path), block('Diff', event.diffHunk, 'diff')),
    task: 'quality-estimation',
    groupId: event.groupId,
    response: event.neededReview ? 'yes' : 'no',
    metadata: sampleMetadata(event),
  };
}
