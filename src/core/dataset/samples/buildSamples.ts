import type { ReviewEvent } from '../reviewEvent';
import { codeRefinementSample } from './codeRefinement';
import { preferencePairs } from './preferencePairs';
import { labelledHunk, qualityEstimationSample } from './qualityEstimation';
import { reviewCommentSample } from './reviewComment';
import { ruleExplanationSample } from './ruleExplanation';
import type { PreferencePair, Sample } from './sample';

export interface SampleSet {
  samples: Sample[];
  pairs: PreferencePair[];
  /**
   * Events that gave no sample and no pair, dismissed findings left unpaired, and review comments whose
   * whole hunk could not be rebuilt from git (so they give no quality-estimation label).
   */
  unused: { noSample: number; unpairedDismissed: number; truncatedHunk: number };
}

/** What one event gives on its own: its supervised samples, and its quality-estimation label (none for feedback). */
export interface EventSamples {
  made: Sample[];
  quality?: Sample;
}

/** One event's samples, a function of the event alone: a build makes them as the evidence arrives, while git still writes. */
export function eventSamples(event: ReviewEvent): EventSamples {
  const isFeedback = event.kind === 'feedback';
  const supervised = !isFeedback || event.metadata.feedback?.verdict === 'accepted';
  const made = supervised ? [reviewCommentSample(event), codeRefinementSample(event), ruleExplanationSample(event)].filter((s) => s !== undefined) : [];
  const quality = isFeedback ? undefined : qualityEstimationSample(event);
  return { made, ...(quality && { quality }) };
}

/**
 * Turns cleaned, scrubbed, deduplicated events into samples (review-findings is built apart: it needs the
 * reviewer's retrieval). Pull-request evidence gives every task its evidence supports; git-only evidence
 * (follow-ups, branch rewrites) has no reviewer words, so it gives only quality estimation and code
 * refinement without a comment, never a commit subject as a reviewer's text. Feedback (findings a model wrote, judged by the user) gives
 * supervised samples only when accepted, never quality-estimation labels (a dismissal does not
 * say the code was fine), and preference pairs. `samplesOf` gives each event's own samples (made ahead, or now).
 */
export function buildSamples(events: Iterable<ReviewEvent>, samplesOf: (event: ReviewEvent) => EventSamples = eventSamples): SampleSet {
  const samples: Sample[] = [];
  const feedback: ReviewEvent[] = [];
  // One quality-estimation sample per hunk of a change, however many comments it drew.
  const quality = new Map<string, Sample>();
  let noSample = 0;
  let truncatedHunk = 0;

  for (const event of events) {
    const isFeedback = event.kind === 'feedback';
    if (isFeedback) feedback.push(event);
    const { made, quality: sample } = samplesOf(event);
    samples.push(...made);

    let estimated = false;
    if (!isFeedback) {
      if (!sample && event.kind === 'pr-comment') truncatedHunk++;
      if (sample) {
        const key = `${event.groupId}\u0000${event.path}\u0000${labelledHunk(event)}`;
        const existing = quality.get(key);
        if (!existing || (existing.response === 'no' && sample.response === 'yes')) quality.set(key, sample);
        estimated = true;
      }
    }
    // An uncommented file of a pull request is evidence for review-findings only, built apart.
    if (made.length === 0 && !estimated && !isFeedback && event.kind !== 'pr-file') noSample++;
  }

  const { pairs, unpairedDismissed } = preferencePairs(feedback);
  return { samples: [...samples, ...quality.values()], pairs, unused: { noSample, unpairedDismissed, truncatedHunk } };
}
