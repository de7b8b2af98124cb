import * as path from 'node:path';
import { throwIfCancelled } from '../../errors';
import { noProgress, silentLogger, type Logger, type Progress } from '../../log';
import type { MinedItem } from '../reviewEvent';
import { botAuthorMatcher } from './botAuthors';
import { MergedBranch } from './branchRewrites';
import { filePath } from './commitEvidence';
import { readCommitGraph, type CommitGraph } from './commitGraph';
import { readGitLogBatches, type GitCommit } from '../../git/gitLogStream';
import { DEFAULT_NOTES_REF, notedCommits, noteEvents } from './gitNotes';
import { pathFilter } from './pathFilter';
import { SQUASH_SUBJECT } from './pullRequestRef';
import { mergeClassifier, type MergeRules } from './pullRequestMerges';
import { readAhead } from '../../readAhead';
import { openRepository, type RepositoryInfo } from './repository';
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
  /** Which merges are pull requests; every merge is one without them. */
  mergeRules?: MergeRules;
  signal?: AbortSignal;
  progress?: Progress;
  logger?: Logger;
}

const PHASE = 'Mining git history';
/** Chunks of parsed commits (dozens each) held while the consumer is busy, so that git keeps writing meanwhile. */
const READ_AHEAD_BATCHES = 32;

/** The git work of mining, started: the repository checks, the graph pass and the patch pass (read ahead). */
export interface HistoryPasses {
  opening: Promise<RepositoryInfo>;
  graphRead: Promise<CommitGraph>;
  /** The commits of the walk whose diffs can hold evidence, in the walk's order, each with its 1-based position in the walk (the patch pass reads only these). */
  withEvidence: Promise<Map<string, number>>;
  log: ReturnType<typeof readAhead<GitCommit[]>>;
  /** Stops the passes (the patch pass's git) whether or not they were mined; mining closes them too. */
  close(): Promise<void>;
}

/**
 * Starts git on the history at once, so that its passes run while the caller still prepares (the knowledge
 * base, the output folder). The caller closes them, or mines them with mineGitHistory.
 */
export function startHistoryPasses(options: MineOptions): HistoryPasses {
  const dir = path.resolve(options.repo);
  const range = { repo: dir, revisions: options.revisions, since: options.since, until: options.until, signal: options.signal };
  const notesRef = options.notesRef ?? DEFAULT_NOTES_REF;
  // Everything starts at once: the graph pass (which tells the commits whose diffs can hold evidence), the list of
  // noted commits and the repository checks. The checks are awaited first, so a bad repository is reported as such
  // even though the passes fail too. Until then a failure is nobody's to handle yet.
  const graphRead = readCommitGraph({
    ...range,
    ...(options.mergeRules && { classifyMerge: mergeClassifier(options.mergeRules) }),
    isReviewFollowup: reviewFollowupMatcher(options.reviewPatterns),
  });
  graphRead.catch(() => undefined);
  const opening = openRepository(dir);
  opening.catch(() => undefined);
  const noted = notedCommits(dir, notesRef, options.signal);
  noted.catch(() => undefined);
  const withEvidence = (async () => commitsWithEvidence(await graphRead, await noted, (await opening).shallowBoundary, options.maxCommits))();
  withEvidence.catch(() => undefined);
  // The patch pass then reads only those commits' diffs (a few in a hundred on the histories measured), read ahead so
  // that it overlaps the rest. Path filters are not given to git: a pathspec turns a rename into the filtered
  // folder into an addition.
  async function* patches(): AsyncGenerator<GitCommit[]> {
    const commits = [...(await withEvidence).keys()];
    yield* readGitLogBatches({ repo: dir, commits, notesRef, patches: true, oldestFirst: false, signal: options.signal });
  }
  const log = readAhead(patches(), READ_AHEAD_BATCHES);
  return {
    opening,
    graphRead,
    withEvidence,
    log,
    async close() {
      await log.return();
    },
  };
}

/**
 * The commits of the walk (its first `maxCommits`) that mining can draw evidence from, in the walk's order: those of
 * pull-request branches and runs, follow-ups to review, noted commits, and the shallow boundary (reported as
 * skipped). The diffs of every other commit would only be read and dropped.
 */
function commitsWithEvidence(graph: CommitGraph, noted: Set<string>, shallowBoundary: Set<string>, maxCommits: number | undefined): Map<string, number> {
  const found = new Map<string, number>();
  let position = 0;
  for (const sha of graph.parents.keys()) {
    if (++position > (maxCommits ?? Infinity)) break;
    if (graph.seriesOf.has(sha) || graph.followups.has(sha) || noted.has(sha) || shallowBoundary.has(sha)) found.set(sha, position);
  }
  return found;
}

