import { lineCount, type LineRange } from '../lineRange';
import type { CodeWindow } from '../prompt/dataBlocks';
import type { ReviewTarget } from './reviewTarget';

/** What one model call reviews: some lines of one target, never more than `windowLines` in all. */
export interface ReviewWindow extends CodeWindow {
  target: ReviewTarget;
}

/**
 * Splits a target's ranges into windows of at most `windowLines` lines, so code under review is never
 * truncated to fit a prompt. Long ranges are cut, preferably after a blank line near the limit so a
 * window rarely ends mid-function; short ranges (diff hunks) are packed together in file order.
 */
export function reviewWindows(target: ReviewTarget, windowLines: number): ReviewWindow[] {
  const pieces = target.ranges.flatMap((range) => cutRange(target.lines, range, windowLines));
  const windows: ReviewWindow[] = [];
  let current: LineRange[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (size + lineCount(piece) > windowLines && current.length > 0) {
      windows.push({ target, segments: current });
      current = [];
      size = 0;
    }
    current.push(piece);
    size += lineCount(piece);
  }
  if (current.length > 0) windows.push({ target, segments: current });
  return windows;
}

function cutRange(lines: string[], range: LineRange, windowLines: number): LineRange[] {
  const pieces: LineRange[] = [];
  let start = range.startLine;
  while (range.endLine - start + 1 > windowLines) {
    const limit = start + windowLines - 1;
    // Look back over the last quarter of the window for a blank line to end on.
    let end = limit;
    for (let line = limit; line > limit - Math.floor(windowLines / 4); line--) {
      if ((lines[line - 1] ?? '').trim() === '') {
        end = line;
        break;
      }
    }
    pieces.push({ startLine: start, endLine: end });
    start = end + 1;
  }
  pieces.push({ startLine: start, endLine: range.endLine });
  return pieces;
}

export function windowContains(window: ReviewWindow, range: LineRange): boolean {
  return window.segments.some((s) => s.startLine <= range.startLine && range.endLine <= s.endLine);
}
