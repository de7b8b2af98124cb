import picomatch from 'picomatch';
import type { Passage } from '../knowledge/passage';

const matchers = new Map<string, (path: string) => boolean>();

function matcher(glob: string): (path: string) => boolean {
  let match = matchers.get(glob);
  if (!match) {
    // A glob without a slash names files anywhere (as in .gitignore and Copilot's applyTo).
    match = picomatch(glob, { dot: true, matchBase: !glob.includes('/') });
    matchers.set(glob, match);
  }
  return match;
}

/** True when the passage's rule applies to the workspace-relative path (no globs: everywhere). */
export function appliesToPath(passage: Passage, file: string): boolean {
  return passage.appliesTo.length === 0 || passage.appliesTo.some((glob) => matcher(glob)(file));
}

/** True when the rule names the file's kind explicitly: such a rule was written for this code. */
export function isScopedTo(passage: Passage, file: string): boolean {
  return passage.appliesTo.length > 0 && appliesToPath(passage, file);
}
