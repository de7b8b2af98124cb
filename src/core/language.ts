import * as path from 'node:path';

/** Extensions and their languages, named as people name them (the names documentLanguages.ts matches). */
const BY_EXTENSION: Record<string, string> = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript (TSX)', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.jsx': 'JavaScript (JSX)', '.mjs': 'JavaScript', '.cjs': 'JavaScript',
  '.py': 'Python', '.pyi': 'Python', '.rb': 'Ruby', '.go': 'Go', '.rs': 'Rust', '.java': 'Java',
  '.kt': 'Kotlin', '.kts': 'Kotlin', '.scala': 'Scala', '.swift': 'Swift', '.c': 'C', '.h': 'C',
  '.cc': 'C++', '.cpp': 'C++', '.cxx': 'C++', '.hh': 'C++', '.hpp': 'C++', '.cs': 'C#', '.php': 'PHP',
  '.dart': 'Dart', '.sh': 'Shell', '.bash': 'Shell', '.zsh': 'Shell', '.ps1': 'PowerShell',
  '.sql': 'SQL', '.html': 'HTML', '.htm': 'HTML', '.css': 'CSS', '.scss': 'SCSS', '.less': 'Less',
  '.vue': 'Vue', '.svelte': 'Svelte', '.json': 'JSON', '.yaml': 'YAML', '.yml': 'YAML', '.toml': 'TOML',
  '.xml': 'XML', '.md': 'Markdown', '.ex': 'Elixir', '.exs': 'Elixir', '.r': 'R', '.lua': 'Lua', '.pl': 'Perl',
  '.hs': 'Haskell', '.tf': 'HCL', '.cmake': 'CMake', '.mk': 'Makefile', '.gradle': 'Groovy', '.bzl': 'Starlark',
};

/** Files known by their whole name, lower-cased. */
const BY_NAME: Record<string, string> = {
  dockerfile: 'Dockerfile', containerfile: 'Dockerfile', makefile: 'Makefile', gnumakefile: 'Makefile',
  'cmakelists.txt': 'CMake', 'meson.build': 'Meson',
};

/**
 * The file's language by a human name: told to the model in prompts, added to retrieval queries, and kept
 * in a dataset's metadata. `plain text` when unknown.
 */
export function languageOf(file: string): string {
  const base = path.posix.basename(file).toLowerCase();
  return BY_NAME[base] ?? BY_EXTENSION[path.posix.extname(base)] ?? 'plain text';
}
