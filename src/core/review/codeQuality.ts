import { createHash } from 'node:crypto';
import type { Severity } from '../config';
import type { Finding } from './finding';
import { ruleId } from './sarif';
import { citedSources } from './textReport';

/**
 * One issue of a GitLab Code Quality report (a subset of the Code Climate engine spec), with the fields GitLab
 * requires: docs.gitlab.com/ci/testing/code_quality/ "Code Quality report format".
 */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number; end: number } };
}

// GitLab's scale has five steps; an error ranks above a warning in the merge request widget, nothing here blocks.
const SEVERITY: Record<Severity, CodeQualityIssue['severity']> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };

/**
 * A GitLab Code Quality report (`artifacts:reports:codequality`). The fingerprint leaves the line out, so a finding
 * that only moved between the base and the merge request is not reported as new; repeats in one file are numbered
 * so that every fingerprint stays unique, as GitLab requires.
 */
export function toCodeQuality(findings: readonly Finding[]): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = [finding.path, finding.rule, finding.message].join('\0');
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return {
      description: `${finding.message} (${citedSources(finding)})`,
      check_name: ruleId(finding.rule),
      fingerprint: createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32),
      severity: SEVERITY[finding.severity],
      location: { path: finding.path, lines: { begin: finding.startLine, end: finding.endLine } },
    };
  });
}
