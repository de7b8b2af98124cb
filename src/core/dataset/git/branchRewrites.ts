import type { MinedItem, ReviewEvent } from '../reviewEvent';
import { commitMetadata, filePath } from './commitEvidence';
import type { CommitGraph } from './commitGraph';
import type { GitCommit } from '../../git/gitLogStream';
import type { FileDiff } from '../../git/unifiedDiff';
import { isFollowupShaped } from './followupShape';
import { addsLines, hunkText, newSide, oldSide, type Hunk } from '../../git/hunk';

/** A hunk that added lines in the branch, and what became of those lines before the merge. */
interface Origin {
  commit: GitCommit;
  file: FileDiff;
  hunk: Hunk;
  /**
   * kept: merged as written; rewritten: a follow-up commit of the branch changed its lines; superseded: later
   * new work of the branch changed them (a planned series, not a review round); lost: cannot tell.
   */
  outcome: 'kept' | 'rewritten' | 'superseded' | 'lost';
}

/** A line some branch commit added, at its position in the file as of one commit. */
interface TrackedLine {
  line: number;
  origin: Origin;
}

/** Tracked lines per path, after one commit of the branch. */
type LineState = Map<string, TrackedLine[]>;

/**
 * Follows the lines that the commits of one merged pull-request branch add, commit by commit (parents first),
 * by shifting their positions through each later hunk. When a later commit of the branch removes or replaces
 * such lines, the earlier hunk needed review: a 'branch-rewrite' event pairs it with the later hunk's code
 * before and after. At the merge, hunks nobody rewrote become neededReview=false events (quality-estimation
 * negatives). Where positions cannot be followed (a merge inside the branch, a binary change), the affected
 * hunks are reported as skipped rather than guessed.
 */
export class MergedBranch {
  private readonly origins: Origin[] = [];
  private readonly states = new Map<string, LineState>();
  private readonly applied = new Set<string>();
  private readonly childrenLeft = new Map<string, number>();
  private followups = 0;

  /** `included` limits the events (not the line following) to the files a path filter selects. */
  constructor(
    readonly merge: string,
    private readonly graph: CommitGraph,
    private readonly included: (path: string | null) => boolean = () => true,
  ) {}

  /**
   * Applies one commit of the branch; returns the rewrite events it causes, which only a follow-up commit does
   * (isFollowup). A commit that does not count (a bot's) still moves line positions, but its
   * rewrites are no evidence and its own lines are not followed.
   */
  apply(commit: GitCommit, counts: boolean): ReviewEvent[] {
    this.applied.add(commit.sha);
    const state = this.parentState(commit);
    const remapped = commit.files.map((file) => {
      const lines = file.oldPath === null ? [] : (state.get(file.oldPath) ?? []);
      if (file.oldPath !== null) state.delete(file.oldPath);
      if (!file.binary && file.newPath !== null) return { file, ...remapLines(lines, file.hunks) };
      // A deleted file is no rewrite worth learning from, and a binary one has no line positions.
      lose(lines);
      return { file, kept: [], removed: new Map<Hunk, Set<Origin>>() };
    });
    const followup = counts && isFollowup(commit, remapped);
    if (followup) this.followups++;
    const events: ReviewEvent[] = [];
    for (const { file, kept, removed } of remapped) {
      if (file.newPath === null || file.binary) continue;
      for (const [hunk, origins] of removed) {
        for (const origin of origins) {
          if (followup) {
            origin.outcome = 'rewritten';
            if (this.included(file.newPath)) events.push(this.rewriteEvent(origin, commit, file, hunk));
          } else if (origin.outcome === 'kept') {
            origin.outcome = counts ? 'superseded' : 'lost';
          }
        }
      }
      const added = counts ? this.follow(commit, file) : [];
      const tracked = added.length > 0 ? [...kept, ...added].sort((a, b) => a.line - b.line) : kept;
      if (tracked.length > 0) state.set(file.newPath, tracked);
    }
    this.states.set(commit.sha, state);
    return events;
  }

