import { StringDecoder } from 'node:string_decoder';
import { revisionArgs } from '../../git/gitLogStream';
import { gitOutput } from '../../git/gitProcess';
import { pullRequestRef, SQUASH_SUBJECT, type PullRequestRef } from './pullRequestRef';
import type { MergeKind, MergedSeries } from './pullRequestMerges';
import { revertedCommits } from './reverts';
import { parseCommitMessage, trailerValues, type CommitMessage, type Trailers } from '../../git/trailers';

/**
 * A pull request on the tip's first-parent line: a merge and the branch it brought in, or a run of commits
 * that landed without a merge but share one PR-URL (keyed by the newest of them).
 */
export interface MergedBranchInfo {
  merge: string;
  pullRequest: PullRequestRef;
  trailers: Trailers;
}

/** What the history says about how its pull requests landed, for the dataset card. */
export interface HistoryFacts {
  commits: number;
  /** Merges mined as pull-request branches. */
  pullRequestMerges: number;
  /** Runs of commits sharing a PR-URL, mined as one pull request. */
  pullRequestRuns: number;
  /** Merges left out as branch syncs (release or maintenance lines, shared branches). */
  branchSyncs: number;
  /** Single-parent commits whose subject ends in a pull-request number, as squash merges write it. */
  squashMerges: number;
  /** Distinct pull requests the messages name (merge subjects, squash subjects, PR-URL trailers). */
  pullRequestReferences: number;
}

export interface CommitGraph {
  /** The first commit of the walk: the tip whose first-parent line holds the pull-request merges. */
  tip: string | undefined;
  parents: Map<string, string[]>;
  /** Commit → the merge whose second-parent series (reachable from parent 2, not from parent 1) holds it. */
  seriesOf: Map<string, string>;
  merges: Map<string, MergedBranchInfo>;
  /** For each series commit, how many commits of the same series have it as a parent. */
  seriesChildren: Map<string, number>;
  /** For each pull request (merge, or newest commit of a PR-URL run), how many commits its series holds. */
  seriesSize: Map<string, number>;
  /** Commits that a later commit reverts, and the commits that revert something. */
  reverted: Set<string>;
  reverts: Set<string>;
  /** Merges on the line that are branch syncs, not pull requests, with the reason. */
  branchSyncs: Map<string, string>;
  /** Commits whose message marks them as a response to review (`isReviewFollowup`). */
  followups: Set<string>;
  facts: HistoryFacts;
}

export interface CommitGraphOptions {
  repo: string;
  revisions?: string[];
  since?: string;
  until?: string;
  signal?: AbortSignal;
  /** Tells pull-request merges from branch syncs; every merge is a pull request without it. */
  classifyMerge?: (message: CommitMessage, series: MergedSeries) => MergeKind;
  /** Whether a raw message marks its commit as a response to review (dataset.reviewPatterns); none is without it. */
  isReviewFollowup?: (message: string) => boolean;
}

const PR_URL_TRAILER = /^pr-url:/im;

/**
 * Reads the commit graph and messages of the range without diffs (cheap next to the patch pass), so the
 * patch pass knows up front which pull-request branch each commit belongs to and which commits get reverted.
 * Path filters and commit limits are deliberately not applied: branch membership needs the whole graph.
 * Records are `sha parents NUL author-email NUL message NUL` (a message cannot hold NUL), split without
 * parsing lines.
 */
export async function readCommitGraph(options: CommitGraphOptions): Promise<CommitGraph> {
  const graph: CommitGraph = {
    tip: undefined,
    parents: new Map(),
    seriesOf: new Map(),
    merges: new Map(),
    seriesChildren: new Map(),
    seriesSize: new Map(),
    reverted: new Set(),
    reverts: new Set(),
    branchSyncs: new Map(),
    followups: new Set(),
    facts: { commits: 0, pullRequestMerges: 0, pullRequestRuns: 0, branchSyncs: 0, squashMerges: 0, pullRequestReferences: 0 },
  };
  const revertTargets: string[] = [];
  const authors = new Map<string, string>();
  const messages = new Map<string, CommitMessage>();
  const prUrls = new Map<string, string>();
  const referenced = new Set<string>();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const record = (ids: string, author: string, message: string) => {
    const [sha = '', ...parents] = ids.trim().split(' ').filter(Boolean);
    graph.tip ??= sha;
    graph.parents.set(sha, parents);
    authors.set(sha, author);
    if (options.isReviewFollowup?.(message)) graph.followups.add(sha);
    if (message.includes('This reverts commit')) {
      graph.reverts.add(sha);
      revertTargets.push(...revertedCommits(message));
    }
    // Most commits name no pull request: parse only those that may.
    const mayNamePullRequest = parents.length > 1 || PR_URL_TRAILER.test(message) || message.includes('#') || message.includes('merge request');
    if (!mayNamePullRequest) return;
    const parsed = parseCommitMessage(message);
    const ref = pullRequestRef(parsed);
    const reference = ref.url ?? ref.number;
    if (reference !== undefined) referenced.add(reference);
    if (parents.length > 1) {
      messages.set(sha, parsed);
      graph.merges.set(sha, { merge: sha, pullRequest: ref, trailers: parsed.trailers });
    } else {
      if (SQUASH_SUBJECT.test(parsed.subject)) graph.facts.squashMerges++;
      const url = trailerValues(parsed.trailers, 'PR-URL')[0];
      if (url) {
        prUrls.set(sha, url);
        messages.set(sha, parsed);
      }
    }
  };
  const args = ['log', '--topo-order', '--no-notes', '--encoding=UTF-8', '--format=%H %P%x00%ae%x00%B%x00'];
  if (options.since) args.push(`--since=${options.since}`);
  if (options.until) args.push(`--until=${options.until}`);
  args.push('--end-of-options', ...revisionArgs(options.revisions), '--');
  for await (const chunk of gitOutput(options.repo, args, options.signal)) {
    const fields = (pending + decoder.write(chunk)).split('\0');
    // The last field is incomplete (or the empty rest after a record's final NUL): keep it, and any partial record.
    const complete = Math.floor((fields.length - 1) / 3) * 3;
    for (let i = 0; i < complete; i += 3) record(fields[i]!, fields[i + 1]!, fields[i + 2]!);
    pending = fields.slice(complete).join('\0');
  }
  for (const target of revertTargets) {
    const full = resolveAbbreviated(graph.parents, target);
    if (full) graph.reverted.add(full);
  }
  graph.facts.commits = graph.parents.size;
  graph.facts.pullRequestReferences = referenced.size;
  assignBranchSeries(graph, authors, messages, options.classifyMerge);
  groupPullRequestRuns(graph, prUrls, messages);
  countSeriesChildren(graph);
  return graph;
}

