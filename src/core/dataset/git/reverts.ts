const REVERTS = /\bThis reverts commit ([0-9a-f]{7,64})\b/gi;

/** The commits (full or abbreviated ids) that a message says it reverts, as `git revert` writes it. */
export function revertedCommits(message: string): string[] {
  return [...message.matchAll(REVERTS)].map((match) => match[1]!.toLowerCase());
}
