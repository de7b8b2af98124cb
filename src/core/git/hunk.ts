/** One hunk of a unified diff: its `@@` header numbers and its lines, each still carrying its ' ', '-', '+' or '\' prefix. */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The `@@ -a,b +c,d @@ section` line as git wrote it. */
  header: string;
  lines: string[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses an `@@` header line into an empty hunk, or undefined when the line is not one. */
export function parseHunkHeader(line: string): Hunk | undefined {
  const match = HUNK_HEADER.exec(line);
  if (!match) return undefined;
  return {
    oldStart: Number(match[1]),
    oldLines: match[2] === undefined ? 1 : Number(match[2]),
    newStart: Number(match[3]),
    newLines: match[4] === undefined ? 1 : Number(match[4]),
    header: line,
    lines: [],
  };
}

/** The hunk as unified-diff text, header included. */
export function hunkText(hunk: Hunk): string {
  return [hunk.header, ...hunk.lines].join('\n');
}

/** The code before the change: context and removed lines, without prefixes. */
export function oldSide(hunk: Hunk): string {
  return sideLines(hunk, '-').join('\n');
}

/** The code after the change (the lines the hunk produced): context and added lines, without prefixes. */
export function newSide(hunk: Hunk): string {
  return sideLines(hunk, '+').join('\n');
}

export function addsLines(hunk: Hunk): boolean {
  return hunk.lines.some((line) => line.startsWith('+'));
}

function sideLines(hunk: Hunk, changed: '-' | '+'): string[] {
  const out: string[] = [];
  for (const line of hunk.lines) {
    const prefix = line[0];
    if (prefix === ' ' || prefix === changed) out.push(line.slice(1));
    else if (prefix === undefined) out.push('');
  }
  return out;
}
