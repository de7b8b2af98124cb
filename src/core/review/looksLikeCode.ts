/**
 * Lines that read as code in any of the common languages, and not as prose: statement ends and braces, block
 * openers, imports, declarations, assignments, operators, decorators, calls, section headers. Prose taken for code loses little
 * (its words are searched as they are, with any construct named), code taken for prose loses the constructs.
 */
const CODE_LINE = [
  /[;{}]\s*$/,
  // A line that goes on (an open bracket, a trailing comma or operator) or closes brackets, as sentences do not.
  /[-+*/%|&^,([]\s*$|^\s*[\])}]/,
  /^\s*(['"]).*\1,?\s*$/,
  /^\s*\[[\w.-]+\]\s*$/,
  /^\s*(async\s+def|def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b[^.?!]*:\s*(#.*)?$/,
  /^\s*(import\s+[\w.{*]|from\s+[\w.]+\s+import\b|#include\b|package\s+[\w.]+\s*;?$|use\s+\w+(::[\w{*]+)+)/,
  /^\s*(export\s+)?(pub\s+)?(async\s+)?(function|fn|func|def|class|struct|enum|impl|trait|interface|const|let|var|val|type)\s+[\w$]+\s*[(<:={]/,
  /^\s*[\w$.[\]'"-]+\s*(=|:=|\+=|-=|\*=|\/=|\|\|=|\?\?=)\s*[^=\s]/,
  /=>|::|->|===|!==|==|!=|&&|\|\|/,
  /^\s*(@[\w.]+|#\[\w+)/,
  /[\w$]\((\s*[\w$.'"[\]]+\s*(,\s*[\w$.'"[\]=]+\s*)*)?\)/,
];

/** Whether a search text is code (a snippet to find the rules for) rather than a question in words: a third of its lines read as code. */
export function looksLikeCode(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const code = lines.filter((line) => CODE_LINE.some((pattern) => pattern.test(line))).length;
  return code > 0 && code * 3 >= lines.length;
}
