import { parse as parseYaml } from 'yaml';

export interface FrontMatter {
  /** Globs the document's rules apply to; empty means everywhere. */
  appliesTo: string[];
  /** The document with the front matter replaced by blank lines, so line numbers stay exact. */
  body: string;
}

// Copilot's *.instructions.md say `applyTo`, Cursor rules say `globs`; accept the common spellings.
const SCOPE_KEYS = ['applyTo', 'appliesTo', 'globs', 'paths', 'files'];

/** Reads a leading `---` YAML block. Malformed YAML is treated as text, never as an error. */
export function readFrontMatter(text: string): FrontMatter {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { appliesTo: [], body: text };
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch {
    return { appliesTo: [], body: text };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { appliesTo: [], body: text };
  const blankLines = '\n'.repeat(match[0].split('\n').length - (match[0].endsWith('\n') ? 1 : 0));
  return { appliesTo: scopeGlobs(data as Record<string, unknown>), body: blankLines + text.slice(match[0].length) };
}

function scopeGlobs(data: Record<string, unknown>): string[] {
  for (const key of SCOPE_KEYS) {
    const value = data[key];
    const globs = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const cleaned = globs.map((glob) => glob.trim()).filter((glob) => glob && glob !== '**' && glob !== '**/*');
    if (cleaned.length > 0) return cleaned;
  }
  return [];
}
