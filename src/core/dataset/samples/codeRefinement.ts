import type { ReviewEvent } from '../reviewEvent';
import { languageOf } from './language';
import { block, fileLine, prompt, sampleMetadata } from './prompt';
import type { Prompt, Sample } from './sample';

/** The refinement prompt: with the reviewer's comment, or (git-only evidence) without reviewer words. */
export function codeRefinementPrompt(path: string, code: string, comment: string | undefined): Prompt {
  const parts = [fileLine(path), block('Code', code, languageOf(path)), ...(comment ? [block('Review comment', comment)] : [])];
  return comment ? prompt('code-refinement', ...parts) : prompt('code-revision', ...parts);
}

/**
 * Code refinement (CodeReviewer): the reviewed code and the comment in, the code as the author revised it
 * out. Git-only evidence (a review follow-up, a rewrite inside a pull request) has no reviewer words, so
 * its prompt carries none rather than a commit subject. An empty revision (the code was deleted) is no
 * target to learn.
 */
export function codeRefinementSample(event: ReviewEvent): Sample | undefined {
  const { before, after, comment } = event;
  if (!event.neededReview || !before?.trim() || !after?.trim() || before === after) return undefined;
  if (!comment && event.kind !== 'review-followup' && event.kind !== 'branch-rewrite') return undefined;
  return { ...codeRefinementPrompt(event.path, before, comment), task: 'code-refinement', groupId: event.groupId, response: after, metadata: sampleMetadata(event) };
}
