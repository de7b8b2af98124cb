// Which later commits of a pull request read as review follow-ups, on real commits of landed pull requests
// (jq's merge commits, LLaMA-Factory's GitHub merges, git.git's topic branches), each with the lines its earlier commits wrote as
// mining measured them. The patches are `git show` output, parsed here into the shape mining hands over.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isFollowupShaped } from '../../src/core/dataset/git/followupShape';
import type { GitCommit } from '../../src/core/git/gitLogStream';
import type { FileDiff } from '../../src/core/git/unifiedDiff';
import { parseHunkHeader } from '../../src/core/git/hunk';

interface RealCommit {
  repository: string;
  commit: string;
  followup: boolean;
  why: string;
  earlierAddedLines: number;
  authorEmail: string;
  authorDate: string;
  /** The earlier commits of the pull request whose lines it changed, as mining found them. */
  earlier: Array<{ commit: string; authorEmail: string; authorDate: string }>;
  message: string;
  patch: string;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/followups/real-commits.json', import.meta.url), 'utf8')) as RealCommit[];

function parsePatch(patch: string): FileDiff[] {
  const files: FileDiff[] = [];
  for (const line of patch.split('\n')) {
    const file = files.at(-1);
    if (line.startsWith('diff --git ')) {
      const [, oldPath, newPath] = /^diff --git a\/(.+) b\/(.+)$/.exec(line)!;
      files.push({ oldPath: oldPath!, newPath: newPath!, status: 'modified', binary: false, hunks: [], lossy: false });
    } else if (file && line.startsWith('new file mode')) Object.assign(file, { oldPath: null, status: 'added' });
    else if (file && line.startsWith('@@')) file.hunks.push(parseHunkHeader(line)!);
    else if (file && file.hunks.length > 0 && /^[ +\-\\]/.test(line)) file.hunks.at(-1)!.lines.push(line);
  }
  return files;
}

function commitOf(real: RealCommit, files = parsePatch(real.patch)): GitCommit {
  const [subject = '', ...body] = real.message.split('\n');
  return {
    sha: real.commit, parents: [], authorName: '', authorEmail: real.authorEmail, authorDate: real.authorDate, committerDate: '',
    message: real.message, subject, body: body.join('\n').trim(), trailers: {}, notes: '', files, lossy: false,
  };
}

const hunksOf = (commit: GitCommit) => commit.files.reduce((sum, file) => sum + file.hunks.length, 0);

test('real later commits: follow-ups are kept, feature work of the same pull request is not', () => {
  assert.ok(cases.filter((real) => real.followup).length >= 5 && cases.filter((real) => !real.followup).length >= 5);
  for (const real of cases) {
    const commit = commitOf(real);
    const verdict = isFollowupShaped(commit, { revisitingHunks: hunksOf(commit), earlierAddedLines: real.earlierAddedLines, earlier: real.earlier });
    assert.equal(verdict, real.followup, `${real.repository} ${real.commit.slice(0, 9)} ${commit.subject}: ${real.why}`);
  }
});

test('each rule alone turns a real follow-up into new work', () => {
  const real = cases.find((each) => each.commit.startsWith('fe1a3b136'))!; // "Apply suggestions from code review"
  const commit = commitOf(real);
  const revisit = { revisitingHunks: hunksOf(commit), earlierAddedLines: real.earlierAddedLines, earlier: real.earlier };
  assert.equal(isFollowupShaped(commit, revisit), true);
  // One hunk outside the lines the pull request wrote: a series step that touches them in passing.
  assert.equal(isFollowupShaped(commit, { ...revisit, revisitingHunks: revisit.revisitingHunks - 1 }), false);
  // The same change in a new file beside it.
  assert.equal(isFollowupShaped(commitOf(real, commit.files.map((file) => ({ ...file, oldPath: null, status: 'added' as const }))), revisit), false);
  // A new function among its lines.
  const withDefinition = structuredClone(commit.files);
  withDefinition[0]!.hunks[0]!.lines.push('+def npu_compile_mode(use_jit_compile):');
  assert.equal(isFollowupShaped(commitOf(real, withDefinition), revisit), false);
  // Re-signing one the commit removes is no new definition, `$` in its name included.
  const resigned = structuredClone(commit.files);
  resigned[0]!.hunks[0]!.lines.push('-function $wrap(value) {', '+function $wrap(value, options) {');
  assert.equal(isFollowupShaped(commitOf(real, resigned), revisit), true);
  // The same author a minute after the commit it revisits: the next patch of one sitting.
  const minutesLater = (minutes: number) => new Date(Date.parse(real.earlier[0]!.authorDate) + minutes * 60_000).toISOString();
  assert.equal(isFollowupShaped({ ...commit, authorEmail: real.earlier[0]!.authorEmail, authorDate: minutesLater(1), subject: 'Guard the NPU setup', message: 'Guard the NPU setup' }, revisit), false);
  assert.equal(isFollowupShaped({ ...commit, authorEmail: real.earlier[0]!.authorEmail, authorDate: minutesLater(1) }, revisit), true, 'unless it says it answers review');
  // A trailer crediting a suggestion (git.git's "Suggested-by:") is no such word.
  const credited = 'Guard the NPU setup\n\nSuggested-by: Ann <ann@example.com>\nReviewed-by: Ben <ben@example.com>';
  assert.equal(isFollowupShaped({ ...commit, authorEmail: real.earlier[0]!.authorEmail, authorDate: minutesLater(1), subject: 'Guard the NPU setup', message: credited }, revisit), false);
  assert.equal(isFollowupShaped({ ...commit, authorEmail: real.earlier[0]!.authorEmail, authorDate: minutesLater(5) }, revisit), true);
  // A subject of new work, unless its message says it answers review.
  assert.equal(isFollowupShaped({ ...commit, subject: 'Add NPU support', message: 'Add NPU support' }, revisit), false);
  assert.equal(isFollowupShaped({ ...commit, subject: 'Add NPU check per review', message: 'Add NPU check per review' }, revisit), true);
});

test('a follow-up writes no more lines than the earlier commits wrote where it changes them', () => {
  const real = cases.find((each) => each.commit.startsWith('a6656edc7'))!; // jq: "Fix examples in manual", 6 lines for 7
  const commit = commitOf(real);
  const revisitingHunks = hunksOf(commit);
  assert.equal(isFollowupShaped(commit, { revisitingHunks, earlierAddedLines: 6, earlier: real.earlier }), true);
  assert.equal(isFollowupShaped(commit, { revisitingHunks, earlierAddedLines: 5, earlier: real.earlier }), false);
});
