import type { Chunk, ChunkingOptions, SourceLine } from './chunk';
import { packBlocks } from './packBlocks';

const SLASH_LANGUAGES = /\.(c|cc|cpp|cxx|h|hh|hpp|cs|java|kt|kts|scala|swift|go|rs|js|jsx|mjs|cjs|ts|tsx|mts|cts|php|dart|css|scss|less)$/i;
const HASH_LANGUAGES = /\.(py|pyi|rb|sh|bash|zsh|ps1|r|pl|pm|ya?ml|toml|cmake|ex|exs)$/i;
const MIN_WORDS = 4;

export function isCodeFile(path: string): boolean {
  return SLASH_LANGUAGES.test(path) || HASH_LANGUAGES.test(path);
}

/**
 * Comments and docstrings of a source file, one chunk group per comment block, so a chunk never spans
 * the code between two comments. Short pragmas ("eslint-disable-next-line") are left out.
 */
export function chunkCodeComments(source: string, text: string, options: ChunkingOptions): Chunk[] {
  const lines = text.split(/\r?\n/);
  const comments = SLASH_LANGUAGES.test(source) ? slashComments(lines) : hashComments(lines, /\.pyi?$/i.test(source));
  return comments
    .filter((comment) => comment.map((l) => l.text).join(' ').split(/\s+/).filter((w) => /\w/.test(w)).length >= MIN_WORDS)
    .flatMap((comment) => packBlocks(source, [{ heading: [], lines: comment }], options));
}

function slashComments(lines: string[]): SourceLine[][] {
  const comments: SourceLine[][] = [];
  let current: SourceLine[] = [];
  let inBlock = false;
  const flush = () => {
    if (current.length > 0) comments.push(current);
    current = [];
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (inBlock) {
      const end = trimmed.indexOf('*/');
      current.push({ line, text: clean(end >= 0 ? trimmed.slice(0, end) : trimmed, /^\*+\s?/) });
      if (end >= 0) {
        inBlock = false;
        flush();
      }
    } else if (trimmed.startsWith('//')) {
      current.push({ line, text: clean(trimmed, /^\/\/+[!/]?\s?/) });
    } else if (trimmed.startsWith('/*')) {
      flush();
      const end = trimmed.indexOf('*/', 2);
      current.push({ line, text: clean(end >= 0 ? trimmed.slice(0, end) : trimmed, /^\/\*+!?\s?/) });
      if (end >= 0) flush();
      else inBlock = true;
    } else {
      flush();
    }
  });
  flush();
  return comments;
}

function hashComments(lines: string[], python: boolean): SourceLine[][] {
  const comments: SourceLine[][] = [];
  let current: SourceLine[] = [];
  let docstring: string | undefined;
  const flush = () => {
    if (current.length > 0) comments.push(current);
    current = [];
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (docstring) {
      const end = trimmed.indexOf(docstring);
      current.push({ line, text: end >= 0 ? trimmed.slice(0, end) : trimmed });
      if (end >= 0) {
        docstring = undefined;
        flush();
      }
      return;
    }
    const quote = python ? /^(?:[rRuU]?)("""|''')/.exec(trimmed)?.[1] : undefined;
    if (quote) {
      flush();
      const rest = trimmed.slice(trimmed.indexOf(quote) + 3);
      const end = rest.indexOf(quote);
      current.push({ line, text: end >= 0 ? rest.slice(0, end) : rest });
      if (end >= 0) flush();
      else docstring = quote;
    } else if (trimmed.startsWith('#') && !trimmed.startsWith('#!')) {
      current.push({ line, text: clean(trimmed, /^#+\s?/) });
    } else {
      flush();
    }
  });
  flush();
  return comments;
}

function clean(text: string, marker: RegExp): string {
  return text.replace(marker, '').replace(/\s*\*+\/?$/, '').trimEnd();
}
