/**
 * Which family of syntax a piece of code of no named file is written in (a snippet pasted into `search`):
 * enough to name its language where the family has one (Python, Go).
 */

export type Family = 'python' | 'c-like' | 'go' | 'any';

/** Syntax only one family writes, to tell which a snippet of no named file is in. */
const FAMILY_MARKS: Record<Exclude<Family, 'any'>, RegExp[]> = {
  python: [/^\s*(def|class)\s+\w+.*:\s*(#.*)?$/, /^\s*(elif|except|finally|with|try)\b.*:\s*$/, /\bself\b/, /^\s*from\s+\S+\s+import\b/, /\b(None|True|False)\b/, /^\s*(if|for|while)\b[^{;]*:\s*$/],
  // `:=` but not a grammar's `::=` (a BNF rule in an API guideline is no Go).
  go: [/^\s*func\b/, /(?<!:):=/, /^\s*package\s+\w+\s*$/, /\bfmt\.\w/, /\berr\s*!=\s*nil\b/, /\bchan\b/, /^\s*type\s+\w+\s+(struct|interface)\b/],
  'c-like': [/;\s*$/, /\b(const|let|var)\s+[\w${[]/, /\bfunction\b/, /=>/, /===|!==/, /\bconsole\./, /\brequire\(|^\s*import\b.*\bfrom\s+['"]/, /\bthis\./, /\bfn\s+\w+|\blet\s+mut\b|\bimpl\b|&self\b/],
};

/** The family whose syntax most lines of `lines` use, if one leads on at least `atLeast` lines; undefined when none or a tie. */
export function familyOf(lines: readonly string[], atLeast = 1): Family | undefined {
  const counts = Object.entries(FAMILY_MARKS).map(([family, marks]) => [family as Family, lines.filter((line) => marks.some((mark) => mark.test(line))).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > counts[1]![1] && counts[0]![1] >= atLeast ? counts[0]![0] : undefined;
}

/** Families whose syntax names one language (the c-like family's is shared by many). */
const SHOWN_LANGUAGES: Partial<Record<Family, string>> = { python: 'Python', go: 'Go' };

/** The language `lines` of code show by their syntax alone, where their family names one (on at least `atLeast` lines). */
export function shownLanguage(lines: readonly string[], atLeast = 1): string | undefined {
  return SHOWN_LANGUAGES[familyOf(lines, atLeast) ?? 'any'];
}
