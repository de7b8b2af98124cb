import type { ReviewEvent } from '../reviewEvent';
import { codeRefinementPrompt } from './codeRefinement';
import { reviewCommentPrompt } from './reviewComment';
import { sampleMetadata, type PreferencePair } from './sample';
import { eventFile } from './samplePrompt';

export interface PreferenceResult {
  pairs: PreferencePair[];
  /** Dismissed findings with no accepted finding on the same code: no honest pair exists for them. */
  unpairedDismissed: number;
}

/** The code a finding was about; two findings are on the same prompt when path and code agree. */
function codeKey(event: ReviewEvent): string {
  return `${event.path}\u0000${(event.before ?? event.diffHunk).trim()}`;
}

/**
 * Preference pairs from the editor's feedback log, built only where both answers really answer the
 * same prompt:
 * - accepted vs dismissed: on the same code, the user kept one finding and dismissed another, so the
 *   accepted comment is chosen over the dismissed one for that code's review prompt;
 * - suggestion vs original: the user accepted a finding and its suggested fix, so for "revise this
 *   code to address this comment" the fix is chosen over leaving the code as it was.
 * A dismissed finding alone says what the user did not want, not what they wanted, so it pairs with
 * nothing (and is counted). Neither is a dismissed suggestion turned into a "chosen original": the
 * dismissal rejects the comment, so the refinement prompt built on it would be false.
 */
export function preferencePairs(feedback: Iterable<ReviewEvent>): PreferenceResult {
  const byCode = new Map<string, { accepted: ReviewEvent[]; dismissed: ReviewEvent[] }>();
  for (const event of feedback) {
    const verdict = event.metadata.feedback?.verdict;
    if (!verdict || !event.comment) continue;
    const key = codeKey(event);
    const entry = byCode.get(key) ?? { accepted: [], dismissed: [] };
    entry[verdict].push(event);
    byCode.set(key, entry);
  }

  const pairs: PreferencePair[] = [];
  let unpairedDismissed = 0;
  for (const { accepted, dismissed } of byCode.values()) {
    if (accepted.length === 0) unpairedDismissed += dismissed.length;
    for (const chosen of accepted) {
      const review = reviewCommentPrompt(chosen);
      if (review) {
        for (const rejected of dismissed) {
          pairs.push({
            ...review.prompt,
            task: 'review-comment',
            groupId: chosen.groupId,
            chosen: chosen.comment!,
            rejected: rejected.comment!,
            metadata: { ...sampleMetadata(chosen, review.record), pairing: 'accepted-vs-dismissed' },
          });
        }
      }
      const suggestion = chosen.after ?? chosen.metadata.feedback?.suggestion;
      if (chosen.before?.trim() && suggestion?.trim() && suggestion !== chosen.before) {
        const refinement = codeRefinementPrompt(eventFile(chosen), chosen.before, chosen.comment!);
        pairs.push({
          ...refinement.prompt,
          task: 'code-refinement',
          groupId: chosen.groupId,
          chosen: suggestion,
          rejected: chosen.before,
          metadata: { ...sampleMetadata(chosen, refinement.record), pairing: 'suggestion-vs-original' },
        });
      }
    }
  }
  return { pairs, unpairedDismissed };
}
