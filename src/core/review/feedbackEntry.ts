import * as z from 'zod';
import type { Finding } from './finding';

/** One line of the feedback log (.housestyle/feedback.jsonl), as the editor writes it and dataset builds read it. */
export const feedbackLineSchema = z.strictObject({
  version: z.literal(1),
  time: z.iso.datetime({ offset: true }),
  verdict: z.enum(['accepted', 'dismissed']),
  path: z.string().min(1),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  severity: z.enum(['error', 'warning', 'info', 'hint']),
  rule: z.string(),
  message: z.string(),
  /** The reviewed lines. */
  code: z.string(),
  /** The replacement the finding proposed, if any. */
  suggestion: z.string().optional(),
  model: z.string(),
  citations: z.array(z.strictObject({ source: z.string(), startLine: z.number().int().positive(), endLine: z.number().int().positive() })),
});

/** One line of the feedback log as stored. */
export type FeedbackLine = z.infer<typeof feedbackLineSchema>;

/** What the review engine records when a user accepts or dismisses a finding; `time` defaults to now. */
export type FeedbackEntry = Omit<FeedbackLine, 'version' | 'time'> & { time?: string };

/** The feedback-log entry for a finding a user accepted (applied its fix) or dismissed. */
export function feedbackEntry(verdict: FeedbackEntry['verdict'], finding: Finding, code: string, model: string): FeedbackEntry {
  return {
    verdict,
    path: finding.path,
    startLine: finding.startLine,
    endLine: finding.endLine,
    severity: finding.severity,
    rule: finding.rule,
    message: finding.message,
    code,
    ...(finding.replacement !== undefined ? { suggestion: finding.replacement } : {}),
    model,
    citations: finding.citations.map(({ source, startLine, endLine }) => ({ source, startLine, endLine })),
  };
}