  /**
   * At the merge: when the branch had a follow-up, hunks kept as written become quality-estimation negatives
   * and untraceable ones are skips. Without one, nothing shows that review happened in visible rounds (a
   * landed series may have had its rounds squashed away), so none of its hunks is evidence either way.
   */
  finish(): MinedItem[] {
    const origins = this.origins.filter((origin) => this.included(filePath(origin.file)));
    if (origins.length === 0) return [];
    if (this.followups === 0) {
      return [{ skip: { source: `pull request ${this.merge.slice(0, 12)}`, reason: 'no later commit of the pull request follows up on lines an earlier one added, so whether review changed its hunks is unknown' } }];
    }
    const items: MinedItem[] = [];
    for (const origin of origins) {
      if (origin.outcome === 'kept') items.push({ event: this.keptEvent(origin) });
      else if (origin.outcome === 'superseded' || origin.outcome === 'lost') {
        items.push({ skip: { source: `commit ${origin.commit.sha.slice(0, 12)} ${filePath(origin.file)}`, reason: SKIP_REASON[origin.outcome] } });
      }
    }
    return items;
  }

  private rewriteEvent(origin: Origin, later: GitCommit, file: FileDiff, hunk: Hunk): ReviewEvent {
    return {
      kind: 'branch-rewrite',
      groupId: this.merge,
      path: filePath(file),
      diffHunk: hunkText(origin.hunk),
      before: oldSide(hunk),
      after: newSide(hunk),
      neededReview: true,
      author: origin.commit.authorName,
      date: origin.commit.authorDate,
      metadata: commitMetadata(this.graph, [origin.commit, later], [origin.file, file]),
    };
  }

  private keptEvent(origin: Origin): ReviewEvent {
    return {
      kind: 'branch-rewrite',
      groupId: this.merge,
      path: filePath(origin.file),
      diffHunk: hunkText(origin.hunk),
      before: newSide(origin.hunk),
      neededReview: false,
      author: origin.commit.authorName,
      date: origin.commit.authorDate,
      metadata: commitMetadata(this.graph, [origin.commit], [origin.file]),
    };
  }

  /** Starts following the lines this commit adds to the file, one origin per hunk that adds any. */
  private follow(commit: GitCommit, file: FileDiff): TrackedLine[] {
    const tracked: TrackedLine[] = [];
    for (const hunk of file.hunks) {
      if (!addsLines(hunk)) continue;
      const origin: Origin = { commit, file, hunk, outcome: 'kept' };
      this.origins.push(origin);
      let line = hunk.newStart;
      for (const text of hunk.lines) {
        if (text[0] === '+') tracked.push({ line: line++, origin });
        else if (text[0] === ' ') line++;
      }
    }
    return tracked;
  }

  /**
   * The line state this commit starts from: its parent's, handed over (or copied while other children of the
   * same parent are still to come). Parents hidden by path filters are walked through. A merge inside the
   * branch brings in changes that were never shown as a diff, so positions after it are unknown.
   */
  private parentState(commit: GitCommit): LineState {
    const parents = this.graph.parents.get(commit.sha) ?? commit.parents;
    if (parents.length > 1) {
      for (const parent of parents) if (this.inBranch(parent)) lose(allLines(this.takeState(parent)));
      return new Map();
    }
    let parent = parents[0];
    while (parent !== undefined && this.inBranch(parent) && !this.applied.has(parent)) {
      const grandparents = this.graph.parents.get(parent) ?? [];
      if (grandparents.length !== 1) return new Map();
      parent = grandparents[0];
    }
    return parent !== undefined && this.inBranch(parent) ? this.takeState(parent) : new Map();
  }

  private inBranch(sha: string): boolean {
    return this.graph.seriesOf.get(sha) === this.merge;
  }

  private takeState(sha: string): LineState {
    const state = this.states.get(sha);
    if (!state) return new Map();
    const left = (this.childrenLeft.get(sha) ?? this.graph.seriesChildren.get(sha) ?? 1) - 1;
    this.childrenLeft.set(sha, left);
    if (left > 0) return new Map([...state].map(([path, lines]) => [path, [...lines]]));
    this.states.delete(sha);
    return state;
  }
}

