import { diffLines } from 'diff';

/** Longer line diffs than this are given up on (pathological files) rather than stalling an import. */
const DIFF_TIMEOUT_MS = 2000;

/** Lines of a file's text, without the empty string a final newline would add. */
export function textLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** Lines `start`..`end` (1-based, inclusive), clamped to the file. */
export function lineSlice(lines: string[], start: number, end: number): string[] {
  return lines.slice(Math.max(0, start - 1), Math.max(0, end));
}

/** One run of removed and/or added lines between two versions of a file. */
interface ChangeBlock {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

export interface FollowedRegion {
  /** Whether the later version changed any of the focus lines (or inserted lines between them). */
  changed: boolean;
  /** The region's lines in the later version. */
  lines: string[];
}

/**
 * Follows a region of an earlier version of a file into a later version: `focus` is the range a reviewer
 * commented on, `region` the same range widened by context. Returns whether the focus lines changed and
 * what the region became, or undefined when the files are too different to diff in reasonable time.
 */
export function followRegion(earlier: string, later: string, focus: [number, number], region: [number, number]): FollowedRegion | undefined {
  const changes = diffLines(withFinalNewline(earlier), withFinalNewline(later), { timeout: DIFF_TIMEOUT_MS });
  const oldCount = textLines(earlier).length;
  if (!changes || focus[0] > oldCount) return undefined;
  const newOf = new Int32Array(oldCount + 2);
  const blocks: ChangeBlock[] = [];
  let oldLine = 1;
  let newLine = 1;
  let block: ChangeBlock | undefined;
  for (const change of changes) {
    const count = change.count ?? 0;
    if (!change.added && !change.removed) {
      for (let i = 0; i < count; i++) newOf[oldLine + i] = newLine + i;
      oldLine += count;
      newLine += count;
      block = undefined;
      continue;
    }
    if (!block) {
      block = { oldStart: oldLine, oldCount: 0, newStart: newLine, newCount: 0 };
      blocks.push(block);
    }
    if (change.removed) {
      for (let i = 0; i < count; i++) newOf[oldLine + i] = -blocks.length;
      block.oldCount += count;
      oldLine += count;
    } else {
      block.newCount += count;
      newLine += count;
    }
  }
  const [focusStart, focusEnd] = focus;
  const changed = blocks.some((b) => (b.oldCount > 0 ? b.oldStart <= focusEnd && b.oldStart + b.oldCount - 1 >= focusStart : b.oldStart > focusStart && b.oldStart <= focusEnd));
  const start = clamp(region[0], 1, oldCount);
  const end = clamp(region[1], 1, oldCount);
  const newStart = newOf[start]! > 0 ? newOf[start]! : blocks[-newOf[start]! - 1]!.newStart;
  const endBlock = newOf[end]! > 0 ? undefined : blocks[-newOf[end]! - 1]!;
  const newEnd = endBlock ? endBlock.newStart + endBlock.newCount - 1 : newOf[end]!;
  return { changed, lines: lineSlice(textLines(later), newStart, newEnd) };
}

function withFinalNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}
