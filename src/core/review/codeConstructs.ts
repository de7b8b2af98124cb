/**
 * The constructs a piece of code uses, named in the words style guides use for them. A rule says "mutable
 * default arguments" or "wildcard imports", while the code says `def f(x=[])` or `from m import *`: the
 * words of the code alone rarely reach the rule. Each detector is a plain pattern over the code's lines;
 * what it adds only steers retrieval, so a false positive costs a little ranking, never a finding.
 */

export type Family = 'python' | 'c-like' | 'go' | 'any';

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
  { family: 'python', line: /\bnot\s+[\w.]+\s+(is|in)\b/, words: 'is not operator not in negated' },
  { family: 'python', line: /^\s*\w+\s*=\s*lambda\b/, words: 'def statement assignment lambda expression name' },
  { family: 'python', line: /^\s*class\s+\w+\(\s*BaseException\s*\)/, words: 'exceptions derive Exception BaseException' },
  { family: 'python', line: /^\s*return\s*$/, words: 'return statements consistent expression None' },
  { family: 'python', line: /\[\s*:\s*\d+\s*\]\s*[!=]=|\[\s*-\d+\s*:\s*\]\s*[!=]=/, words: 'startswith endswith string slicing prefixes suffixes' },
  { family: 'python', line: /\btype\([^)]*\)\s*(==|is)\s/, words: 'isinstance object type comparisons' },
  { family: 'python', line: /(==|!=|\bis)\s*(True|False)\b/, words: 'boolean values True False comparison' },
  { family: 'python', text: /\n(\s*)finally:\n(?:\1\s+.*\n)*?\1\s+(return|break|continue)\b/, words: 'finally return break continue flow control' },
  { family: 'python', text: /\n(\s*)try:\n(?:\1\s+.*\n){4,}\1except\b/, words: 'try clause minimum amount code' },
  { family: 'python', line: /^\s*\w+\s+:\s*\w|^\s*\w+:\w[\w[\], ]*\s*=/, words: 'variable annotations colon spaces' },

  // JavaScript, TypeScript and their kin (the words of JavaScript guides).
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
  { family: 'c-like', line: /^\s*let\s+\w+\s*=/, words: 'references const let reassign' },
  { family: 'c-like', line: /\bnew Object\(/, words: 'objects literal syntax creation' },
  { family: 'c-like', line: /^\s*[\w$]+\s*:\s*function\s*\(/, words: 'objects method shorthand' },
  { family: 'c-like', line: /^\s*([\w$]+)\s*:\s*\1\s*,?\s*$/, words: 'objects property value shorthand' },
  { family: 'c-like', line: /^\s*['"][\w$]+['"]\s*:/, words: 'objects quote properties identifiers' },
  { family: 'c-like', line: /\.hasOwnProperty\(|\.isPrototypeOf\(|\.propertyIsEnumerable\(/, words: 'objects prototype builtins methods' },
  { family: 'c-like', line: /\bObject\.assign\(/, words: 'objects spread shallow copy rest' },
  { family: 'c-like', line: /\.prototype\.\w+\s*=/, words: 'classes constructors prototype manipulation' },
  { family: 'c-like', line: /\brequire\(\s*['"]/, words: 'modules import export require' },
  { family: 'c-like', line: /^\s*import\s+\*\s+as\b/, words: 'modules wildcard imports' },
  { family: 'c-like', line: /^\s*export\s+(let|var)\b/, words: 'modules export mutable bindings' },
  { family: 'c-like', line: /\bfor\s*\(\s*(const|let|var)?\s*[\w$]+\s+(of|in)\b/, words: 'iterators higher-order functions for-in for-of loops' },
  { family: 'c-like', line: /\bfunction\s*\*|\byield\b/, words: 'generators iterators' },
  { family: 'c-like', line: /[\w$\])]\[\s*['"][\w$]+['"]\s*\]/, words: 'properties dot notation bracket access' },
  { family: 'c-like', line: /\bMath\.pow\(/, words: 'exponentiation operator properties' },
  { family: 'c-like', line: /[\w$]\s*=\s*[\w$]+\s*=[^=>]/, words: 'variables chain assignments' },
  { family: 'c-like', line: /[\w$)\]](\+\+|--)|(\+\+|--)[\w$]/, words: 'variables unary increments decrements' },
  { family: 'c-like', line: /^\s*(const|let|var)\s+[\w$]+\s*=[^,;]+,\s*[\w$]+\s*=/, words: 'variables one declaration per variable' },
  { family: 'c-like', line: /\?[^:?]*\?[^:]*:.*:/, words: 'comparison nested ternaries' },
  { family: 'c-like', line: /\?\s*(true|false)\s*:\s*(true|false)\b/, words: 'comparison unneeded ternary' },
  { family: 'c-like', line: /\bcase\b[^:]*:\s*(const|let|function|class)\b/, words: 'comparison case clauses lexical declarations braces' },
  { family: 'c-like', line: /&&[^|]*\|\||\|\|[^&]*&&/, words: 'comparison mixed operators parentheses' },
  { family: 'c-like', line: /^\s*(if|else if|for|while)\s*\(.*\)\s*$|^\s*else\s*$/, words: 'blocks braces multiline' },
  { family: 'c-like', text: /\}\s*\n\s*else\b/, words: 'blocks else closing brace same line' },
  { family: 'c-like', line: /^\s*[\w$.!]+\s*(&&|\|\|)\s*[\w$.]+\(/, words: 'control statements selection operators' },
  { family: 'c-like', line: /\/\/[^\s/]|\/\*[^\s*]/, words: 'comments space' },
  { family: 'c-like', line: /^\s*\/\*.*\*\/\s*$/, words: 'comments multiline single line' },
  { family: 'c-like', line: /\b(if|for|while|switch|catch)\(|\)\{|\belse\{/, words: 'whitespace space keywords parentheses leading brace' },
  { family: 'c-like', line: /^\s*,/, words: 'commas leading trailing' },
  { family: 'c-like', line: /^\s*(const|let|var|return|throw)\b[^;{]*[\w$)\]'"`]\s*$/, words: 'semicolons' },
  { family: 'c-like', line: /\bnew (String|Number|Boolean)\(|\bparseInt\([^,()]*\)|!!\w|>>\s*0\b/, words: 'type casting coercion strings numbers booleans radix' },
  { family: 'c-like', line: /\b(this\.)?_[a-z]\w*\b|\b\w+_\s*[=(]/, words: 'naming leading trailing underscores private' },
  { family: 'c-like', line: /\b(self|that|_this)\s*=\s*this\b/, words: 'naming references this self arrow functions' },
  { family: 'c-like', line: /\b(get|set)[A-Z]\w*\s*\(/, words: 'accessors getters setters get set' },
  { family: 'c-like', line: /\.(trigger|emit)\(\s*['"][^'"]+['"]\s*,\s*[\w$.]+\s*\)/, words: 'events payload hash' },
  { family: 'c-like', line: /\$\(\s*['"]/, words: 'jQuery lookups cache $ prefix' },
  { family: 'c-like', line: /(^|[^.\w])(isNaN|isFinite)\(/, words: 'standard library Number.isNaN Number.isFinite' },
  { family: 'c-like', line: /\(\s*function\s*\(/, words: 'arrow functions callbacks anonymous' },

  // Go.
  { family: 'go', line: /^\s*func\s*\([^)]*\)\s*Get[A-Z]\w*\(/, words: 'getters Get prefix names' },
  { family: 'go', line: /^\s*type\s+\w+\s+interface\b/, words: 'interface names er suffix method' },
  { family: 'go', line: /^\s*package\s+\w*[_A-Z]/, words: 'package names lower case single word underscores mixedCaps' },
  { family: 'go', line: /\b(func|var|const|type)\s+(\([^)]*\)\s*)?[A-Za-z]\w*_\w*|\b[a-z]+_[a-z]\w*\s*:=/, words: 'MixedCaps names underscores multiword' },
  { family: 'go', line: /;\s*$/, words: 'semicolons' },
  { family: 'go', line: /^\s*\{\s*$/, words: 'semicolons opening brace control structure' },
  { family: 'go', text: /\breturn\b[^\n]*\n\s*\}\s*else\s*\{/, words: 'if else return control flow' },
  { family: 'go', line: /\bfor\s+\w+\s*:=\s*0\s*;/, words: 'for loops range' },
  { family: 'go', line: /\bfallthrough\b|^\s*switch\b/, words: 'switch cases' },
  { family: 'go', line: /^\s*func\b.*\)\s*\(\s*\w+\s+[\w*.[\]]+(\s*,\s*\w+\s+[\w*.[\]]+)*\s*\)\s*\{/, words: 'named result parameters' },
  { family: 'go', line: /^\s*(?!defer\b)[\w.]+\.(Close|Unlock|RUnlock)\(\)\s*$/, words: 'defer close unlock' },
  { family: 'go', line: /\bnew\(\s*(\[\]|map\[|chan\b)/, words: 'allocation new make slices maps channels' },
  { family: 'go', line: /:=\s*new\(\w+\)/, words: 'composite literals constructors allocation new' },
  { family: 'go', line: /\bfmt\.(Print|Sprint|Fprint)\w*\(/, words: 'printing format fmt' },
  { family: 'go', line: /\b(errors\.New|fmt\.Errorf)\(/, words: 'errors error strings type' },
  { family: 'go', line: /^\s*[\w, ]*\b_\s*(:=|=)\s*\w/, words: 'blank identifier discard error unused' },
  { family: 'go', line: /\bpanic\(/, words: 'panic errors library' },
  { family: 'go', line: /\brecover\(\)/, words: 'recover panic deferred' },
  { family: 'go', line: /\bgo\s+(func\b|[\w.]+\()/, words: 'goroutines concurrency' },
  { family: 'go', line: /\bchan\b/, words: 'channels concurrency' },
  { family: 'go', line: /\bsync\.(Mutex|RWMutex)\b/, words: 'share memory communicating channels mutex' },
  { family: 'go', line: /^\s*func\s+init\(\)/, words: 'init function initialization' },
  { family: 'go', line: /^\s*const\s*\($/, words: 'constants iota enumerated' },
  { family: 'go', line: /\w\.\([*\w.]+\)/, words: 'type assertions interface conversions comma ok' },
  { family: 'go', text: /\/\/[^\n]*\nfunc\s+(\([^)]*\)\s*)?[A-Z]/, words: 'commentary doc comments exported name' },
  { family: 'go', text: /\n {2,}\S/, words: 'formatting gofmt indentation tabs' },
];

const FAMILIES: Record<string, Family> = {
  Python: 'python',
  JavaScript: 'c-like', 'JavaScript (JSX)': 'c-like', TypeScript: 'c-like', 'TypeScript (TSX)': 'c-like',
  Java: 'c-like', 'C#': 'c-like', Kotlin: 'c-like', Go: 'go', Rust: 'c-like', Swift: 'c-like', Dart: 'c-like', Scala: 'c-like', 'C++': 'c-like', C: 'c-like', PHP: 'c-like',
};

/** Syntax only one family writes, to tell which a snippet of no named file is in. */
const FAMILY_MARKS: Record<Exclude<Family, 'any'>, RegExp[]> = {
  python: [/^\s*(def|class)\s+\w+.*:\s*(#.*)?$/, /^\s*(elif|except|finally|with|try)\b.*:\s*$/, /\bself\b/, /^\s*from\s+\S+\s+import\b/, /\b(None|True|False)\b/, /^\s*(if|for|while)\b[^{;]*:\s*$/],
  go: [/^\s*func\b/, /:=/, /^\s*package\s+\w+\s*$/, /\bfmt\.\w/, /\berr\s*!=\s*nil\b/, /\bchan\b/, /^\s*type\s+\w+\s+(struct|interface)\b/],
  'c-like': [/;\s*$/, /\b(const|let|var)\s+[\w${[]/, /\bfunction\b/, /=>/, /===|!==/, /\bconsole\./, /\brequire\(|^\s*import\b.*\bfrom\s+['"]/, /\bthis\./, /\bfn\s+\w+|\blet\s+mut\b|\bimpl\b|&self\b/],
};

/** The family whose syntax most lines of `lines` use, if one leads; undefined when none or a tie. */
export function familyOf(lines: readonly string[]): Family | undefined {
  const counts = Object.entries(FAMILY_MARKS).map(([family, marks]) => [family as Family, lines.filter((line) => marks.some((mark) => mark.test(line))).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > counts[1]![1] ? counts[0]![0] : undefined;
}

/**
 * Words naming the constructs that `lines` of code in `language` use, each phrase once, in the detectors' order.
 * Code of no known language (a snippet given to `search`) is taken for the family its syntax shows, or tried
 * against every family's detectors when it shows none.
 */
export function constructWords(language: string | undefined, lines: readonly string[]): string[] {
  const family = language === undefined ? familyOf(lines) : FAMILIES[language];
  const text = `\n${lines.join('\n')}\n`;
  const phrases = DETECTORS.filter(
    (d) => (d.family === 'any' || d.family === family || (language === undefined && family === undefined)) && (d.line ? lines.some((line) => d.line!.test(line)) : d.text!.test(text)),
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
