import { StringDecoder } from 'node:string_decoder';
import { revisionArgs } from './gitLogStream';
import { gitOutput } from './gitProcess';
import { pullRequestRef, type PullRequestRef } from './pullRequestRef';
import { revertedCommits } from './reverts';
import { parseCommitMessage, type Trailers } from './trailers';

/** A merge on the tip's first-parent line: the pull-request branch it brought in. */
export interface MergedBranchInfo {
  merge: string;
  pullRequest: PullRequestRef;
  trailers: Trailers;
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
  /** Commits that a later commit reverts, and the commits that revert something. */
  reverted: Set<string>;
  reverts: Set<string>;
}

export interface CommitGraphOptions {
  repo: string;
  revisions?: string[];
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

/**
 * Reads the commit graph and messages of the range without diffs (cheap next to the patch pass), so the
 * patch pass knows up front which pull-request branch each commit belongs to and which commits get reverted.
 * Path filters and commit limits are deliberately not applied: branch membership needs the whole graph.
 * Records are `sha parents NUL message NUL` (a message cannot hold NUL), split without parsing lines.
 */
export async function readCommitGraph(options: CommitGraphOptions): Promise<CommitGraph> {
  const graph: CommitGraph = { tip: undefined, parents: new Map(), seriesOf: new Map(), merges: new Map(), seriesChildren: new Map(), reverted: new Set(), reverts: new Set() };
  const revertTargets: string[] = [];
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const record = (ids: string, message: string) => {
    const [sha = '', ...parents] = ids.trim().split(' ').filter(Boolean);
    graph.tip ??= sha;
    graph.parents.set(sha, parents);
    if (message.includes('This reverts commit')) {
      graph.reverts.add(sha);
      revertTargets.push(...revertedCommits(message));
    }
    if (parents.length > 1) {
      const parsed = parseCommitMessage(message);
      graph.merges.set(sha, { merge: sha, pullRequest: pullRequestRef(parsed), trailers: parsed.trailers });
    }
  };
  const args = ['log', '--topo-order', '--no-notes', '--encoding=UTF-8', '--format=%H %P%x00%B%x00'];
  if (options.since) args.push(`--since=${options.since}`);
  if (options.until) args.push(`--until=${options.until}`);
  args.push('--end-of-options', ...revisionArgs(options.revisions), '--');
  for await (const chunk of gitOutput(options.repo, args, options.signal)) {
    const fields = (pending + decoder.write(chunk)).split('\0');
    const complete = fields.length - (fields.length % 2 === 1 ? 1 : 2);
    for (let i = 0; i < complete; i += 2) record(fields[i]!, fields[i + 1]!);
    pending = fields.slice(complete).join('\0');
  }
  for (const target of revertTargets) {
    const full = resolveAbbreviated(graph.parents, target);
    if (full) graph.reverted.add(full);
  }
  assignBranchSeries(graph);
  return graph;
}

/**
 * Walks the tip's first-parent line from its oldest commit up. Everything reachable from the line so far is
 * marked; a merge's series is then what a walk from its other parents reaches before hitting marked commits,
 * which is exactly "reachable from parent 2 and not from parent 1" without computing ancestor sets.
 * Merges off the line (syncing main into a branch, sub-branches) stay inside the series that holds them.
 */
function assignBranchSeries(graph: CommitGraph): void {
  const line: string[] = [];
  for (let sha = graph.tip; sha !== undefined && graph.parents.has(sha); sha = graph.parents.get(sha)![0]) line.push(sha);
  const reached = new Set<string>();
  for (const commit of line.reverse()) {
    reached.add(commit);
    const [, ...others] = graph.parents.get(commit)!;
    if (others.length === 0) continue;
    const stack = [...others];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (reached.has(sha) || !graph.parents.has(sha)) continue;
      reached.add(sha);
      graph.seriesOf.set(sha, commit);
      stack.push(...graph.parents.get(sha)!);
    }
  }
  for (const merge of [...graph.merges.keys()]) if (!reached.has(merge) || graph.seriesOf.has(merge)) graph.merges.delete(merge);
  for (const [sha, merge] of graph.seriesOf) {
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
