import { structuredPatch } from 'diff';
import { changedLines, type LineRange } from '../../lineRange';
import { lineSlice, textLines } from './lineRegion';

const CONTEXT_LINES = 3;

/**
 * Rebuilds the hunk of base → head that holds the commented line: `cut` after that line, as GitHub's
 * diff_hunk is (what a reviewer saw, for exports that carry none), or `whole` (the change as git has it,
 * which quality estimation needs). A comment on an unchanged line gets the context lines above it when
 * cut, and no hunk when whole (no change holds it). Undefined when the diff is too large to compute.
 */
export function rebuildHunk(base: string, head: string, side: 'new' | 'old', line: number, extent: 'cut' | 'whole'): string | undefined {
  const patch = structuredPatch('a', 'b', base, head, undefined, undefined, { context: CONTEXT_LINES, timeout: 2000 });
  if (!patch) return undefined;
  let shift = 0;
  for (const hunk of patch.hunks) {
    const start = side === 'new' ? hunk.newStart : hunk.oldStart;
    const count = side === 'new' ? hunk.newLines : hunk.oldLines;
    if (count > 0 && line >= start && line < start + count) return extent === 'cut' ? cutAfter(hunk, side, line) : unifiedHunkText(hunk);
    if (start + count <= line) shift += hunk.newLines - hunk.oldLines;
  }
  if (extent === 'whole') return undefined;
  // An unchanged line: both sides hold it, `shift` lines apart.
  const lines = textLines(side === 'new' ? head : base);
  const first = Math.max(1, line - CONTEXT_LINES);
  const context = lineSlice(lines, first, line).map((text) => ` ${text}`);
  const [oldFirst, newFirst] = side === 'new' ? [first - shift, first] : [first, first + shift];
  return [`@@ -${range(oldFirst, context.length)} +${range(newFirst, context.length)} @@`, ...context].join('\n');
}

function cutAfter(hunk: { oldStart: number; newStart: number; lines: string[] }, side: 'new' | 'old', line: number): string {
  const kept: string[] = [];
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  let oldCount = 0;
  let newCount = 0;
  for (const text of hunk.lines) {
    const prefix = text[0];
    if (prefix === '\\') continue;
    kept.push(text);
    const isOld = prefix !== '+';
    const isNew = prefix !== '-';
    const reached = side === 'new' ? isNew && newLine === line : isOld && oldLine === line;
    if (isOld) {
      oldLine++;
      oldCount++;
    }
    if (isNew) {
      newLine++;
      newCount++;
    }
    if (reached) break;
  }
  return [`@@ -${range(hunk.oldStart, oldCount)} +${range(hunk.newStart, newCount)} @@`, ...kept].join('\n');
}

/** A unified-diff range; an empty side names the line before it, as git writes it. */
function range(start: number, count: number): string {
  return count === 0 ? `${Math.max(0, start - 1)},0` : count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * The lines of `head` that base → head changed, as `review --diff` finds them (git's hunks at zero context):
 * what the reviewer is sent for this file when the change is reviewed. Undefined when the diff is too large.
 */
export function changedRanges(base: string, head: string): LineRange[] | undefined {
  const patch = structuredPatch('a', 'b', base, head, undefined, undefined, { context: 0, timeout: 2000 });
  return patch?.hunks.map((hunk) => changedLines(hunk.newStart, hunk.newLines));
}

/** Every hunk of base → head with git's default context, as one unified-diff text; undefined when too large to diff. */
export function wholeFileDiff(base: string, head: string): string | undefined {
  const patch = structuredPatch('a', 'b', base, head, undefined, undefined, { context: CONTEXT_LINES, timeout: 2000 });
  return patch?.hunks.map(unifiedHunkText).join('\n');
}

function unifiedHunkText(hunk: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }): string {
  return [`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines.filter((text) => text[0] !== '\\')].join('\n');
}