/**
 * Mines review evidence from a repository's history: review follow-up commits, rewrites inside merged
 * pull-request branches (and the hunks they left alone), and review notes, with trailers, pull-request
 * numbers and revert labels as metadata. Skipped inputs (bot commits, binary diffs, untraceable hunks,
 * a truncated shallow history) come out as skip records. Reads the graph once without diffs (a cheap pass),
 * then streams the diffs of only the commits that can hold evidence, newest first as git walks (a `--reverse`
 * walk costs git a sixth more): the commits of a pull-request branch, which git shows together, are held
 * until the branch is complete and then followed oldest first. `started` are the passes
 * startHistoryPasses started for the same options, when the caller started them early.
 */
export async function* mineGitHistory(options: MineOptions, started?: HistoryPasses): AsyncGenerator<MinedItem> {
  // Started here unless given, so that git runs only once the mining is iterated.
  const passes = started ?? startHistoryPasses(options);
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const isBot = botAuthorMatcher(options.botAuthors);
  const { opening, graphRead, withEvidence, log } = passes;
  /** Commits of each pull-request branch seen so far, newest first, until the whole branch is there. */
  const held = new Map<string, GitCommit[]>();
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
    yield { history: graph.facts };
    for (const [merge, why] of graph.branchSyncs) {
      yield { skip: { source: `merge ${merge.slice(0, 12)} (${why})`, reason: 'branch sync, not a pull request: its commits are mined as plain commits' } };
    }
    const total = Math.min(graph.parents.size, options.maxCommits ?? Infinity);
    // Progress is the position in the walk: the commits without evidence are passed over, not read.
    const positions = await withEvidence;
    const included = pathFilter(options.paths);
    const mine = (commit: GitCommit, branch: MergedBranch | undefined): Iterable<MinedItem> =>
      repo.shallowBoundary.has(commit.sha)
        ? [{ skip: { source: `commit ${commit.sha.slice(0, 12)}`, reason: 'shallow clone boundary: its parents are missing, so its diff is not its real change' } }]
        : mineCommit(commit, graph, branch, included, graph.followups.has(commit.sha) && !isSquashMerge(commit), isBot(commit));
    function* mineBranch(merge: string, commits: GitCommit[]): Generator<MinedItem> {
      const branch = new MergedBranch(merge, graph, included);
      // Git shows children before parents, so the reverse is parents first, as line following needs.
      for (const commit of commits.reverse()) yield* mine(commit, branch);
      yield* branch.finish();
    }
    progress.report(PHASE, 0, total);
    for await (const batch of log) {
      for (const commit of batch) {
        throwIfCancelled(options.signal);
        const merge = graph.seriesOf.get(commit.sha);
        if (merge === undefined) yield* mine(commit, undefined);
        else {
          const commits = held.get(merge) ?? [];
          commits.push(commit);
          held.set(merge, commits);
          if (commits.length === graph.seriesSize.get(merge)) {
            held.delete(merge);
            yield* mineBranch(merge, commits);
          }
        }
        done = positions.get(commit.sha) ?? done;
        progress.report(PHASE, done, total);
      }
    }
    done = total;
    progress.report(PHASE, done, total);
    // A branch cut by a commit limit or date range was still merged: follow what there is of it.
    for (const [merge, commits] of held) yield* mineBranch(merge, commits);
  } finally {
    await passes.close();
  }
  logger.info(`Mined ${done} commits.`);
}

/**
 * A squash merge lands a whole pull request: its message lists the branch's commits ("* Address review
 * comments"), which must not make the whole change a review follow-up.
 */
function isSquashMerge(commit: GitCommit): boolean {
  return commit.parents.length === 1 && SQUASH_SUBJECT.test(commit.subject);
}

function* mineCommit(
  commit: GitCommit,
  graph: CommitGraph,
  branch: MergedBranch | undefined,
  included: (path: string | null) => boolean,
  followup: boolean,
  bot: boolean,
): Generator<MinedItem> {
  const inBranch = branch !== undefined;
  const files = commit.files.filter((file) => included(file.newPath) || included(file.oldPath));
  const isSource = (followup || commit.notes !== '' || inBranch) && (files.length > 0 || commit.files.length === 0);
  const source = `commit ${commit.sha.slice(0, 12)}`;
  if (isSource && bot) yield { skip: { source, reason: `bot author ${commit.authorName} <${commit.authorEmail}>` } };
  if (isSource && !bot) {
    for (const file of files) if (file.binary) yield { skip: { source: `${source} ${filePath(file)}`, reason: 'binary diff' } };
    if (followup) for (const event of followupEvents(commit, files, graph)) yield { event };
    if (commit.notes !== '') {
      const events = noteEvents(commit, files, graph);
      if (events.length === 0) yield { skip: { source, reason: 'review note on a commit without a text diff (a merge, or binary changes only)' } };
      for (const event of events) yield { event };
    }
  }
  // The branch follows every file, so lines moved in from outside the filter are still traced.
  if (branch) for (const event of branch.apply(commit, !bot)) yield { event };
}
