import { modelAnswerSchema } from '../review/finding';
import { bleuTokens, sentenceBleu } from './bleu';
import type { TestExample } from './testSplit';

/** How one answer scored against the human's. */
export interface AnswerScore {
  task: string;
  /** The same key for the same example under every route (both prompt variants of one review window share it). */
  key: string;
  /** Of the expected shape: findings JSON where the reference is findings, otherwise any text. */
  valid: boolean;
  exact: boolean;
  /** Sentence BLEU-4, 0–1, with stopwords removed (the figure CodeReviewer's evaluator returns) and kept. */
  bleu: number;
  bleuWithStop: number;
  /** Findings examples: flagged lines in common, flagged by the answer, flagged by the human. */
  lines?: { truePositive: number; predicted: number; actual: number };
}

interface ParsedFindings {
  text: string;
  lines: Set<number>;
}

/** A findings answer as the reviewer asks for it (an optional ```json fence allowed); undefined when it is not one. */
export function parseFindings(text: string): ParsedFindings | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1'));
  } catch {
    return undefined;
  }
  const envelope = modelAnswerSchema.safeParse(json);
  if (!envelope.success) return undefined;
  const lines = new Set<number>();
  const messages: string[] = [];
  for (const raw of envelope.data.findings) {
    const f = raw as { startLine?: unknown; endLine?: unknown; message?: unknown };
    if (typeof f.message === 'string') messages.push(f.message);
    if (Number.isInteger(f.startLine)) for (let l = f.startLine as number; l <= (Number.isInteger(f.endLine) ? (f.endLine as number) : (f.startLine as number)); l++) lines.add(l);
  }
  return { text: messages.join('\n'), lines };
}

/** Both prompt variants of one review window carry the same nonce (reviewFindings.ts derives it from the window). */
function pairKey(example: TestExample): string {
  return example.prompt.task === 'review-findings' ? `window:${example.prompt.nonce}` : `line:${example.line}`;
}

/**
 * Scores one answer. An invalid answer (no text, or not findings JSON where findings are expected) is never an
 * exact match and scores 0, even where the human's findings were empty: an empty review text would otherwise
 * equal it.
 */
export function scoreAnswer(example: TestExample, answer: string): AnswerScore {
  const reference = parseFindings(example.reference);
  const parsed = reference ? parseFindings(answer) : undefined;
  const prediction = reference ? parsed?.text : answer.trim() || undefined;
  const lines = reference && { truePositive: [...(parsed?.lines ?? [])].filter((l) => reference.lines.has(l)).length, predicted: parsed?.lines.size ?? 0, actual: reference.lines.size };
  const base = { task: example.task, key: pairKey(example), ...(lines && { lines }) };
  if (prediction === undefined) return { ...base, valid: false, exact: false, bleu: 0, bleuWithStop: 0 };
  const referenceText = reference?.text ?? example.reference.trim();
  return {
    ...base,
    valid: true,
    // The same tokens once normalised as BLEU normalises them, stopwords kept.
    exact: bleuTokens(prediction).join(' ') === bleuTokens(referenceText).join(' '),
    bleu: sentenceBleu(referenceText, prediction, { removeStopwords: true }),
    bleuWithStop: sentenceBleu(referenceText, prediction, { removeStopwords: false }),
  };
}
