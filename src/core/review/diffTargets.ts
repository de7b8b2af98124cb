import { lstat, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { HouseStyleError } from '../errors';
import { gitBytes, gitText } from '../git/gitProcess';
import { parseUnifiedDiff } from '../git/unifiedDiff';
import { realPathInside } from '../insideWorkspace';
import { changedLines, expandRanges, type LineRange } from '../lineRange';
import { fileTarget, isBinary, type ReviewTarget } from './reviewTarget';

// git's well-known empty tree: what a repository without commits is compared against.
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface DiffTargetOptions {
  workspace: string;
  /** Compare with the merge base of this branch (or any commit-ish) and HEAD; default: HEAD. */
  base?: string;
  /** Unchanged lines kept around each changed hunk (config.review.diffContextLines). */
  contextLines: number;
  /** Globs (workspace-relative) of changed files that are not code to review, such as the index folder. */
  exclude?: string[];
}

/**
 * The working tree's changes (staged, unstaged and untracked files under the workspace folder) as
 * review targets that cover only the changed lines plus `contextLines` around each hunk.
 * Deleted and binary files are skipped: there is nothing left to review in them. So are symbolic
 * links: git records only where a link points, and what it points to may lie outside the workspace.
 */
export async function diffTargets(options: DiffTargetOptions): Promise<ReviewTarget[]> {
  const repo = options.workspace;
  const inside = await gitText(repo, ['rev-parse', '--is-inside-work-tree']).catch(() => '');
  if (inside.trim() !== 'true') {
    throw new HouseStyleError(`${options.workspace} is not inside a git repository, so it has no changes to review.`, 'Review files by name instead, or run from a git checkout.', 'not-a-repo');
  }
  const against = await comparisonCommit(repo, options.base);
  // --relative keeps paths relative to the workspace folder and leaves out changes outside it.
  const patch = await gitBytes(repo, ['diff', '--relative', '--no-color', '--no-ext-diff', '--unified=0', '-M', against, '--']);
  const changed = new Map<string, LineRange[]>();
  for (const file of parseUnifiedDiff(patch)) {
    if (file.status === 'deleted' || file.binary || file.newPath === null) continue;
    // changedLines places an empty new side at the line after the gap; git's header names the line before it.
    const ranges = file.hunks.map((hunk) => changedLines(hunk.newLines > 0 ? hunk.newStart : hunk.newStart + 1, hunk.newLines));
    if (ranges.length > 0) changed.set(file.newPath, ranges);
  }
  // New files git does not track yet are changes too, in full.
  const untracked = (await gitText(repo, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.'])).split('\0').filter(Boolean);
  for (const file of untracked) changed.set(file, [{ startLine: 1, endLine: Number.MAX_SAFE_INTEGER }]);

  const excluded = picomatch(options.exclude ?? [], { dot: true });
  const targets: ReviewTarget[] = [];
  for (const [file, ranges] of [...changed].sort(([a], [b]) => a.localeCompare(b))) {
    if (excluded(file)) continue;
    // lstat: a link is not a file here, whatever it points to.
    if (!(await lstat(path.join(options.workspace, file)).catch(() => undefined))?.isFile()) continue;
    const real = await realPathInside(options.workspace, file);
    const bytes = real && (await readFile(real).catch(() => undefined));
    if (!bytes || isBinary(bytes)) continue;
    const target = fileTarget(file, bytes.toString('utf8'));
    const reviewed = expandRanges(ranges, options.contextLines, target.lines.length);
    if (reviewed.length > 0) targets.push({ ...target, ranges: reviewed });
  }
  return targets;
}

async function comparisonCommit(repo: string, base: string | undefined): Promise<string> {
  const hasHead = await gitText(repo, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(() => true, () => false);
  if (base === undefined) return hasHead ? 'HEAD' : EMPTY_TREE;
  try {
    return (await gitText(repo, ['merge-base', '--end-of-options', base, hasHead ? 'HEAD' : base])).trim();
  } catch (error) {
    throw new HouseStyleError(`Cannot compare with "${base}": git knows no such branch or commit in common with HEAD.`, 'Name an existing branch, tag or commit (for example main or origin/main).', 'usage', { cause: error });
  }
}
