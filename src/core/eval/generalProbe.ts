/**
 * A small general-coding probe with checkable answers, asked of the base and the adapted model: a drop in its
 * score after fine-tuning is forgetting. Answers are short by instruction, and checked by pattern.
 */
export interface ProbeQuestion {
  id: string;
  question: string;
  /** Matches a correct answer. */
  answer: RegExp;
}

export const GENERAL_PROBE: readonly ProbeQuestion[] = [
  { id: 'js-map', question: 'What does `[1, 2, 3].map((x) => x * 2)` evaluate to in JavaScript? Reply with the value only.', answer: /\[\s*2\s*,\s*4\s*,\s*6\s*\]/ },
  { id: 'py-slice', question: 'In Python, what is `"housestyle"[::-1][:5]`? Reply with the string only.', answer: /elyts/ },
  { id: 'big-o', question: 'What is the worst-case time complexity of binary search on a sorted array of n elements? Reply in big-O notation only.', answer: /O\(\s*log\s*\(?\s*n\s*\)?\s*\)/i },
  { id: 'sql-count', question: 'Which SQL aggregate function returns the number of rows? Reply with its name only.', answer: /\bCOUNT\b/i },
  { id: 'http-404', question: 'Which HTTP status code means "Not Found"? Reply with the number only.', answer: /\b404\b/ },
  { id: 'git-undo', question: 'Which git command creates a new commit that undoes an earlier commit? Reply with the command only.', answer: /git\s+revert/i },
  { id: 'ts-type', question: 'In TypeScript, what is the type of `x` after `const x = [1, "a"] as const`? Reply with the type only.', answer: /readonly\s*\[\s*1\s*,\s*["']a["']\s*\]/ },
  { id: 'regex-digit', question: 'Which regular-expression shorthand matches one decimal digit? Reply with it only.', answer: /\\d/ },
];

export function scoreProbeAnswer(question: ProbeQuestion, answer: string): boolean {
  return question.answer.test(answer);
}
