import type { PackedPassage } from '../../review/contextBudget';
import type { ModelFinding } from '../../review/finding';
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

/** The comment's words without a suggestion block; a bare suggestion says so. */
function commentMessage(comment: string): string {
  const message = comment.replace(SUGGESTION, '').trim();
  return message || 'Apply the suggested change.';
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

function words(text: string): Set<string> {
  return new Set(tokens(text).filter((token) => token.length >= 3 && /\p{L}/u.test(token) && !STOPWORDS.has(token)));
}

/**
 * The id (R1, R2, …) of the packed passage whose text the comment matches best: the share of the comment's
 * content words the passage holds. Undefined when none reaches `threshold`: the comment is not about a
 * rule the reviewer was given, and the hybrid variant leaves it out.
 */
export function bestCitation(comment: string, passages: readonly PackedPassage[], threshold: number): string | undefined {
  const wanted = words(comment);
  if (wanted.size === 0) return undefined;
  let best: { label: string; score: number } | undefined;
  passages.forEach(({ passage, text }, i) => {
    const have = words(`${passage.heading}\n${text}`);
    let shared = 0;
    for (const word of wanted) if (have.has(word)) shared++;
    const score = shared / wanted.size;
    if (score >= threshold && (!best || score > best.score)) best = { label: `R${i + 1}`, score };
  });
  return best?.label;
}
