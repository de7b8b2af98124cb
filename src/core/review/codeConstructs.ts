/**
 * The constructs a piece of code uses, named in the words style guides use for them. A rule says "mutable
 * default arguments" or "wildcard imports", while the code says `def f(x=[])` or `from m import *`: the
 * words of the code alone rarely reach the rule. Each detector is a plain pattern over the code's lines;
 * what it adds only steers retrieval, so a false positive costs a little ranking, never a finding.
 */

type Family = 'python' | 'c-like' | 'any';

interface Detector {
  family: Family;
  /** Tested against each line (without its line break). */
  line?: RegExp;
  /** Tested against the whole text, for constructs that span lines. */
  text?: RegExp;
  words: string;
}

const DETECTORS: Detector[] = [
  // Layout, in every language.
  { family: 'any', line: /^.{100,}$/, words: 'maximum line length long lines characters wrap' },
  { family: 'any', line: /^\t+\S/, words: 'tabs spaces indentation' },
  { family: 'any', line: /\S[ \t]+$/, words: 'trailing whitespace' },
  { family: 'any', line: /\\$/, words: 'backslash line continuation' },
  { family: 'any', line: /[([{] \S.* [)\]}]/, words: 'whitespace inside parentheses brackets braces extraneous' },
  { family: 'any', line: /\w[-+*/]?=[\w(]/, words: 'whitespace around operators assignment' },
  { family: 'any', line: /,\s*[\])}]/, words: 'trailing commas closing bracket' },
  { family: 'any', line: /\b(eval|exec)\s*\(/, words: 'eval exec strings vulnerabilities' },
  { family: 'any', line: /(['"`])\s*\+\s*\w|\w\s*\+\s*['"`]|\+=\s*['"`]/, words: 'string concatenation join template format' },

  // Python.
  { family: 'python', line: /^\s*except\s*:/, words: 'bare except exceptions catch' },
  { family: 'python', line: /^\s*def\s+\w+\(.*=\s*(\[\]|\{\}|set\(\)|list\(\)|dict\(\))/, words: 'mutable default arguments values parameters' },
  { family: 'python', line: /^\s*def\s+\w+\(.*:\s*[\w.[\]]+=\S/, words: 'default values annotated arguments spaces around equals' },
  { family: 'python', line: /^\s*def\s+\w+\(.*\w\s+=\s+\S/, words: 'keyword arguments default values spaces around equals' },
  { family: 'python', line: /:\s*\w+\s*=\s*None\b/, words: 'None optional type annotations' },
  { family: 'python', line: /\bfor\s+\w+\s+in\s+.*\.keys\(\)/, words: 'default iterators dictionary keys iterate' },
  { family: 'python', line: /\blambda\b/, words: 'lambda functions operator' },
  { family: 'python', line: /\b(if|while)\s+(not\s+)?len\(|[!=]=\s*(\[\]|\{\}|''|""|None)/, words: 'true false evaluations implicit empty sequences comparisons None' },
  { family: 'python', line: /^\s*@(staticmethod|classmethod)\b/, words: 'decorators staticmethod classmethod' },
  { family: 'python', line: /^\s*@property\b/, words: 'properties decorators' },
  { family: 'python', line: /^\s*from\s+\.+\w*\s+import\b/, words: 'imports relative absolute packages modules' },
  { family: 'python', line: /^\s*from\s+\S+\s+import\s+\*/, words: 'wildcard imports namespace' },
  { family: 'python', line: /^\s*import\s+\w[\w.]*\s*,/, words: 'imports separate lines' },
  { family: 'python', line: /^\s*(import|from)\s/, words: 'imports' },
  { family: 'python', line: /^\s*from\s+typing\s+import\s+.*\b(List|Dict|Set|Tuple)\b/, words: 'typing imports abstract types generics' },
  { family: 'python', line: /^\s*global\s+\w/, words: 'global variables mutable state module level' },
  { family: 'python', line: /;\s*$|;\s*\w/, words: 'semicolons statements one line compound' },
  { family: 'python', line: /^\s*(if|for|while|try|else|finally)\b[^:#]*:\s*\S/, words: 'compound statements one line' },
  { family: 'python', line: /\b(return|if|while)\s*\(/, words: 'parentheses conditionals return' },
  { family: 'python', line: /\b(log|logger|logging)\.\w+\(\s*f['"]/, words: 'logging format strings pattern' },
  { family: 'python', line: /(?<!with\s+)\bopen\(/, words: 'files resources close with statement context managers' },
  { family: 'python', line: /\[[^\]]*\bfor\b[^\]]*\bfor\b/, words: 'comprehensions generators multiple for clauses' },
  { family: 'python', line: /^(?!\s*(def|class|if|for|while|with|try|import|from|@|#|return)\b)\S.*\)\s*$/, words: 'main module level executes if __name__' },
  { family: 'python', line: /^\s*(''')/, words: 'docstrings triple quotes documentation strings' },
  { family: 'python', line: /#\s*\w/, words: 'comments inline block' },
  { family: 'python', text: /\n(def|class) .*\n(?:[ \t]+.*\n)+\n(def|class) /, words: 'blank lines top-level definitions' },
  { family: 'python', text: /\n {2}\S|\n {6}\S/, words: 'indentation spaces per level' },

  // JavaScript, TypeScript and their kin.
  { family: 'c-like', line: /\bnew Array\(/, words: 'arrays literal syntax creation constructor' },
  { family: 'c-like', line: /\[\s*\w+\.length\s*\]\s*=/, words: 'arrays push assignment' },
  { family: 'c-like', line: /\bfor\s*\(.*;.*;/, words: 'loops iterate copy arrays spreads' },
  { family: 'c-like', line: /\.(map|filter|reduce|find|some|every)\(\s*\(?[\w, ]*\)?\s*=>\s*\{/, words: 'array method callbacks return statements' },
  { family: 'c-like', line: /\barguments\b/, words: 'arguments object rest parameters functions' },
  { family: 'c-like', line: /\bnew Function\(/, words: 'Function constructor functions' },
  { family: 'c-like', line: /\bfunction\b.*\{?\s*$/, words: 'functions declarations expressions' },
  { family: 'c-like', line: /^\s*(\w+)\s*=\s*\1\s*\|\|/, words: 'default parameters mutate function arguments' },
  { family: 'c-like', line: /function\s*\w*\s*\([^)]*=\s*[^,)]+,\s*\w+\s*\)/, words: 'default parameters last' },
  { family: 'c-like', line: /\}\s*\(\s*\)\s*;?\s*$/, words: 'immediately invoked function expression parentheses' },
  { family: 'c-like', line: /^\s*(const|let|var)\s+\w+\s*=\s*\w+\.\w+;/, words: 'object destructuring properties' },
  { family: 'c-like', line: /^\s*(const|let|var)\s+\w+\s*=\s*\w+\[\d+\];/, words: 'array destructuring' },
  { family: 'c-like', line: /\breturn\s*\[/, words: 'multiple return values destructuring' },
  { family: 'c-like', line: /=\s*"[^"]*"\s*;/, words: 'strings quotes single double' },
  { family: 'c-like', line: /\bvar\s+\w/, words: 'var declarations const let' },
  { family: 'c-like', line: /[^=!]==[^=]|!=[^=]/, words: 'equality strict comparison' },
];

const FAMILIES: Record<string, Family> = {
  Python: 'python',
  JavaScript: 'c-like', 'JavaScript (JSX)': 'c-like', TypeScript: 'c-like', 'TypeScript (TSX)': 'c-like',
  Java: 'c-like', 'C#': 'c-like', Kotlin: 'c-like', Go: 'c-like', Rust: 'c-like', Swift: 'c-like', Dart: 'c-like', Scala: 'c-like', 'C++': 'c-like', C: 'c-like', PHP: 'c-like',
};

/**
 * Words naming the constructs that `lines` of code in `language` use, each phrase once, in the detectors' order.
 * Code of no known language (a snippet given to `search`) is tried against every language's detectors.
 */
export function constructWords(language: string | undefined, lines: readonly string[]): string[] {
  const family = language === undefined ? undefined : FAMILIES[language];
  const text = `\n${lines.join('\n')}\n`;
  const phrases = DETECTORS.filter(
    (d) => (d.family === 'any' || d.family === family || language === undefined) && (d.line ? lines.some((line) => d.line!.test(line)) : d.text!.test(text)),
  ).map((d) => d.words);
  return [...phrases, ...namingWords(lines)];
}

const DECLARATION = /\b(def|class|struct|enum|trait|interface|type|fn|func|function|const|static|let|var|mod)\s+([A-Za-z_]\w*)/g;

/**
 * How declared names are cased, in the words guides use: a `class request_handler` or a `def getName`
 * is a naming question whatever the language.
 */
function namingWords(lines: readonly string[]): string[] {
  const words = new Set<string>();
  for (const line of lines) {
    for (const [, kind, name] of line.matchAll(DECLARATION)) {
      const style = caseStyle(name!);
      if (!style) continue;
      words.add(`naming conventions names ${kindWord(kind!)} ${style}`);
    }
  }
  return [...words];
}

function caseStyle(name: string): string | undefined {
  if (/^[a-z]$|^[lOI]$/.test(name)) return 'single letter names';
  if (/^[a-z]+[A-Z]\w*$/.test(name)) return 'mixedCase camelCase lowercase';
  if (/^_?[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/.test(name)) return 'CapWords UpperCamelCase CamelCase';
  if (/^[A-Z][A-Z0-9_]+$/.test(name)) return 'capitals UPPER_CASE CAPS_WITH_UNDER';
  if (/^_?[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(name)) return 'lowercase underscores snake_case';
  return undefined;
}

function kindWord(kind: string): string {
  if (['class', 'struct', 'enum', 'trait', 'interface', 'type'].includes(kind)) return 'class type';
  if (['def', 'fn', 'func', 'function'].includes(kind)) return 'function method';
  if (['const', 'static'].includes(kind)) return 'constants';
  if (kind === 'mod') return 'module';
  return 'variable';
}
