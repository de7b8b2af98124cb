import type { ChatMessage } from '../../models/chatModel';
import type { PromptRecord } from './promptRecord';
import { promptMessages, type Prompt } from '../../prompt/taskPrompt';
import type { ReviewPromptVariant } from '../../promptVariant';
import type { ReviewEvent, ReviewEventKind } from '../reviewEvent';

export { promptMessages, userMessage, type Prompt } from '../../prompt/taskPrompt';

/** The CodeReviewer tasks, explaining a cited team rule, and the reviewer's own request (review-findings). */
export type SampleTask = 'review-comment' | 'code-refinement' | 'quality-estimation' | 'rule-explanation' | 'review-findings';

export interface SampleMetadata {
  source: ReviewEventKind;
  path: string;
  language: string;
  /** ISO 8601 date of the change or comment. */
  date: string;
  commits?: string[];
  url?: string;
  author?: string;
  reviewer?: string;
  /** The answers in a review comment's thread, oldest first: context for the comment, not an answer to learn. */
  replies?: NonNullable<ReviewEvent['metadata']['replies']>;
  /** review-findings: with the retrieved rules (hybrid route) or without (fine-tuned route). */
  variant?: ReviewPromptVariant;
  /** review-findings: lines of code the window shows. */
  windowLines?: number;
  /** What the prompt was built from, for evaluation to rebuild it with the same builder. */
  prompt: PromptRecord;
}

/** One supervised example. */
export interface Sample extends Prompt {
  task: SampleTask;
  /** The split unit: every sample of one change (PR, merge, commit) shares it and lands in one split. */
  groupId: string;
  /** The assistant's answer. */
  response: string;
  metadata: SampleMetadata;
}

/**
 * One preference example: the same prompt, an answer the user preferred and one they did not.
 * `pairing` says which evidence made the pair (see preferencePairs.ts).
 */
export interface PreferencePair extends Prompt {
  task: 'review-comment' | 'code-refinement';
  groupId: string;
  chosen: string;
  rejected: string;
  metadata: SampleMetadata & { pairing: 'accepted-vs-dismissed' | 'suggestion-vs-original' };
}

/** System, user and assistant messages of a sample. */
export function sampleMessages(sample: Sample): ChatMessage[] {
  return [...promptMessages(sample), { role: 'assistant', content: sample.response }];
}

/** Where a sample came from, and what its prompt was built from. */
export function sampleMetadata(event: ReviewEvent, prompt: PromptRecord): SampleMetadata {
  return {
    source: event.kind,
    path: event.path,
    language: prompt.language,
    date: event.date,
    ...(event.metadata.commits?.length && { commits: event.metadata.commits }),
    ...(event.metadata.url && { url: event.metadata.url }),
    ...(event.author && { author: event.author }),
    ...(event.reviewer && { reviewer: event.reviewer }),
    ...(event.metadata.replies?.length && { replies: event.metadata.replies }),
    prompt,
  };
}
