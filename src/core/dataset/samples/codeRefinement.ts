import type { ReviewEvent } from '../reviewEvent';
import { sampleMetadata, type Sample } from './sample';
import { eventFile, fileText, samplePrompt, type SampleFile, type SamplePrompt } from './samplePrompt';

/** The refinement prompt and its record: with the reviewer's comment, or (git-only evidence) without reviewer words. */
export function codeRefinementPrompt(file: SampleFile, code: string, comment: string | undefined): SamplePrompt {
  const task = comment ? 'code-refinement' : 'code-revision';
  return samplePrompt({ task, code: fileText(file, code), ...(comment && { comment }) }, file);
}

/** Whether `after` is `before` with lines inserted and none changed or removed: every line of `before` kept, in order. */
function onlyInserts(before: string, after: string): boolean {
  const revised = after.split('\n');
  let at = 0;
  for (const line of before.split('\n')) {
    while (at < revised.length && revised[at] !== line) at++;
    if (at === revised.length) return false;
    at++;
  }
  return true;
}

/**
 * Code refinement (CodeReviewer): the reviewed code and the comment in, the code as the author revised it
 * out. Git-only evidence (a review follow-up, a rewrite inside a pull request) has no reviewer words, so
 * its prompt carries none rather than a commit subject; and where it only inserts lines beside code it
 * leaves as it was (libuv's follow-up declaring two Windows functions at the end of a header), nothing in
 * the code asks for what was added, so it is no target to learn either. Nor is an empty revision (the code
 * was deleted).
 */
export function codeRefinementSample(event: ReviewEvent): Sample | undefined {
  const { before, after, comment } = event;
  if (!event.neededReview || !before?.trim() || !after?.trim() || before === after) return undefined;
  if (!comment && event.kind !== 'review-followup' && event.kind !== 'branch-rewrite') return undefined;
  if (!comment && onlyInserts(before, after)) return undefined;
  const { prompt, record } = codeRefinementPrompt(eventFile(event), before, comment);
  return { ...prompt, task: 'code-refinement', groupId: event.groupId, response: after, metadata: sampleMetadata(event, record) };
}
