import type { PackedPassage } from '../../review/contextBudget';
import type { ModelFinding } from '../../review/finding';
import type { RuleSearch } from '../../review/ruleRetrieval';
import { tokens } from '../../shingles';
import { ruleSummary } from './commentRule';
import { commentSeverity } from './commentSeverity';

/** A reviewer's comment on lines of a file: what a finding is made from. */
export interface CommentOnLines {
  comment: string;
  startLine: number;
  endLine: number;
  /** The commented lines as the pull request's final version has them, when it changed them. */
  revised?: string;
}

const SUGGESTION = /```suggestion[^\n]*\n([\s\S]*?)\n?```/;

/** What an empty suggestion block means (GitHub's way to suggest deleting the lines), in words. */
export const REMOVAL_WORDS = 'Remove these lines.';

/** Whether the comment is an empty suggestion block and nothing else: a removal without words. */
export function isBareRemoval(comment: string): boolean {
  return comment.replace(SUGGESTION, '').trim() === '' && SUGGESTION.exec(comment)?.[1]?.trim() === '';
}

/** The comment's words without a suggestion block; a bare suggestion says what it does. */
function commentMessage(comment: string): string {
  const message = comment.replace(SUGGESTION, '').trim();
  if (message) return message;
  return isBareRemoval(comment) ? REMOVAL_WORDS : 'Apply the suggested change.';
}

/**
 * The finding a reviewer's comment stands for, as the model must write it: the comment's words as the
 * message, a replacement from its suggestion block or else from the change that answered it, lines as
 * commented, severity by `commentSeverity`. Citations are left to the caller (the hybrid variant only).
 */
export function commentFinding(on: CommentOnLines): Omit<ModelFinding, 'citations'> {
  const message = commentMessage(on.comment);
  const replacement = SUGGESTION.exec(on.comment)?.[1] ?? on.revised;
  return {
    rule: ruleSummary(message),
    severity: commentSeverity(message),
    startLine: on.startLine,
    endLine: on.endLine,
    message,
    ...(replacement !== undefined && { replacement }),
  };
}

const STOPWORDS = new Set(['the', 'and', 'for', 'this', 'that', 'with', 'are', 'not', 'you', 'but', 'can', 'here', 'use', 'should', 'would', 'please', 'was', 'has', 'have', 'its', 'from', 'into', 'than', 'then']);

function contentWords(text: string): Set<string> {
  return new Set(tokens(text).filter((token) => token.length >= 3 && /\p{L}/u.test(token) && !STOPWORDS.has(token)));
}

/**
 * The id (R1, R2, …) of the rule in the prompt that the comment is about, by the reviewer's own retrieval: the
 * comment is searched as the knowledge base searches for a review (the same hybrid scoring, preferring rules
 * about the file's language), and the prompt's passage it ranks highest within its first `rank` is cited.
 * A vector search always returns its nearest passages, however far, so the passage must also share a word
 * with the comment. Undefined when none qualifies: the comment is not about a rule the reviewer was given,
 * and the hybrid variant leaves it out.
 */
export async function citedPassage(search: RuleSearch, comment: string, passages: readonly PackedPassage[], options: { rank: number; language?: string }): Promise<string | undefined> {
  if (passages.length === 0) return undefined;
  const said = contentWords(comment);
  const ranked = await search.search(comment, { k: options.rank, ...(options.language && { language: options.language }) });
  for (const found of ranked) {
    const index = passages.findIndex(({ passage }) => passage.id === found.id);
    if (index < 0) continue;
    const { passage, text } = passages[index]!;
    if ([...contentWords(`${passage.heading}\n${text}`)].some((word) => said.has(word))) return `R${index + 1}`;
  }
  return undefined;
}
