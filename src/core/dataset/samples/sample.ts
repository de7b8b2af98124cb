import type { ChatMessage } from '../../models/chatModel';
import type { ReviewPromptVariant } from '../../promptVariant';
import type { ReviewEvent, ReviewEventKind } from '../reviewEvent';

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
}

/**
 * What a model is asked: a system message, and a user message in two parts — a fixed instruction
 * per task and the input (the repository data, fenced), kept apart for formats such as Alpaca.
 */
export interface Prompt {
  system: string;
  instruction: string;
  input: string;
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

/** The user message: the instruction, then the input (a review-findings prompt is all instruction, as the reviewer sends it). */
export function userMessage(prompt: Prompt): string {
  return prompt.input ? `${prompt.instruction}\n\n${prompt.input}` : prompt.instruction;
}

/** The system and user messages of a prompt. */
export function promptMessages(prompt: Prompt): ChatMessage[] {
  return [
    { role: 'system', content: prompt.system },
    { role: 'user', content: userMessage(prompt) },
  ];
}

/** System, user and assistant messages of a sample. */
export function sampleMessages(sample: Sample): ChatMessage[] {
  return [...promptMessages(sample), { role: 'assistant', content: sample.response }];
}
