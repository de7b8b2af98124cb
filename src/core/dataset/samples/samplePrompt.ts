import { sha256 } from '../../hash';
import type { PromptPassage } from '../../prompt/dataBlocks';
import { promptRecord, type PromptRecord } from './promptRecord';
import { buildPrompt, type Prompt, type PromptFileText, type PromptInput } from '../../prompt/taskPrompt';
import { languageOf } from '../../language';
import type { ReviewEvent } from '../reviewEvent';

/** A dataset task's prompt input, less its nonce. */
export type SamplePromptInput<P extends PromptPassage = PromptPassage> = Omit<PromptInput<P>, 'nonce' | 'task'> & { task: PromptRecord['task'] };

export interface SamplePrompt<P extends PromptPassage = PromptPassage> {
  prompt: Prompt;
  record: PromptRecord;
  /** The rule ids the prompt shows, for checking an answer's citations. */
  labels: ReadonlyMap<string, P>;
}

/** The reviewed file and its language, as a prompt names them. */
export type SampleFile = Pick<PromptFileText, 'path' | 'language'>;

/**
 * A dataset task's prompt, framed by the one builder serving uses, and its record for metadata.jsonl (what
 * evaluation rebuilds it from). The nonce comes from the content, so the same prompt from two pieces of
 * evidence stays the same text and deduplication still finds it (review-findings passes its own).
 */
export function samplePrompt<P extends PromptPassage>(input: SamplePromptInput<P>, file: SampleFile, nonce = contentNonce(input, file.path)): SamplePrompt<P> {
  const { system, instruction, input: data, labels } = buildPrompt({ ...input, nonce });
  return { prompt: { system, instruction, input: data }, record: promptRecord({ ...input, nonce }, file.path, file.language), labels };
}

function contentNonce(input: SamplePromptInput<PromptPassage>, path: string): string {
  const content = [input.window ? JSON.stringify(input.window.segments.map((s) => input.window!.target.lines.slice(s.startLine - 1, s.endLine))) : '', input.code?.text ?? '', input.diff?.text ?? '', input.comment ?? '', input.citedRule ?? ''];
  return sha256('prompt', input.task, path, ...content).slice(0, 16);
}

/**
 * An event's file and its language as a review of that file names it: decided from the whole file as git had it
 * at the commented commit where the event carries it (`languageOf` reads a `.h` file's text), else from the
 * reviewed code, a part of the same file.
 */
export function eventFile(event: ReviewEvent): SampleFile {
  const text = event.anchor?.fileText ?? event.reviewedFile?.fileText ?? event.before;
  return { path: event.path, language: languageOf(event.path, text) };
}

/** The file's text as a prompt block shows it. */
export function fileText(file: SampleFile, text: string): PromptFileText {
  return { ...file, text };
}

/** Events whose hunk is not the reviewed change: a follow-up's hunk is the fix itself (it would give the answer away), and a finding was about code as it stands. */
const CODE_NOT_DIFF = new Set<ReviewEvent['kind']>(['review-followup', 'feedback']);

/** The change a reviewer looked at: its diff hunk, else the reviewed code; undefined when neither is known. */
export function reviewedChange(event: ReviewEvent): Pick<PromptInput, 'diff' | 'code'> | undefined {
  if (!CODE_NOT_DIFF.has(event.kind) && event.diffHunk.trim()) return { diff: fileText(eventFile(event), event.diffHunk) };
  if (event.before?.trim()) return { code: fileText(eventFile(event), event.before) };
  return undefined;
}
