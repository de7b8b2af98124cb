import type { GitObjectReader } from '../../git/gitObjectReader';
import { parseHunkHeader } from '../../git/hunk';
import type { CodeAnchor, ReviewedFile } from '../reviewEvent';
import type { CommentLocation, ExportedComment } from './exportedComment';
import { followRegion, lineSlice, textLines } from './lineRegion';
import { changedRanges, rebuildHunk } from './rebuiltHunk';

/** Lines of context kept around the commented lines, as in a diff hunk. */
const COMMENT_CONTEXT_LINES = 3;

/** The code a comment was made on, recovered from local git objects (or from the export's diff hunk). */
export interface CommentCode {
  diffHunk: string;
  /** The commented lines with context, as they were when the comment was made. */
  before: string;
  /** The same region in the pull request's final version, when that version changed the commented lines. */
  after?: string;
  /** Commits the code was read from: where the comment was made, then the later version if it changed. */
  commits: string[];
  /** The file is absent from the later version (deleted or moved), so no revision can be read. */
  fileGoneLater?: boolean;
  /** The whole hunk of the change, rebuilt from git, when `diffHunk` is a forge's hunk cut at the commented line. */
  fullHunk?: string;
  /** Where the comment sits in the file it was made on (new-side comments read from git). */
  anchor?: CodeAnchor;
  /** Why the code came from the export's hunk instead of git (the comment's commit is not local, say). */
  hunkFallback?: string;
  /** The whole file git has at the comment's commit where its line was not the hunk's: not an anchor, but it names the file's language and whether it is generated. */
  reviewedFile?: ReviewedFile;
}

/**
 * Joins a comment to the repository: reads the file at the commit the comment was made on (the original
 * position first, then the current one), cuts the commented lines with context, rebuilds the whole hunk
 * of the change from `base` (the pull request's base, when known), and follows the lines into `laterHead`
 * to find the revised code. Without the commit locally, the export's diff hunk alone is used (and the
 * fallback named); without either, the comment is skipped with the reason.
 */
export async function commentCode(comment: ExportedComment, reader: GitObjectReader, laterHead: string | undefined, base?: string): Promise<CommentCode | { skip: string }> {
  const found = await locate(comment, reader);
  const located = 'at' in found ? found : undefined;
  const diffHunk = comment.diffHunk || (await rebuiltDiffHunk(comment, reader));
  if (typeof diffHunk !== 'string') return diffHunk;
  if (!located) {
    const why = 'mismatch' in found ? found.mismatch : await whyNotLocal(comment, reader);
    if (!diffHunk) return { skip: `${why}, and the export has no diff hunk to fall back on` };
    // A position that git contradicts says nothing: the hunk's own end is the commented line.
    const at = 'mismatch' in found ? undefined : (comment.original ?? comment.current);
    return { diffHunk, before: hunkSide(diffHunk, at, at === undefined), commits: [], hunkFallback: why, ...('file' in found && found.file && { reviewedFile: found.file }) };
  }
  const { at, lines, text } = located;
  const region: [number, number] = [at.startLine - COMMENT_CONTEXT_LINES, at.endLine + COMMENT_CONTEXT_LINES];
  const code: CommentCode = { diffHunk, before: lineSlice(lines, region[0], region[1]).join('\n'), commits: [at.commit!] };
  if (at.side === 'new') {
    code.anchor = { commit: at.commit!, fileText: text, startLine: at.startLine, endLine: at.endLine };
    const baseText = await baseVersion(comment, reader, at, base);
    if (baseText !== undefined) {
      const fullHunk = rebuildHunk(baseText, text, 'new', at.endLine, 'whole');
      if (fullHunk) code.fullHunk = fullHunk;
      const changed = changedRanges(baseText, text);
      if (changed) code.anchor.changed = changed;
    }
  }
  if (!laterHead || at.side !== 'new' || laterHead.startsWith(at.commit!) || at.commit!.startsWith(laterHead)) return code;
  const laterText = await reader.readFile(laterHead, at.path);
  if (laterText === undefined) return { ...code, fileGoneLater: true };
  const followed = followRegion(text, laterText, [at.startLine, at.endLine], region);
  if (!followed?.changed) return code;
  const revised = followRegion(text, laterText, [at.startLine, at.endLine], [at.startLine, at.endLine]);
  return {
    ...code,
    after: followed.lines.join('\n'),
    commits: [at.commit!, laterHead],
    ...(code.anchor && revised && { anchor: { ...code.anchor, revised: revised.lines.join('\n') } }),
  };
}

/** The file as the pull request's base had it ('' for a file it added); undefined when the base is unknown. */
async function baseVersion(comment: ExportedComment, reader: GitObjectReader, at: CommentLocation, base: string | undefined): Promise<string | undefined> {
  const from = comment.versions?.base ?? (base ? { commit: base, path: at.path } : undefined);
  if (!from) return undefined;
  return (await reader.readFile(from.commit, from.path)) ?? '';
}

