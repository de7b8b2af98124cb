import * as path from 'node:path';

/** Extensions and their languages, named as people name them (the names documentLanguages.ts matches). */
const BY_EXTENSION: Record<string, string> = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript (TSX)', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.jsx': 'JavaScript (JSX)', '.mjs': 'JavaScript', '.cjs': 'JavaScript',
  '.py': 'Python', '.pyi': 'Python', '.rb': 'Ruby', '.go': 'Go', '.rs': 'Rust', '.java': 'Java',
  '.kt': 'Kotlin', '.kts': 'Kotlin', '.scala': 'Scala', '.swift': 'Swift', '.c': 'C', '.h': 'C',
  '.cc': 'C++', '.cpp': 'C++', '.cxx': 'C++', '.hh': 'C++', '.hpp': 'C++', '.m': 'Objective-C', '.mm': 'Objective-C++', '.cs': 'C#', '.php': 'PHP',
  '.dart': 'Dart', '.sh': 'Shell', '.bash': 'Shell', '.zsh': 'Shell', '.ps1': 'PowerShell',
  '.sql': 'SQL', '.html': 'HTML', '.htm': 'HTML', '.css': 'CSS', '.scss': 'SCSS', '.less': 'Less',
  '.vue': 'Vue', '.svelte': 'Svelte', '.json': 'JSON', '.yaml': 'YAML', '.yml': 'YAML', '.toml': 'TOML',
  '.xml': 'XML', '.md': 'Markdown', '.ex': 'Elixir', '.exs': 'Elixir', '.r': 'R', '.lua': 'Lua', '.pl': 'Perl',
  '.hs': 'Haskell', '.tf': 'HCL', '.cmake': 'CMake', '.mk': 'Makefile', '.gradle': 'Groovy', '.bzl': 'Starlark',
  '.lhs': 'Haskell', '.pm': 'Perl', '.psm1': 'PowerShell', '.groovy': 'Groovy', '.clj': 'Clojure', '.cljs': 'Clojure', '.cljc': 'Clojure',
  '.erl': 'Erlang', '.hrl': 'Erlang', '.ml': 'OCaml', '.mli': 'OCaml', '.fs': 'F#', '.fsi': 'F#', '.fsx': 'F#', '.jl': 'Julia', '.zig': 'Zig',
  '.nim': 'Nim', '.elm': 'Elm', '.f90': 'Fortran', '.f95': 'Fortran', '.f03': 'Fortran', '.vb': 'Visual Basic', '.sol': 'Solidity',
};

/** Files known by their whole name, lower-cased. */
const BY_NAME: Record<string, string> = {
  dockerfile: 'Dockerfile', containerfile: 'Dockerfile', makefile: 'Makefile', gnumakefile: 'Makefile',
  'cmakelists.txt': 'CMake', 'meson.build': 'Meson',
};

/**
 * A `.h` file's language from its text, by GitHub Linguist's rules (lib/linguist/heuristics.yml: the
 * `extensions: ['.h']` disambiguation, tried in order: its named patterns `objectivec`, then `cpp`, else C).
 * Linguist's patterns are Ruby's, whose `^` and `$` match at every line: hence the `m` flag.
 */
const OBJECTIVE_C = /^\s*(?:@(?:interface|class|protocol|property|end|synchronised|selector|implementation)\b|#import\s+.+\.h[">])/m;
const CPP = [
  /^\s*#\s*include <(?:cstdint|string|vector|map|list|array|bitset|queue|stack|forward_list|unordered_map|unordered_set|(?:i|o|io)stream)>/m,
  /^\s*template\s*</m,
  /^[ \t]*(?:try|constexpr)/m,
  /^[ \t]*catch\s*\(/m,
  /^[ \t]*(?:class|(?:using[ \t]+)?namespace)\s+\w+/m,
  /^[ \t]*(?:private|public|protected):$/m,
  /__has_cpp_attribute|__cplusplus >/,
  /std::\w+/,
];

function headerLanguage(text: string): string {
  if (OBJECTIVE_C.test(text)) return 'Objective-C';
  if (CPP.some((pattern) => pattern.test(text))) return 'C++';
  return 'C';
}

/**
 * The file's language by a human name: told to the model in prompts, added to retrieval queries, and kept
 * in a dataset's metadata. `plain text` when unknown. `text`, the whole file where the caller has it, decides
 * a `.h` file between C, C++ and Objective-C; without it a `.h` file is C.
 */
export function languageOf(file: string, text?: string): string {
  const base = path.posix.basename(file).toLowerCase();
  const extension = path.posix.extname(base);
  if (extension === '.h' && text !== undefined) return headerLanguage(text);
  return BY_NAME[base] ?? BY_EXTENSION[extension] ?? 'plain text';
}
