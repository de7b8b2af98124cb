import { terminalLine } from '../terminalText';
import type { Finding } from './finding';
import type { ReviewResult } from './reviewer';
import { counted } from '../plural';

/**
 * One finding per line, as compilers write them: `path:line:col: severity: message [rule] (source:lines)`.
 * Model and file-name text is neutralized (terminalLine): a newline in a message cannot forge a second finding.
 */
export function formatFindingLine(finding: Finding, column = 1): string {
  return terminalLine(`${finding.path}:${finding.startLine}:${column}: ${finding.severity}: ${finding.message} [${finding.rule}] (${citedSources(finding)})`);
}

/** `source:lines, …`; the fine-tuned route reviews without retrieved rules, which this says rather than print nothing. */
export function citedSources(finding: Finding): string {
  return finding.citations.map((c) => `${c.source}:${c.startLine}-${c.endLine}`).join(', ') || 'no source: fine-tuned model, reviewed without rules';
}

/** The closing summary: counts by severity, what ran, and what was dropped (so silence is never ambiguous). */
export function formatSummary(result: ReviewResult): string {
  const counts = (['error', 'warning', 'info', 'hint'] as const)
    .map((severity) => ({ severity, n: result.findings.filter((f) => f.severity === severity).length }))
    .filter(({ n }) => n > 0)
    .map(({ severity, n }) => counted(n, severity));
  const found = result.findings.length === 0 ? 'No findings' : `${counted(result.findings.length, 'finding')} (${counts.join(', ')})`;
  const details = [`${result.metrics.promptTokens} prompt + ${result.metrics.completionTokens} completion tokens`, `${Math.round(result.metrics.wallMs)} ms`];
  if (result.windowsWithoutRules > 0) details.push(`${result.windowsWithoutRules} of ${result.windows} windows had no applicable rules`);
  const { invalid, outOfRange, unknownCitation } = result.dropped;
  if (invalid + outOfRange + unknownCitation > 0) {
    details.push(`dropped ${outOfRange} out-of-range, ${unknownCitation} citing unknown rules, ${invalid} malformed`);
  }
  return `${found} in ${counted(result.paths.length, 'file')}, reviewed by ${terminalLine(result.model)} in ${counted(result.metrics.calls, 'call')} (${details.join('; ')}).`;
}
