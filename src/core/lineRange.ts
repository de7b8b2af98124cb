/** 1-based, inclusive lines of a file. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

export function lineCount(range: LineRange): number {
  return range.endLine - range.startLine + 1;
}

/** Sorts and merges ranges that overlap or touch, so every line appears once. */
export function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.startLine - b.startLine);
  const merged: LineRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, range.endLine);
    else merged.push({ ...range });
  }
  return merged;
}

/** Widens each range by `context` lines on both sides, clipped to the file, then merges. */
export function expandRanges(ranges: readonly LineRange[], context: number, fileLines: number): LineRange[] {
  return mergeRanges(
    ranges
      .map((r) => ({ startLine: Math.max(1, r.startLine - context), endLine: Math.min(fileLines, r.endLine + context) }))
      .filter((r) => r.startLine <= r.endLine),
  );
}

/**
 * The new-side lines a diff hunk (at zero context) changed: its new lines, or for a pure deletion (no new
 * lines, sitting after line `newStart`) the lines on both sides of the gap. What `review --diff` reviews.
 */
export function changedLines(newStart: number, newLines: number): LineRange {
  return newLines > 0 ? { startLine: newStart, endLine: newStart + newLines - 1 } : { startLine: Math.max(1, newStart), endLine: newStart + 1 };
}

export function containsRange(outer: LineRange, inner: LineRange): boolean {
  return outer.startLine <= inner.startLine && inner.endLine <= outer.endLine;
}

export function overlaps(a: LineRange, b: LineRange): boolean {
  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}
