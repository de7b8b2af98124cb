import type { Finding } from './finding';

/**
 * Where another finding of the same file is once a finding's replacement was applied: below it, moved
 * by the change in line count; overlapping the replaced lines, gone (it no longer describes the code).
 */
export function moveAfterFix(finding: Finding, applied: Pick<Finding, 'startLine' | 'endLine' | 'replacement'>): Finding | undefined {
  if (applied.replacement === undefined || finding.endLine < applied.startLine) return finding;
  if (finding.startLine <= applied.endLine) return undefined;
  const delta = applied.replacement.replace(/\r?\n$/, '').split(/\r?\n/).length - (applied.endLine - applied.startLine + 1);
  return { ...finding, startLine: finding.startLine + delta, endLine: finding.endLine + delta };
}