/**
 * Walks the tip's first-parent line from its oldest commit up. Everything reachable from the line so far is
 * marked; a merge's series is then what a walk from its other parents reaches before hitting marked commits,
 * which is exactly "reachable from parent 2 and not from parent 1" without computing ancestor sets.
 * Merges off the line (syncing main into a branch, sub-branches) stay inside the series that holds them.
 */
function assignBranchSeries(
  graph: CommitGraph,
  authors: Map<string, string>,
  messages: Map<string, CommitMessage>,
  classify: CommitGraphOptions['classifyMerge'],
): void {
  const reached = new Set<string>();
  for (const commit of firstParentLine(graph)) {
    reached.add(commit);
    const [, ...others] = graph.parents.get(commit)!;
    if (others.length === 0) continue;
    const series: string[] = [];
    const stack = [...others];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (reached.has(sha) || !graph.parents.has(sha)) continue;
      reached.add(sha);
      series.push(sha);
      graph.seriesOf.set(sha, commit);
      stack.push(...graph.parents.get(sha)!);
    }
    const kind = classify?.(messages.get(commit) ?? parseCommitMessage(''), seriesShape(graph, commit, series, authors)) ?? { pullRequest: true };
    if (kind.pullRequest) continue;
    // A branch sync's commits stay reached (later merges must not claim them) but belong to no pull request.
    for (const sha of series) {
      graph.seriesOf.delete(sha);
      graph.merges.delete(sha);
    }
    graph.merges.delete(commit);
    graph.branchSyncs.set(commit, kind.reason);
  }
  for (const merge of [...graph.merges.keys()]) if (!reached.has(merge) || graph.seriesOf.has(merge)) graph.merges.delete(merge);
  graph.facts.pullRequestMerges = graph.merges.size;
  graph.facts.branchSyncs = graph.branchSyncs.size;
}

/** The tip's first-parent line, oldest first. */
function firstParentLine(graph: CommitGraph): string[] {
  const line: string[] = [];
  for (let sha = graph.tip; sha !== undefined && graph.parents.has(sha); sha = graph.parents.get(sha)![0]) line.push(sha);
  return line.reverse();
}

function seriesShape(graph: CommitGraph, merge: string, series: string[], authors: Map<string, string>): MergedSeries {
  let innerMerges = 0;
  for (const sha of series) {
    const [, ...others] = graph.parents.get(sha)!;
    if (others.some((parent) => graph.seriesOf.get(parent) === merge)) innerMerges++;
  }
  return { innerMerges, authors: new Set(series.map((sha) => authors.get(sha)?.toLowerCase())).size };
}

/**
 * Pull requests landed without a merge commit (rebased, or applied by a landing tool) leave consecutive
 * commits on the line that share a PR-URL trailer: two or more of them are mined as one pull request,
 * keyed by the newest, so later commits' rewrites of earlier ones' lines are review rounds.
 */
function groupPullRequestRuns(graph: CommitGraph, prUrls: Map<string, string>, messages: Map<string, CommitMessage>): void {
  let run: string[] = [];
  const close = () => {
    if (run.length > 1) {
      const newest = run.at(-1)!;
      for (const sha of run) graph.seriesOf.set(sha, newest);
      const message = messages.get(newest)!;
      graph.merges.set(newest, { merge: newest, pullRequest: pullRequestRef(message), trailers: message.trailers });
      graph.facts.pullRequestRuns++;
    }
    run = [];
  };
  for (const sha of firstParentLine(graph)) {
    const url = prUrls.get(sha);
    const previous = run.at(-1);
    if (url === undefined || graph.seriesOf.has(sha)) {
      close();
      continue;
    }
    if (previous !== undefined && (prUrls.get(previous) !== url || graph.parents.get(sha)![0] !== previous)) close();
    run.push(sha);
  }
  close();
}

function countSeriesChildren(graph: CommitGraph): void {
  for (const [sha, merge] of graph.seriesOf) {
    graph.seriesSize.set(merge, (graph.seriesSize.get(merge) ?? 0) + 1);
    for (const parent of graph.parents.get(sha)!) {
      if (graph.seriesOf.get(parent) === merge) graph.seriesChildren.set(parent, (graph.seriesChildren.get(parent) ?? 0) + 1);
    }
  }
}

function resolveAbbreviated(commits: Map<string, unknown>, id: string): string | undefined {
  if (commits.has(id)) return id;
  let found: string | undefined;
  for (const sha of commits.keys()) {
    if (!sha.startsWith(id)) continue;
    if (found) return undefined;
    found = sha;
  }
  return found;
}
