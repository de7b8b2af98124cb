import * as path from 'node:path';
import { noProgress, silentLogger, type Logger, type Progress } from '../../log';
import type { MinedItem } from '../reviewEvent';
import { botAuthorMatcher } from './botAuthors';
import { MergedBranch } from './branchRewrites';
import { filePath } from './commitEvidence';
import { readCommitGraph, type CommitGraph } from './commitGraph';
import { readGitLog, type GitCommit } from './gitLogStream';
import { DEFAULT_NOTES_REF, noteEvents } from './gitNotes';
import { pathFilter } from './pathFilter';
import { readAhead } from '../../readAhead';
import { openRepository } from './repository';
import { followupEvents, reviewFollowupMatcher } from './reviewFollowups';

export type { MinedItem } from '../reviewEvent';

export interface MineOptions {
  repo: string;
  since?: string;
  until?: string;
  /** Only events about these files: paths, folders or globs. Applied to parsed diffs, so renames into them stay visible. */
  paths?: string[];
  maxCommits?: number;
  /** Revisions or ranges to mine (`main`, `v1.0..HEAD`); HEAD when absent. */
  revisions?: string[];
  /** Case-insensitive regular expressions marking a commit as a response to review (dataset.reviewPatterns). */
  reviewPatterns: string[];
  /** Case-insensitive regular expressions on author name or email (dataset.botAuthors). */
  botAuthors: string[];
  /** Notes ref read as review comments; refs/notes/review by default. */
  notesRef?: string;
  signal?: AbortSignal;
  progress?: Progress;
  logger?: Logger;
}

const PHASE = 'Mining git history';
/** Parsed commits held while the consumer is busy: enough to cover the graph pass on large histories. */
const READ_AHEAD_COMMITS = 1024;

/**
 * Mines review evidence from a repository's history: review follow-up commits, rewrites inside merged
 * pull-request branches (and the hunks they left alone), and review notes, with trailers, pull-request
 * numbers and revert labels as metadata. Skipped inputs (bot commits, binary diffs, untraceable hunks,
 * a truncated shallow history) come out as skip records. Reads the graph once without diffs (a cheap pass
 * that runs alongside) and the diffs in one streamed `git log --patch` pass, oldest first.
 */
export async function* mineGitHistory(options: MineOptions): AsyncGenerator<MinedItem> {
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const isFollowup = reviewFollowupMatcher(options.reviewPatterns);
  const isBot = botAuthorMatcher(options.botAuthors);
  const dir = path.resolve(options.repo);
  const range = { repo: dir, revisions: options.revisions, since: options.since, until: options.until, signal: options.signal };
  // Everything starts at once: the repository checks, the graph pass, and the patch pass, which reads ahead
  // so that git's commit walk for --topo-order --reverse and its first diffs overlap the other two. The
  // checks are awaited first, so a bad repository is reported as such even though the passes fail too.
  // Path filters are not given to git: a pathspec turns a rename into the filtered folder into an addition.
  const opening = openRepository(dir);
  const graphRead = readCommitGraph(range);
  graphRead.catch(() => undefined);
  const log = readAhead(readGitLog({ ...range, maxCommits: options.maxCommits, notesRef: options.notesRef ?? DEFAULT_NOTES_REF, patches: true, oldestFirst: true }), READ_AHEAD_COMMITS);
  const branches = new Map<string, MergedBranch>();
  let done = 0;
  try {
    const repo = await opening;
    if (repo.shallow) {
      const reason = 'shallow clone: history before the clone depth is missing, so only the commits present were mined';
      logger.warn(`${repo.dir} is a ${reason}. Run \`git fetch --unshallow\` there to mine the full history.`);
      yield { skip: { source: repo.dir, reason } };
    }
    const graph = await graphRead;
    if (graph.parents.size === 0) {
      logger.info('No commits in the requested range; nothing to mine.');
      return;
    }
    const total = Math.min(graph.parents.size, options.maxCommits ?? Infinity);
    const included = pathFilter(options.paths);
    progress.report(PHASE, 0, total);
    for await (const commit of log) {
      options.signal?.throwIfAborted();
      if (repo.shallowBoundary.has(commit.sha)) {
        yield { skip: { source: `commit ${commit.sha.slice(0, 12)}`, reason: 'shallow clone boundary: its parents are missing, so its diff is not its real change' } };
      } else {
        yield* mineCommit(commit, graph, branches, included, isFollowup(commit), isBot(commit));
      }
      const branch = branches.get(commit.sha);
      if (branch) {
        yield* branch.finish();
        branches.delete(commit.sha);
      }
      progress.report(PHASE, ++done, total);
    }
  } finally {
    await log.return();
  }
  // A branch whose merge lies beyond a commit limit or date range was still merged: close it.
  for (const branch of branches.values()) yield* branch.finish();
  logger.info(`Mined ${done} commits.`);
}

function* mineCommit(
  commit: GitCommit,
  graph: CommitGraph,
  branches: Map<string, MergedBranch>,
  included: (path: string | null) => boolean,
  followupReason: string | undefined,
  bot: boolean,
): Generator<MinedItem> {
  const merge = graph.seriesOf.get(commit.sha);
  const files = commit.files.filter((file) => included(file.newPath) || included(file.oldPath));
  const isSource = (followupReason !== undefined || commit.notes !== '' || merge !== undefined) && (files.length > 0 || commit.files.length === 0);
  const source = `commit ${commit.sha.slice(0, 12)}`;
  if (isSource && bot) yield { skip: { source, reason: `bot author ${commit.authorName} <${commit.authorEmail}>` } };
  if (isSource && !bot) {
    for (const file of files) if (file.binary) yield { skip: { source: `${source} ${filePath(file)}`, reason: 'binary diff' } };
    if (followupReason !== undefined) for (const event of followupEvents(commit, files, followupReason, graph)) yield { event };
    if (commit.notes !== '') {
      const events = noteEvents(commit, files, graph);
      if (events.length === 0) yield { skip: { source, reason: 'review note on a commit without a text diff (a merge, or binary changes only)' } };
      for (const event of events) yield { event };
    }
  }
  if (merge !== undefined) {
    let branch = branches.get(merge);
    if (!branch) {
      branch = new MergedBranch(merge, graph, included);
      branches.set(merge, branch);
    }
    // The branch follows every file, so lines moved in from outside the filter are still traced.
    for (const event of branch.apply(commit, !bot)) yield { event };
  }
}