/**
 * The first of the comment's positions (original, then current) whose file git has and whose commented line holds
 * the line the export's hunk ends on (GitHub's diff_hunk stops at the commented line). A position whose line holds
 * other code is not trusted (an export converted by hand, a wrong commit id): the hunk is used instead, with
 * the reason. A thread the forge calls current is trusted at its current position.
 */
async function locate(comment: ExportedComment, reader: GitObjectReader): Promise<{ at: CommentLocation; lines: string[]; text: string } | { mismatch?: string; file?: ReviewedFile }> {
  const commented = comment.diffHunk ? lastHunkLine(comment.diffHunk) : undefined;
  let mismatch: { mismatch: string; file: ReviewedFile } | undefined;
  for (const at of [comment.original, comment.current]) {
    if (!at?.commit) continue;
    const text = await reader.readFile(at.commit, at.path);
    if (text === undefined) continue;
    const lines = textLines(text);
    if (at.endLine > lines.length) continue;
    const trusted = commented === undefined || (at === comment.current && comment.thread?.outdated === false);
    if (trusted || lines[at.endLine - 1]!.trimEnd() === commented) return { at, lines, text };
    mismatch ??= { mismatch: `line ${at.endLine} of ${at.path} at commit ${at.commit.slice(0, 12)} is not the line the export's diff hunk ends on`, file: { commit: at.commit, fileText: text } };
  }
  return mismatch ?? {};
}

/** The new-side line a diff hunk ends on (the commented line of a forge's hunk); undefined when it ends on a removed line. */
function lastHunkLine(diffHunk: string): string | undefined {
  const last = diffHunk
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && !line.startsWith('@@') && line[0] !== '\\')
    .at(-1);
  return last === undefined || last[0] === '-' ? undefined : last.slice(1).trimEnd();
}

/** The diff hunk for exports without one: rebuilt from both versions, or a skip when they are not local. */
async function rebuiltDiffHunk(comment: ExportedComment, reader: GitObjectReader): Promise<string | { skip: string }> {
  const { versions, original } = comment;
  if (!versions || !original) return '';
  const base = await reader.readFile(versions.base.commit, versions.base.path);
  const head = await reader.readFile(versions.head.commit, versions.head.path);
  if (base === undefined || head === undefined) return { skip: await whyNotLocal(comment, reader) };
  return rebuildHunk(base, head, original.side, original.endLine, 'cut') ?? { skip: 'the two versions of the file are too different to diff' };
}

/** The side of a diff hunk the comment is on, cut to the commented lines and the context above them (`atEnd`: the hunk's last line is the commented one). */
function hunkSide(diffHunk: string, at: CommentLocation | undefined, atEnd = false): string {
  const [header = '', ...body] = diffHunk.split('\n');
  const hunk = parseHunkHeader(header);
  const side = at?.side ?? 'new';
  const dropped = side === 'new' ? '-' : '+';
  let line = hunk ? (side === 'new' ? hunk.newStart : hunk.oldStart) : 1;
  const all: Array<[number, string]> = [];
  for (const text of body) {
    if (text[0] === dropped || text[0] === '\\') continue;
    all.push([line++, text.slice(1)]);
  }
  if (atEnd) return all.slice(-1 - COMMENT_CONTEXT_LINES).map(([, text]) => text).join('\n');
  const wanted = at ? all.filter(([number]) => number >= at.startLine - COMMENT_CONTEXT_LINES && number <= at.endLine) : [];
  return (wanted.length > 0 ? wanted : all).map(([, text]) => text).join('\n');
}

/** Names the commits the comment refers to that the repository lacks, or the file they lack. */
async function whyNotLocal(comment: ExportedComment, reader: GitObjectReader): Promise<string> {
  const named = [comment.original?.commit, comment.current?.commit, comment.versions?.base.commit, comment.versions?.head.commit];
  const commits = [...new Set(named.filter((commit): commit is string => commit !== undefined))];
  // GitHub's export names no commit for a comment on the removed side (its lines are the base's).
  if (commits.length === 0) return `the export names no commit for ${comment.path} at this comment (a comment on removed lines names none)`;
  const missing: string[] = [];
  for (const commit of commits) if ((await reader.commitTime(commit)) === undefined) missing.push(commit.slice(0, 12));
  if (missing.length === 0) return `${comment.path} is not in ${commits.length === 1 ? 'commit' : 'commits'} ${commits.map((commit) => commit.slice(0, 12)).join(', ')}`;
  const subject = missing.length === 1 ? `commit ${missing[0]} is` : `commits ${missing.join(', ')} are`;
  return `${subject} not in the local repository (fetch the pull request's commits to join this comment to its code)`;
}
