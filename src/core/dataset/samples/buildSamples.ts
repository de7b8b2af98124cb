import type { ReviewEvent } from '../reviewEvent';
import { codeRefinementSample } from './codeRefinement';
import { preferencePairs } from './preferencePairs';
import { qualityEstimationSample } from './qualityEstimation';
import { reviewCommentSample } from './reviewComment';
import { ruleExplanationSample } from './ruleExplanation';
import type { PreferencePair, Sample } from './sample';

export interface SampleSet {
  samples: Sample[];
  pairs: PreferencePair[];
  /** Events that gave no sample and no pair, and dismissed findings left unpaired. */
  unused: { noSample: number; unpairedDismissed: number };
}

/**
 * Turns cleaned, scrubbed, deduplicated events into samples. Git and pull-request evidence gives
 * every task its evidence supports. Feedback (findings a model wrote, judged by the user) gives
 * supervised samples only when accepted, never quality-estimation labels (a dismissal does not
 * say the code was fine), and preference pairs.
 */
export function buildSamples(events: Iterable<ReviewEvent>): SampleSet {
  const samples: Sample[] = [];
  const feedback: ReviewEvent[] = [];
  // One quality-estimation sample per hunk of a change, however many comments it drew.
  const quality = new Map<string, Sample>();
  let noSample = 0;

  for (const event of events) {
    const isFeedback = event.kind === 'feedback';
    if (isFeedback) feedback.push(event);
    const supervised = !isFeedback || event.metadata.feedback?.verdict === 'accepted';
    const made = supervised ? [reviewCommentSample(event), codeRefinementSample(event), ruleExplanationSample(event)].filter((s) => s !== undefined) : [];
    samples.push(...made);

    let estimated = false;
    if (!isFeedback) {
      const sample = qualityEstimationSample(event);
      if (sample) {
        const key = `${event.groupId}\u0000${event.path}\u0000${event.diffHunk}`;
        const existing = quality.get(key);
        if (!existing || (existing.response === 'no' && sample.response === 'yes')) quality.set(key, sample);
        estimated = true;
      }
    }
    if (made.length === 0 && !estimated && !isFeedback) noSample++;
  }

  const { pairs, unpairedDismissed } = preferencePairs(feedback);
  return { samples: [...samples, ...quality.values()], pairs, unused: { noSample, unpairedDismissed } };
}
