import type { Severity } from '../../config';

/**
 * What a comment names, by meaning, most serious first. A defect (a bug, a crash, a leak, an overflow, undefined
 * behaviour, an uninitialised read, an infinite loop or spin, an abort, a race, a security hole, data loss) is an
 * error however softly it is asked ("Maybe I'm missing something, but doesn't this leak…"); a request about
 * layout or wording is a hint even when it says please; a correctness, API or robustness request is a warning; a
 * hedged idea is a hint; a question or remark is info.
 */
const DEFECT = new RegExp(
  [
    String.raw`\bbug(?:s|gy)?\b`,
    String.raw`\bcrash\w*`,
    String.raw`\bsegfault\w*`,
    String.raw`\bleak\w*`,
    String.raw`\b(?:over|under)flow\w*`,
    String.raw`\bout[- ]of[- ]bounds\b`,
    String.raw`\boff[- ]by[- ]one\b`,
    String.raw`\bundefined(?: behaviou?r)?\b`,
    String.raw`\bUB\b`,
    String.raw`\buninitiali[sz]ed\b`,
    String.raw`\buse[- ]after[- ]free\b`,
    String.raw`\bdouble[- ]free\b`,
    String.raw`\bnull (?:pointer )?deref\w*`,
    String.raw`\bis dereferenced\b`,
    String.raw`\binfinite(?:ly)? (?:loop|recursion)\b`,
    String.raw`\bspins?\b(?: forever)?`,
    String.raw`\bbusy[- ]loop\w*`,
    String.raw`\bhangs?\b`,
    String.raw`\bdeadlock\w*`,
    String.raw`\babort(?:s|ed)?\b|\babort\(\)`,
    String.raw`\brac(?:e|es|y)\b(?: condition)?`,
    String.raw`\bsecurity\b`,
    String.raw`\bvulnerab\w*`,
    String.raw`\binjection\b`,
    String.raw`\bexploit\w*`,
    String.raw`\bdata loss\b`,
    String.raw`\blos(?:e|es|ing) (?:the )?(?:user'?s? )?(?:data|last|writes?)\b`,
    String.raw`\bcorrupt\w*`,
  ].join('|'),
  'gi',
);

/** Words that deny a defect just before it is named ("this can't overflow", "not a bug"). */
const DENIAL = /\b(?:not|no|never|can't|cannot|can not|doesn't|does not|won't|isn't|without)\s+(?:\w+\s+)?$/i;

const LAYOUT = /^\s*(?:style )?nit\b|\bnit(?:pick)?s?:|\b(?:typo|spelling|whitespace|indent\w*|line up|align\w*|blank line|trailing space|naming|cosmetic)\b/i;
const REQUEST = /\b(?:never|always|should(?:n't)?|must|needs?(?: to)?|has to|wrong|incorrect|missing|forgot\w*|don't|do not|avoid|please|instead|prefer|deprecated|breaks?|flaky|thread-safe|error handling|check the return)\b/i;
const HEDGE = /\b(?:consider|maybe|perhaps|might|could|optional|minor|i'd|up to you)\b/i;

/** Code spans name identifiers (`leak_count`), not what the comment says. */
function prose(comment: string): string {
  return comment.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
}

function namesDefect(text: string): boolean {
  for (const match of text.matchAll(DEFECT)) {
    const sentenceStart = Math.max(text.lastIndexOf('.', match.index), text.lastIndexOf(':', match.index)) + 1;
    const before = text.slice(sentenceStart, match.index);
    const sentenceEnd = text.slice(match.index).search(/[.!?](?:\s|$)/);
    const asked = sentenceEnd >= 0 && text[match.index + sentenceEnd] === '?';
    // "Won't this leak?" asks about a defect; "this can't overflow" denies one.
    if (asked || !DENIAL.test(before)) return true;
  }
  return false;
}

/** The severity a reviewer means by a human comment (the dataset card states the rule). */
export function commentSeverity(comment: string): Severity {
  const text = prose(comment);
  if (namesDefect(text)) return 'error';
  if (LAYOUT.test(text)) return 'hint';
  if (REQUEST.test(text)) return 'warning';
  if (HEDGE.test(text)) return 'hint';
  return 'info';
}
