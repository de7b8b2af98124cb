import { pullRequestRef } from './pullRequestRef';
import { compileSettingPatterns } from '../../settingPatterns';
import type { CommitMessage } from '../../git/trailers';

/** What tells a merge of a pull-request branch from a sync of a long-lived branch (dataset settings). */
export interface MergeRules {
  /** Merge subjects that mark a pull-request branch besides the forges' own (dataset.pullRequestMerges). */
  pullRequestMerges: string[];
  /** Branch names that are long-lived: release, maintenance and main lines (dataset.longLivedBranches). */
  longLivedBranches: string[];
  /** A branch with more distinct authors than this is a shared line, not one pull request (dataset.pullRequestMaxAuthors). */
  pullRequestMaxAuthors: number;
}

/** The commits a merge brought in (reachable from its other parents, not from its first parent). */
export interface MergedSeries {
  /** Merges inside the series that brought in further commits of their own (sub-branches merged into it). */
  innerMerges: number;
  authors: number;
}

export type MergeKind = { pullRequest: true } | { pullRequest: false; reason: string };

/** `Merge branch 'x'`, `Merge remote-tracking branch 'origin/x'`, `Merge tag 'v1'` (git's own merge subjects). */
const GIT_MERGE_SUBJECT = /^Merge (?:remote-tracking )?(branch|tag)s? '([^']+)'/;

/**
 * Classifies merges on the mined line. A merge is a pull-request branch only when it looks like one: a
 * forge's merge subject or a PR-URL trailer, or a configured subject pattern. It is never one when it
 * merges a tag or a long-lived branch, when its series carries merges of other branches, or when more
 * authors wrote it than one pull request has: those are branch syncs (a release line merged back), whose
 * commits are ordinary commits, not review rounds.
 */
export function mergeClassifier(rules: MergeRules): (message: CommitMessage, series: MergedSeries) => MergeKind {
  const patterns = compileSettingPatterns(rules.pullRequestMerges, 'dataset.pullRequestMerges');
  const longLived = compileSettingPatterns(rules.longLivedBranches, 'dataset.longLivedBranches');
  return (message, series) => {
    const merged = GIT_MERGE_SUBJECT.exec(message.subject);
    if (merged?.[1] === 'tag') return { pullRequest: false, reason: `merges tag ${merged[2]}` };
    const branch = merged?.[2]?.replace(/^origin\//, '');
    if (branch !== undefined && longLived.some((pattern) => pattern.test(branch))) return { pullRequest: false, reason: `merges the long-lived branch ${branch}` };
    if (series.innerMerges > 0) return { pullRequest: false, reason: `its branch carries ${series.innerMerges} merge${series.innerMerges === 1 ? '' : 's'} of other branches` };
    if (series.authors > rules.pullRequestMaxAuthors) return { pullRequest: false, reason: `${series.authors} authors wrote its branch (more than dataset.pullRequestMaxAuthors, ${rules.pullRequestMaxAuthors})` };
    const ref = pullRequestRef(message);
    if (ref.number !== undefined || ref.url !== undefined) return { pullRequest: true };
    if (patterns.some((pattern) => pattern.test(message.subject))) return { pullRequest: true };
    return { pullRequest: false, reason: 'its subject names no pull request (no forge merge subject, PR-URL trailer or dataset.pullRequestMerges pattern)' };
  };
}
