import type { FeedbackEntry } from '../dataset/feedbackLog';
import type { Finding } from './finding';

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
