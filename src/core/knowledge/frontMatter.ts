import { parse as parseYaml } from 'yaml';

export interface FrontMatter {
  /** Globs the document's rules apply to; empty means everywhere. */
  appliesTo: string[];
  /** The programming languages the document says it is about (`languages:`), as written; empty when it says none. */
  languages: string[];
  /** The document with the front matter replaced by blank lines, so line numbers stay exact. */
  body: string;
}

// Copilot's *.instructions.md say `applyTo`, Cursor rules say `globs`; accept the common spellings.
const SCOPE_KEYS = ['applyTo', 'appliesTo', 'globs', 'paths', 'files'];

/** Reads a leading `---` YAML block. Malformed YAML is treated as text, never as an error. */
export function readFrontMatter(text: string): FrontMatter {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { appliesTo: [], languages: [], body: text };
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch {
    return { appliesTo: [], languages: [], body: text };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { appliesTo: [], languages: [], body: text };
  const blankLines = '\n'.repeat(match[0].split('\n').length - (match[0].endsWith('\n') ? 1 : 0));
  return { appliesTo: scopeGlobs(data as Record<string, unknown>), languages: stringList((data as Record<string, unknown>).languages), body: blankLines + text.slice(match[0].length) };
}

/** A YAML list of strings, or one comma-separated string, trimmed; anything else is none. */
function stringList(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return items.map((item) => item.trim()).filter(Boolean);
}

function scopeGlobs(data: Record<string, unknown>): string[] {
  for (const key of SCOPE_KEYS) {
    const cleaned = stringList(data[key]).filter((glob) => glob !== '**' && glob !== '**/*');
    if (cleaned.length > 0) return cleaned;
  }
  return [];
}