/**
 * A later commit is a review follow-up when every one of its hunks revisits lines the branch's earlier
 * commits added, and it has a follow-up's shape (isFollowupShaped). A commit of a planned series ("test:
 * factor out …" then "cygwin: implement …") does new work and touches earlier lines in passing. Measured on
 * libuv's landed PR-URL series: at half the hunks, 46 rewrites, mostly such series steps ("unix: fix
 * -Wstrict-aliasing warning" => "unix: cache address of dlsym"); at all of them, 29, mostly corrections
 * ("switch uv_sleep() to nanosleep()" => "retry on EINTR").
 */
function isFollowup(commit: GitCommit, remapped: Array<{ removed: Map<Hunk, Set<Origin>> }>): boolean {
  const earlier = new Set<Origin>();
  for (const { removed } of remapped) for (const origins of removed.values()) for (const origin of origins) earlier.add(origin);
  const earlierAddedLines = [...earlier].reduce((sum, origin) => sum + origin.hunk.lines.filter((line) => line[0] === '+').length, 0);
  const revisitingHunks = remapped.reduce((sum, { removed }) => sum + removed.size, 0);
  return isFollowupShaped(commit, { revisitingHunks, earlierAddedLines, earlier: [...new Set([...earlier].map((origin) => origin.commit))] });
}

const SKIP_REASON = {
  lost: 'cannot follow this hunk to the merge (the branch merged other work or changed the file to binary in between), so whether review changed it is unknown',
  superseded: 'a later commit of the pull request reworked these lines as new work, not as a review follow-up, so whether review changed them is unknown',
} as const;

/** Moves tracked lines through one file's hunks; lines the hunks delete are returned per hunk. */
function remapLines(lines: TrackedLine[], hunks: Hunk[]): { kept: TrackedLine[]; removed: Map<Hunk, Set<Origin>> } {
  const kept: TrackedLine[] = [];
  const removed = new Map<Hunk, Set<Origin>>();
  let index = 0;
  let shift = 0;
  for (const tracked of lines) {
    while (index < hunks.length && endsBefore(hunks[index]!, tracked.line)) {
      shift += hunks[index]!.newLines - hunks[index]!.oldLines;
      index++;
    }
    const hunk = hunks[index];
    if (hunk && hunk.oldLines > 0 && tracked.line >= hunk.oldStart && tracked.line < hunk.oldStart + hunk.oldLines) {
      const newLine = newPositions(hunk)[tracked.line - hunk.oldStart]!;
      if (newLine > 0) kept.push({ line: newLine, origin: tracked.origin });
      else {
        const origins = removed.get(hunk) ?? new Set<Origin>();
        origins.add(tracked.origin);
        removed.set(hunk, origins);
      }
    } else {
      kept.push({ line: tracked.line + shift, origin: tracked.origin });
    }
  }
  return { kept, removed };
}

/** Whether a hunk lies wholly before an old line (a pure insertion at N goes after old line N). */
function endsBefore(hunk: Hunk, line: number): boolean {
  return hunk.oldLines > 0 ? hunk.oldStart + hunk.oldLines - 1 < line : hunk.oldStart < line;
}

const positionCache = new WeakMap<Hunk, number[]>();

/** For each old line of the hunk, its new line number, or 0 when the hunk removes it. */
function newPositions(hunk: Hunk): number[] {
  let positions = positionCache.get(hunk);
  if (positions) return positions;
  positions = [];
  let line = hunk.newStart;
  for (const text of hunk.lines) {
    if (text[0] === '-') positions.push(0);
    else if (text[0] === '+') line++;
    else if (text[0] !== '\\') positions.push(line++);
  }
  positionCache.set(hunk, positions);
  return positions;
}

function allLines(state: LineState): TrackedLine[] {
  return [...state.values()].flat();
}

function lose(lines: TrackedLine[]): void {
  for (const { origin } of lines) if (origin.outcome === 'kept') origin.outcome = 'lost';
}
