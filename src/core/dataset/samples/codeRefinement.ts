import type { ReviewEvent } from '../reviewEvent';
import { languageOf } from './language';
import { block, fileLine, prompt, sampleMetadata } from './prompt';
import type { Prompt, Sample } from './sample';

export function codeRefinementPrompt(path: string, code: string, comment: string): Prompt {
  return prompt('code-refinement', fileLine(path), block('Code', code, languageOf(path)), block('Review comment', comment));
}

/**
 * Code refinement (CodeReviewer): the reviewed code and the comment in, the code as the author
 * revised it out. Needs all three; an empty revision (the code was deleted) is no target to learn.
 */
export function codeRefinementSample(event: ReviewEvent): Sample | undefined {
  const { before, after, comment } = event;
  if (!event.neededReview || !comment || !before?.trim() || !after?.trim() || before === after) return undefined;
  return { ...codeRefinementPrompt(event.path, before, comment), task: 'code-refinement', groupId: event.groupId, response: after, metadata: sampleMetadata(event) };
}
