/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts ANSI sequences that
 * clear the screen, set the window title or plant OSC 8 links; CR and NUL hide what came before),
 * DEL, C1 controls, line and paragraph separators, and the bidirectional controls that reorder what
 * is shown (U+202E and friends, "Trojan Source").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from documents, file names or a model, made safe for one line of terminal output: every
 * unsafe character is shown as an escape (`\n`, `\x1b`, `\u202e`), so it can neither act on the
 * terminal nor start a line of its own that a CI problem matcher would read as a finding.
 */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? escapeOf(char));
}

/** Multi-line text made safe: each line as terminalLine, lines after the first indented so none can pass for output of its own. */
export function terminalLines(text: string, indent: string): string {
  return text
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? '' : indent) + terminalLine(line))
    .join('\n');
}

function escapeOf(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
