import { shownLanguage } from './codeFamily';
import { linesByKind } from './codeTokens';
import { readFrontMatter } from './frontMatter';

/**
 * The programming languages a document is about, named as `languageOf` names a reviewed file's language: those
 * its front matter states (`languages: [C, C++]`), or else those its title names (the Airbnb JavaScript Style
 * Guide, "curl C code style", PEP 8's "Style Guide for Python Code"), its path names (`docs/scala-style-guide/`)
 * and most of its tagged code examples are written in; where none of these names one, the language its examples'
 * syntax shows, if that names one (Python, Go); where none of these shows one, the languages its prose names
 * often (`proseLanguages`). Empty when it shows none (a team's CONTRIBUTING with shell commands): such a document
 * is about every language.
 */
export function documentLanguages(text: string, source = ''): string[] {
  const stated = readFrontMatter(text).languages;
  if (stated.length > 0) return [...new Set(stated.map((name) => LANGUAGE_TAGS[name.toLowerCase()] ?? name))].sort();
  const found = new Set([...titleLanguages(titleOf(text)), ...pathLanguages(source)]);
  const examples = new Map<string, number>();
  for (const match of text.matchAll(CODE_TAG)) {
    const language = LANGUAGE_TAGS[(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').toLowerCase()];
    if (language) examples.set(language, (examples.get(language) ?? 0) + 1);
  }
  const tagged = [...examples.values()].reduce((sum, n) => sum + n, 0);
  // A language of a few stray examples (a JSON config shown once in a Python guide is no language here anyway).
  for (const [language, count] of examples) if (count >= Math.max(1, tagged * 0.2)) found.add(language);
  // Syntax is weak evidence: only where nothing above named a language, only from examples (an inline `self` in
  // an API guideline's prose, or Ruby's `def self.method`, is no Python program), and only from a few lines of them.
  if (found.size === 0) {
    const shown = shownLanguage(linesByKind(text).filter(({ kind }) => kind === 'code').map(({ line }) => line), SHOWN_LINES);
    if (shown) found.add(shown);
  }
  if (found.size === 0) for (const language of proseLanguages(text)) found.add(language);
  return [...found].sort();
}

/** Example lines a language's syntax must show for an untagged document to be about it (two: one line is a stray). */
const SHOWN_LINES = 2;

/** Whether a document about `languages` speaks to code in `language` (kin count: a JavaScript guide serves TypeScript; C and C++ are not kin). */
export function speaksTo(languages: readonly string[], language: string): boolean {
  if (languages.length === 0) return true;
  const family = kinOf(language);
  return languages.some((other) => kinOf(other) === family);
}

/** Whether a document about `languages` is about `language` itself, not only its kin (TSX code is TypeScript code). */
export function isAbout(languages: readonly string[], language: string): boolean {
  const plain = (name: string) => name.replace(/ \((?:JSX|TSX)\)$/, '');
  return languages.some((other) => plain(other) === plain(language));
}

/** Whether `language` (as `languageOf` names it) is one documents can be about, so that a search for its code may prefer them. */
export function isProgrammingLanguage(language: string): boolean {
  return PROGRAMMING_LANGUAGES.has(language);
}

/** Code example tags: Markdown fences, reStructuredText directives, HTML classes, AsciiDoc source blocks. */
const CODE_TAG = /^[ \t]*(?:```|~~~)[ \t]*\{?\.?([\w+#-]+)|^[ \t]*\.\. (?:code-block|code|sourcecode|highlight)::[ \t]*([\w+#-]+)|class="[^"]*\b(?:language|lang)-([\w+#-]+)|^\[source,[ \t]*([\w+#-]+)/gim;

const LANGUAGE_TAGS: Record<string, string> = {
  py: 'Python', python: 'Python', python3: 'Python', py3: 'Python', pycon: 'Python', pyi: 'Python',
  js: 'JavaScript', javascript: 'JavaScript', jsx: 'JavaScript (JSX)', mjs: 'JavaScript', cjs: 'JavaScript', node: 'JavaScript',
  ts: 'TypeScript', typescript: 'TypeScript', tsx: 'TypeScript (TSX)',
  go: 'Go', golang: 'Go', rs: 'Rust', rust: 'Rust', java: 'Java', kt: 'Kotlin', kotlin: 'Kotlin',
  cs: 'C#', csharp: 'C#', 'c#': 'C#', cpp: 'C++', 'c++': 'C++', cxx: 'C++', cc: 'C++', c: 'C',
  objc: 'Objective-C', objectivec: 'Objective-C', 'objective-c': 'Objective-C', 'objc++': 'Objective-C++', 'objective-c++': 'Objective-C++', objcpp: 'Objective-C++',
  rb: 'Ruby', ruby: 'Ruby', php: 'PHP', swift: 'Swift', scala: 'Scala', dart: 'Dart', ex: 'Elixir', elixir: 'Elixir', lua: 'Lua',
  // Languages past the first twenty, so their guides are scoped too rather than speaking to every language's code
  // (Google's R guide, a Haskell guide, a team's SQL or Terraform conventions); named as `languageOf` names them.
  r: 'R', hs: 'Haskell', haskell: 'Haskell', perl: 'Perl', pl: 'Perl', powershell: 'PowerShell', ps1: 'PowerShell', pwsh: 'PowerShell',
  groovy: 'Groovy', clojure: 'Clojure', clj: 'Clojure', cljs: 'Clojure', erlang: 'Erlang', erl: 'Erlang', ocaml: 'OCaml', ml: 'OCaml',
  fsharp: 'F#', 'f#': 'F#', julia: 'Julia', jl: 'Julia', zig: 'Zig', nim: 'Nim', elm: 'Elm', fortran: 'Fortran', f90: 'Fortran',
  sql: 'SQL', hcl: 'HCL', terraform: 'HCL', tf: 'HCL', solidity: 'Solidity', sol: 'Solidity', vb: 'Visual Basic', vbnet: 'Visual Basic',
  matlab: 'MATLAB', html: 'HTML', css: 'CSS', scss: 'SCSS', less: 'Less',
};

/**
 * Shell scripts are code a guide can be about (git's CodingGuidelines has rules for them), but a fence tagged `sh` or
 * `bash` mostly shows commands to run (a CONTRIBUTING's install steps), so only a title or the prose names Shell.
 */
const PROGRAMMING_LANGUAGES = new Set([...Object.values(LANGUAGE_TAGS), 'Shell']);

/** Names in a title, as written there: case matters ("Go", not "go"), and JavaScript is not Java; prose writes "shell scripts" in lower case. */
const TITLE_NAMES: [RegExp, string][] = [
  [/\bPython\b/, 'Python'], [/\bJavaScript\b/i, 'JavaScript'], [/\bTypeScript\b/i, 'TypeScript'], [/\b(Go|Golang)\b(?!-)/, 'Go'],
  [/\bRust\b/, 'Rust'], [/\bJava\b(?!Script)/, 'Java'], [/\bKotlin\b/, 'Kotlin'], [/\bC#/, 'C#'], [/(?<!Objective-)\bC\+\+/, 'C++'],
  [/\bObjective-C\b(?!\+)/i, 'Objective-C'], [/\bObjective-C\+\+/i, 'Objective-C++'],
  [/(?<![\w#+-])C(?![\w#+])/, 'C'], [/\bRuby\b/, 'Ruby'], [/\b[Ss]hell\b/, 'Shell'], [/\bPHP\b/, 'PHP'], [/\bSwift\b/, 'Swift'], [/\bScala\b/, 'Scala'], [/\bDart\b/, 'Dart'], [/\bElixir\b/, 'Elixir'],
  [/\bLua\b/, 'Lua'], [/(?<![\w'&/-])R(?![\w'&/-])/, 'R'], [/\bHaskell\b/, 'Haskell'], [/\bPerl\b/, 'Perl'], [/\bPowerShell\b/i, 'PowerShell'], [/\bGroovy\b/, 'Groovy'],
  [/\bClojure\b/, 'Clojure'], [/\bErlang\b/, 'Erlang'], [/\bOCaml\b/i, 'OCaml'], [/\bF#/, 'F#'], [/\bJulia\b/, 'Julia'], [/\bZig\b/, 'Zig'], [/\bElm\b/, 'Elm'],
  [/\bFortran\b/i, 'Fortran'], [/\bSQL\b/, 'SQL'], [/\bTerraform\b/, 'HCL'], [/\bSolidity\b/, 'Solidity'], [/\bVisual Basic\b/, 'Visual Basic'], [/\bMATLAB\b/, 'MATLAB'],
  [/\bHTML\b/, 'HTML'], [/\bCSS\b/, 'CSS'], [/\bSCSS\b/, 'SCSS'],
];

/**
 * Tags that also name other things as a folder or file name word ("node" modules, "ex" as in example, "ml" as in
 * machine learning, "pl" a Polish translation, "html" a built site, "r" a release).
 */
const NOT_IN_PATHS = new Set(['node', 'ex', 'cc', 'r', 'ml', 'pl', 'hs', 'sol', 'tf', 'vb', 'html', 'css', 'less']);

/** Languages the words of a document's path name: `docs/scala-style-guide/README.md`, `TypeScript-wiki/Coding-guidelines.md`. */
function pathLanguages(source: string): string[] {
  const words = source.toLowerCase().replace(/\.[^./]+$/, '').split(/[^a-z0-9+#]+/);
  return words.filter((word) => !NOT_IN_PATHS.has(word) && LANGUAGE_TAGS[word]).map((word) => LANGUAGE_TAGS[word]!);
}

/**
 * Languages that code in others embeds (queries, markup, styles): a guide about that other language names them in
 * passing (a Rails guide says "SQL" five times), so prose alone never scopes a document to them; a title or a tagged
 * example still does.
 */
const EMBEDDED = new Set(['SQL', 'HTML', 'CSS', 'SCSS']);

/**
 * Where nothing else shows a language (a plain-text guide with untagged examples, such as git's CodingGuidelines):
 * the languages its prose names, each at least 3 times and in at least a fifth of all such names.
 */
function proseLanguages(text: string): string[] {
  const counts = TITLE_NAMES.filter(([, language]) => !EMBEDDED.has(language)).map(([name, language]) => [language, text.match(new RegExp(name.source, `g${name.flags}`))?.length ?? 0] as const);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  return counts.filter(([, n]) => n >= 3 && n >= total * 0.2).map(([language]) => language);
}

function titleLanguages(title: string | undefined): string[] {
  return title === undefined ? [] : TITLE_NAMES.filter(([name]) => name.test(title)).map(([, language]) => language);
}

/** The document's title: front matter's, a PEP's Title field, the first Markdown, HTML or underlined heading. */
function titleOf(text: string): string | undefined {
  const head = text.split(/\r?\n/, 40);
  for (const [i, line] of head.entries()) {
    const title =
      /^\s*"?title"?\s*:\s*"?([^"]+)"?\s*,?\s*$/i.exec(line)?.[1] ??
      /^#\s+(.+)$/.exec(line)?.[1] ??
      /<(?:title|h1)\b[^>]*>(.*?)<\/(?:title|h1)>/i.exec(line)?.[1] ??
      (/^\S/.test(line) && /^(=+|-+)$/.test(head[i + 1] ?? '') ? line : undefined);
    if (title) return title.trim();
  }
  return undefined;
}

const KIN: Record<string, string> = { 'JavaScript (JSX)': 'JavaScript', TypeScript: 'JavaScript', 'TypeScript (TSX)': 'JavaScript', SCSS: 'CSS', Less: 'CSS' };

function kinOf(language: string): string {
  return KIN[language] ?? language;
}
