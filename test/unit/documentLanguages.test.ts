import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentLanguages, speaksTo } from '../../src/core/knowledge/documentLanguages';
import { languageOf } from '../../src/core/language';

test('a document is about the languages its title names and most of its code examples are in', () => {
  assert.deepEqual(documentLanguages('# Airbnb JavaScript Style Guide() {\n\n## Arrays\n\n```javascript\nconst a = [];\n```\n'), ['JavaScript']);
  assert.deepEqual(documentLanguages('PEP: 8\nTitle: Style Guide for Python Code\nAuthor: Guido\n\nIntroduction\n============\n\nCode::\n\n    x = 1\n'), ['Python']);
  assert.deepEqual(documentLanguages('<!--{\n\t"Title": "Effective Go",\n\t"Template": true\n}-->\n\n<h2 id="names">Names</h2>\n<pre>\nx := 1\n</pre>\n'), ['Go']);
  assert.deepEqual(documentLanguages('Naming\n======\n\n.. code-block:: python\n\n   x = 1\n'), ['Python']);
  assert.deepEqual(documentLanguages('<h1>Rules</h1>\n<pre><code class="language-rust">fn main() {}</code></pre>\n'), ['Rust']);
  assert.deepEqual(documentLanguages('= Conventions\n\n== Naming\n\n[source,ruby]\n----\ndef some_method\nend\n----\n'), ['Ruby']);
  // "Java" is not JavaScript's prefix, and "go" in lower case is a verb.
  assert.deepEqual(documentLanguages('# Java conventions we go by\n'), ['Java']);
  // A guide in TypeScript with one JSON config and one stray Python line among many examples.
  const examples = ['ts', 'ts', 'ts', 'ts', 'ts', 'json', 'python'].map((tag) => `\`\`\`${tag}\nx\n\`\`\``).join('\n\n');
  assert.deepEqual(documentLanguages(`# Team rules\n\n${examples}\n`), ['TypeScript']);
});

test('a document that shows no language (shell commands, prose) is about every language', () => {
  assert.deepEqual(documentLanguages('# Contributing\n\n```bash\nnpm install\n```\n\nWrite commit messages in the imperative.\n'), []);
  assert.ok(speaksTo([], 'Go'));
  assert.ok(speaksTo(['JavaScript'], 'TypeScript (TSX)'), 'a JavaScript guide serves TypeScript');
  assert.ok(!speaksTo(['Python'], 'Go'));
});

test('C is not C++ unless the document says so; front matter states a scope; the path names one', () => {
  assert.deepEqual(documentLanguages('# curl C code style\n\n```c\nint x;\n```\n'), ['C']);
  assert.deepEqual(documentLanguages('# C# Coding Style\n'), ['C#']);
  assert.deepEqual(documentLanguages('# Style for C and C++ code\n'), ['C', 'C++']);
  // Objective-C is neither C nor C++, in a title or a fence.
  assert.deepEqual(documentLanguages('# Objective-C Style Guide\n\n```objc\n@interface Foo : NSObject\n@end\n```\n'), ['Objective-C']);
  assert.deepEqual(documentLanguages('# Mixing Objective-C++ and Swift\n'), ['Objective-C++', 'Swift']);
  assert.ok(speaksTo(['Objective-C'], languageOf('Sources/RCTBridge.m')));
  assert.ok(!speaksTo(['C'], 'C++') && !speaksTo(['C++'], 'C'));
  // What the team states wins over what the text shows.
  assert.deepEqual(documentLanguages('---\nlanguages: [c++, C]\n---\n# Rules\n\n```python\nx = 1\n```\n'), ['C', 'C++']);
  assert.deepEqual(documentLanguages('# Coding guidelines\n\n1. Use camelCase.\n', 'docs/TypeScript-wiki/Coding-guidelines.md'), ['TypeScript']);
  assert.deepEqual(documentLanguages('# Guide\n', 'docs/scala-style-guide/README.md'), ['Scala']);
  assert.deepEqual(documentLanguages('# Guide\n', 'docs/node/examples/README.md'), []);
});

test('where no example is tagged, the language the examples\' syntax shows scopes the document', () => {
  const hacking = 'OpenStack Style Guidelines\n==========================\n\n- Do not write ``except:``.\n\nExample::\n\n    def list():\n        return [1, 2, 3]\n\n    from nova import test\n';
  assert.deepEqual(documentLanguages(hacking), ['Python']);
  // Shell and C side by side show no one language: the guide stays about every language.
  assert.deepEqual(documentLanguages('Rules\n=====\n\n\tif test -f x\n\tthen\n\t\techo ok;\n\tfi\n\n\tint x = 0;\n'), []);
});

