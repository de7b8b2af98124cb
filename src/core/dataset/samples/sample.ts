import type { ChatMessage } from '../../models/chatModel';
import type { ReviewEventKind } from '../reviewEvent';

/** The CodeReviewer tasks, plus explaining a cited team rule. */
export type SampleTask = 'review-comment' | 'code-refinement' | 'quality-estimation' | 'rule-explanation';

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

export function userMessage(prompt: Prompt): string {
  return `${prompt.instruction}\n\n${prompt.input}`;
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
