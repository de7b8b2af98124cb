/** Trailer values by token as written (Reviewed-by, Acked-by, PR-URL, Change-Id, …), in message order. */
export type Trailers = Record<string, string[]>;

export interface CommitMessage {
  /** The first paragraph, its lines joined by spaces (git's %s). */
  subject: string;
  /** Everything between the subject and the trailer block. */
  body: string;
  trailers: Trailers;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
/** Prefixes git itself writes; they let a block with some ordinary lines still count as trailers. */
const GIT_GENERATED = ['Signed-off-by: ', '(cherry picked from commit '];

/**
 * Splits a commit message the way `git interpret-trailers --parse` reads it: the trailer block is the last
 * paragraph (never the subject) when all of its lines are `Token: value` lines, or when it holds a
 * git-generated trailer and at least a quarter of its lines are trailers. Indented lines continue the
 * previous trailer and are unfolded into it.
 */
export function parseCommitMessage(message: string): CommitMessage {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  const subjectEnd = firstBlank(lines, 0);
  const subject = lines.slice(0, subjectEnd).map((line) => line.trim()).join(' ');
  const lastBlank = lastBlankIndex(lines);
  const trailerStart = lastBlank >= subjectEnd ? lastBlank + 1 : -1;
  const trailers = trailerStart > 0 ? parseTrailerBlock(lines.slice(trailerStart)) : undefined;
  const bodyEnd = trailers ? trailerStart : lines.length;
  const body = lines.slice(subjectEnd, bodyEnd).join('\n').trim();
  return { subject, body, trailers: trailers ?? {} };
}

/** Values of one trailer, matching the token case-insensitively as git does. */
export function trailerValues(trailers: Trailers, token: string): string[] {
  const wanted = token.toLowerCase();
  return Object.entries(trailers).flatMap(([key, values]) => (key.toLowerCase() === wanted ? values : []));
}

/** Merges trailer sets, keeping each value once. */
export function mergeTrailers(...sets: Trailers[]): Trailers {
  const merged: Trailers = {};
  for (const set of sets) {
    for (const [key, values] of Object.entries(set)) {
      const target = (merged[key] ??= []);
      for (const value of values) if (!target.includes(value)) target.push(value);
    }
  }
  return merged;
}

function parseTrailerBlock(block: string[]): Trailers | undefined {
  const entries: Array<[string, string]> = [];
  let trailerLines = 0;
  let otherLines = 0;
  let gitGenerated = false;
  let previousWasTrailer = false;
  for (const line of block) {
    if (/^[ \t]/.test(line) && previousWasTrailer) {
      const last = entries[entries.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const match = TRAILER_LINE.exec(line);
    if (GIT_GENERATED.some((prefix) => line.startsWith(prefix))) gitGenerated = true;
    if (match) {
      entries.push([match[1]!, match[2]!.trim()]);
      trailerLines++;
      previousWasTrailer = true;
    } else {
      otherLines++;
      previousWasTrailer = false;
    }
  }
  const isBlock = (trailerLines > 0 && otherLines === 0) || (gitGenerated && trailerLines * 3 >= otherLines);
  if (!isBlock) return undefined;
  const trailers: Trailers = {};
  for (const [key, value] of entries) (trailers[key] ??= []).push(value);
  return trailers;
}

function firstBlank(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i]!.trim() === '') return i;
  return lines.length;
}

function lastBlankIndex(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() === '') return i;
  return -1;
}