test('where nothing else shows a language, the languages the prose names often enough scope the document', () => {
  // Like git's CodingGuidelines: plain text, untagged examples, C named throughout and Perl or Python in passing.
  const guidelines = ['Rules', '=====', '', 'For C programs:', '', ' - We use tabs in C code.', ' - C99 is fine, but not all of it.', ' - In C, declare variables first.', '', 'Python scripts follow PEP 8.', '', '\tif (x)', '\t\treturn;', ''].join('\n');
  assert.deepEqual(documentLanguages(guidelines), ['C']);
  // One or two names in passing scope nothing; what the title, examples or front matter show comes first.
  assert.deepEqual(documentLanguages('# Contributing\n\nWe write C and Python; see the C notes.\n'), []);
  assert.deepEqual(documentLanguages('# Rust guide\n\nUnlike C, unlike C, unlike C.\n'), ['Rust']);
});

test('Shell is a language a guide can be about: by its title or prose, never by a fence of commands', () => {
  // Like git's CodingGuidelines: rules for C programs and for shell scripts, Python named in passing.
  const guidelines = ['Rules', '=====', '', 'For shell scripts specifically:', '', ' - We prefer $( ... ) in shell code.', ' - Do not use shell functions that bash alone has.', '', 'For C programs:', '', ' - We use tabs in C code.', ' - C99 is fine.', ' - In C, declare variables first.', '', 'Python scripts follow PEP 8.', ''].join('\n');
  assert.deepEqual(documentLanguages(guidelines), ['C', 'Shell']);
  assert.deepEqual(documentLanguages('# Shell Style Guide\n\nQuote your variables.\n'), ['Shell']);
  assert.deepEqual(documentLanguages('# PowerShell conventions\n'), ['PowerShell'], 'PowerShell, not Shell');
  // Install steps in a bash fence do not make a CONTRIBUTING about shell scripts.
  assert.deepEqual(documentLanguages('# Contributing\n\n```bash\nnpm install\n```\n\n```sh\nnpm test\n```\n'), []);
  assert.ok(!speaksTo(['Go'], 'Shell') && speaksTo(['C', 'Shell'], 'Shell'));
});

test('guides for languages past the first twenty are scoped too, so they do not speak to every language', () => {
  // Google's R guide and a Haskell guide (titles as written there); HTML and CSS examples outnumber a stray script.
  assert.deepEqual(documentLanguages("# Google's R Style Guide\n\nR is a language for statistics.\n"), ['R']);
  assert.deepEqual(documentLanguages('Haskell Style Guide\n===================\n\nAlign the export list.\n'), ['Haskell']);
  const web = [...Array(4).fill('html'), ...Array(4).fill('css'), 'js'].map((tag) => `<pre><code class="language-${tag}">x</code></pre>`).join('\n');
  assert.deepEqual(documentLanguages(`<h1>Google HTML/CSS Style Guide</h1>\n${web}\n`), ['CSS', 'HTML']);
  assert.deepEqual(documentLanguages('# Conventions\n\n```sql\nSELECT 1;\n```\n\n```terraform\nresource "x" "y" {}\n```\n'), ['HCL', 'SQL']);
  // A reviewed file of such a language meets its guide first, and not another language's.
  for (const [file, language] of [['analysis/model.R', 'R'], ['src/Parser.hs', 'Haskell'], ['infra/main.tf', 'HCL'], ['lib/app.ex', 'Elixir'], ['src/core.clj', 'Clojure'], ['styles/site.scss', 'CSS']] as const) {
    assert.ok(speaksTo([language], languageOf(file)), `${file} is ${language} code`);
    assert.ok(!speaksTo(['Python'], languageOf(file)), `${file} is not Python code`);
  }
  // "R" only as a name: not in "R&D" or a release folder; "ml" in a path is machine learning, not OCaml.
  assert.deepEqual(documentLanguages('# R&D notes\n\nOur R&D team meets weekly.\n'), []);
  assert.deepEqual(documentLanguages('# Training\n', 'docs/ml/training.md'), []);
  assert.deepEqual(documentLanguages('# Release\n', 'docs/r/notes.md'), []);
});

test('syntax scopes a document only where nothing names a language, from its examples, and never from one stray line', () => {
  // A Ruby guide's `def self.method` is Ruby: its title says so, and `self` is no Python mark there.
  assert.deepEqual(documentLanguages('# Ruby\n\n- Use `def self.method`, not the DSL.\n\n```\nclass << self\n  def build; end\nend\n```\n'), ['Ruby']);
  // An API guideline: a grammar in BNF, whose `::=` is not Go's `:=`, and `self` as a path segment in its prose.
  assert.deepEqual(documentLanguages(['= Events', '', '[source,bnf]', '----', '<event-name> ::= <domain>.<name>', '<domain>     ::= [a-z][a-z0-9-]*', '<name>       ::= [a-z][a-z0-9-]*', '----', ''].join('\n')), []);
  assert.deepEqual(documentLanguages('= URLs\n\nUse `self` as a pseudo identifier, as in `/employees/self` or `/employees/self/details`.\n'), []);
  // One untagged line that looks like Python is a stray; a Rails guide names SQL in passing, and is not about SQL.
  assert.deepEqual(documentLanguages('# Rails\n\n## Models\n\n    def self.method\n\n- Keep SQL in models; use SQL in migrations; review SQL for injection.\n'), []);
});
