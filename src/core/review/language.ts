import * as path from 'node:path';

const LANGUAGES: Record<string, string> = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript (TSX)', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.jsx': 'JavaScript (JSX)', '.mjs': 'JavaScript', '.cjs': 'JavaScript',
  '.py': 'Python', '.pyi': 'Python', '.rb': 'Ruby', '.go': 'Go', '.rs': 'Rust', '.java': 'Java',
  '.kt': 'Kotlin', '.kts': 'Kotlin', '.scala': 'Scala', '.swift': 'Swift', '.c': 'C', '.h': 'C',
  '.cc': 'C++', '.cpp': 'C++', '.cxx': 'C++', '.hh': 'C++', '.hpp': 'C++', '.cs': 'C#', '.php': 'PHP',
  '.dart': 'Dart', '.sh': 'Shell', '.bash': 'Shell', '.zsh': 'Shell', '.ps1': 'PowerShell',
  '.sql': 'SQL', '.html': 'HTML', '.htm': 'HTML', '.css': 'CSS', '.scss': 'SCSS', '.less': 'Less',
  '.vue': 'Vue', '.svelte': 'Svelte', '.json': 'JSON', '.yaml': 'YAML', '.yml': 'YAML', '.toml': 'TOML',
  '.md': 'Markdown', '.ex': 'Elixir', '.exs': 'Elixir', '.r': 'R', '.lua': 'Lua', '.pl': 'Perl',
};

/** A human name for the file's language, told to the model and added to the retrieval query. */
export function languageOf(file: string): string {
  const base = path.posix.basename(file);
  if (base === 'Dockerfile') return 'Dockerfile';
  if (base === 'Makefile') return 'Makefile';
  return LANGUAGES[path.posix.extname(base).toLowerCase()] ?? 'plain text';
}
