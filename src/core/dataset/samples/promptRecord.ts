import { HouseStyleError } from '../../errors';
import type { LineRange } from '../../lineRange';
import type { PromptPassage, PromptRule } from '../../prompt/dataBlocks';
import type { PromptInput, PromptTask } from '../../prompt/taskPrompt';
import type { ReviewPromptVariant } from '../../promptVariant';
import type { ReviewWindow } from '../../review/reviewWindow';

/**
 * A prompt's input as plain JSON, kept with each sample in the dataset's metadata.jsonl: evaluation rebuilds
 * the prompt from it with the same builder (adding the rules a route retrieves) instead of patching the text
 * the dataset stored.
 */
export interface PromptRecord {
  task: Exclude<PromptTask, 'question' | 'rule-rerank'>;
  nonce: string;
  variant?: ReviewPromptVariant;
  /** The reviewed file, workspace-relative, and its language. */
  path: string;
  language: string;
  /** review-findings: the window's segments, each with its lines as reviewed (at the commented commit). */
  window?: (LineRange & { lines: string[] })[];
  /** The code a task revises, or the reviewed code where no diff is known. */
  code?: string;
  diff?: string;
  comment?: string;
  citedRule?: string;
  /** The rule passages the prompt showed, in label order (R1 first). */
  rules?: (PromptPassage & { text: string })[];
}

const REBUILD = 'Rebuild the dataset with housestyle dataset build.';

/** The record of a prompt input (the dataset's side). */
export function promptRecord(input: PromptInput & { task: PromptRecord['task']; nonce: string }, path: string, language: string): PromptRecord {
  return {
    task: input.task,
    nonce: input.nonce,
    ...(input.variant && { variant: input.variant }),
    path,
    language,
    ...(input.window && {
      window: input.window.segments.map((s) => ({ startLine: s.startLine, endLine: s.endLine, lines: input.window!.target.lines.slice(s.startLine - 1, s.endLine) })),
    }),
    ...(input.code && { code: input.code.text }),
    ...(input.diff && { diff: input.diff.text }),
    ...(input.comment !== undefined && { comment: input.comment }),
    ...(input.citedRule !== undefined && { citedRule: input.citedRule }),
    ...(input.rules?.length && { rules: input.rules.map(({ passage, text }) => ({ source: passage.source, startLine: passage.startLine, endLine: passage.endLine, heading: passage.heading, text })) }),
  };
}

/** A prompt's input rebuilt from its record: the window is a review window over the recorded lines, which retrieval searches with as the reviewer does. */
export type RecordedPromptInput = Omit<PromptInput, 'window'> & { task: PromptRecord['task']; window?: ReviewWindow };

/** The prompt input a record stands for (evaluation's side); a record without what its task needs is refused in one line. */
export function promptInput(record: unknown, where: string): RecordedPromptInput {
  if (!isRecord(record)) {
    throw new HouseStyleError(`${where} has no prompt record in metadata.jsonl (the dataset was built by an older House Style).`, REBUILD, 'dataset', { fix: ['build-dataset'] });
  }
  const file = (text: string) => ({ path: record.path, language: record.language, text });
  const rules: PromptRule[] | undefined = record.rules?.map(({ text, ...passage }) => ({ passage, text }));
  return {
    task: record.task,
    nonce: record.nonce,
    ...(record.variant && { variant: record.variant }),
    ...(record.window && { window: windowOf(record.path, record.language, record.window) }),
    ...(record.code !== undefined && { code: file(record.code) }),
    ...(record.diff !== undefined && { diff: file(record.diff) }),
    ...(record.comment !== undefined && { comment: record.comment }),
    ...(record.citedRule !== undefined && { citedRule: record.citedRule }),
    ...(rules && { rules }),
  };
}

/** A window whose target holds only the reviewed lines (the prompt never shows the others). */
function windowOf(path: string, language: string, segments: NonNullable<PromptRecord['window']>): ReviewWindow {
  const lines: string[] = [];
  for (const segment of segments) segment.lines.forEach((line, i) => (lines[segment.startLine - 1 + i] = line));
  const ranges = segments.map(({ startLine, endLine }) => ({ startLine, endLine }));
  return { target: { path, language, lines: Array.from(lines, (line) => line ?? ''), ranges }, segments: ranges };
}

function isRecord(value: unknown): value is PromptRecord {
  const record = value as Partial<PromptRecord> | undefined;
  if (typeof record !== 'object' || record === null) return false;
  if (typeof record.task !== 'string' || typeof record.nonce !== 'string' || typeof record.path !== 'string' || typeof record.language !== 'string') return false;
  if (record.task === 'review-findings' && !Array.isArray(record.window)) return false;
  return record.window === undefined || record.window.every((s) => Number.isInteger(s.startLine) && Number.isInteger(s.endLine) && Array.isArray(s.lines));
}
