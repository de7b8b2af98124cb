import { commentSeverity } from './samples/commentSeverity';

/**
 * Whether a review thread's root comment asks nothing of the code's author: praise or thanks, a remark about the
 * review or the pull request ("am I reviewing too early?"), an FYI, explanation or answer ("yes, we flush
 * first"). A model trained on those learns to chat instead of review. Precision first, because short real
 * requests look alike ("Why not `size_t`?", "Leftover debug print."): a comment is a remark only when it shows
 * one (an opener of praise, thanks, an answer or an FYI, or talk of the review itself) and nothing in it asks.
 * Tested on test/fixtures/review-comments/remarksAndRequests.json.
 */
export function isRemarkWithoutRequest(comment: string): boolean {
  // A fenced block is a suggestion, or code or output shown to act on ("FYI, this is what I get: ```…```").
  if (comment.includes('```')) return false;
  const text = prose(comment);
  return showsRemark(text) && !asks(comment, text);
}

/** Praise, thanks and celebration, anywhere in the comment. */
const PRAISE =
  /\b(?:nice|great|awesome|cool|neat|love|lovely|beautiful|elegant|excellent|amazing|brilliant|fantastic|perfect|wonderful|finally|thanks|thank you|thx|kudos|bravo|well done|good (?:catch|call|idea|find|job|work|point|stuff)|much (?:better|cleaner|nicer|simpler|clearer)|exactly what i (?:had in mind|wanted|meant))\b/i;
const CELEBRATION = /[\u{1F389}\u{1F38A}\u{1F680}\u{1F31F}\u2B50\u2764\u{1F44D}\u{1F44F}\u{1F4AF}\u{1F525}\u{1F604}\u{1F600}\u{1F601}\u{1F642}\u{1F60A}\u{1F64F}\u{1F970}\u{1F60D}]|:(?:tada|rocket|star2?|heart|\+1|thumbsup|clap|100|fire|smile|grin|smiley|slightly_smiling_face|pray|sparkles):/u;
/** How answers, acknowledgements, asides and explanations open. "No" counts only as an answer ("No, …"), never "No need …". */
const ANSWER_OPENER =
  /^(?:yes|yeah|yep|yup|nope|no[,.!]|right[,.!]|correct|exactly|indeed|true[,.!]|sure[,.!]|ah|oh|heh|haha|fyi|for context|for reference|for the record|(?:just )?(?:a )?heads[- ]up|btw|by the way|til|interesting|got it|i see|makes sense|fair enough|no worries|\+1|(?:this|that|it) is because|(?:this|that|it)'s because|because|the reason (?:is|was))(?![\p{L}])/iu;
/** Talk of the review, the pull request or its commits, CI: not of the code. */
const PROCESS =
  /\b(?:review(?:s|ed|ing|er)?|pr|prs|pull request|merge request|commits?|patch(?:es)?|rebas\w*|draft|ci|pipeline|squash\w*|another (?:look|pass)|ptal)\b/i;

/**
 * Signs that a comment asks for something, beyond what `commentSeverity` already reads (a named defect, layout,
 * request words, hedges): a question about the code, a turn against what came before ("Yes, but …"), a
 * proposal, a named problem.
 */
const PROPOSAL =
  /\b(?:(?<!(?:that's|that is|this is|which is|here's) )why|how about|what about|what if|let'?s|let us|(?:can|could|would|will) (?:you|we)|should we|shall we|would be (?:nice|good|better|great|cleaner)|it'd be|i'd (?:rather|prefer|suggest|like)|i (?:suggest|propose|recommend|wonder)|wonder|rather than|better (?:to|if|use|not)|no need|not needed|same as above|same here)\b/i;
const TURN = /\b(?:but|however|though|although|unless|except)\b/i;
const NAMED_PROBLEM =
  /\b(?:unused|redundant|unnecessary|leftover|left over|stray|dead code|duplicat\w*|already|confusing|misleading|unclear|outdated|obsolete|inconsistent|hard-?coded|magic (?:number|value)|inefficient|quadratic|fail(?:s|ed|ing|ure)?|broken|invalid|unterminated|truncat\w*|dangling)\b/i;
/** Verbs that open an imperative clause ("Move this into the loop", "…, so reserve it once"). */
const IMPERATIVE = new Set(
  (
    'add adjust align allocate assert avoid bump call cap cast change check clean clear close consider convert declare define delete document drop ensure ' +
    'extract factor fix flip free guard handle ignore include initialize initialise inline invert keep limit log look make mark mention move pass prefer put ' +
    'reduce release remove rename reorder replace reserve reset restore return reuse revert rewrite run see set simplify skip sort split store swap switch test ' +
    'throw try turn update use validate wrap write'
  ).split(' '),
);
/** Words that may come before a clause's verb without changing its mood. */
const CLAUSE_LEAD = /^(?:(?:but|and|so|then|now|also|just|maybe|please|pls|perhaps|instead)\s+)+/i;

/** The comment's words outside code: code spans and blocks name identifiers, not what is said. */
function prose(comment: string): string {
  return comment.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' code ');
}

function showsRemark(text: string): boolean {
  const opening = text.replace(/^[^\p{L}+]+/u, '');
  return PRAISE.test(text) || CELEBRATION.test(text) || ANSWER_OPENER.test(opening) || PROCESS.test(text);
}

function asks(comment: string, text: string): boolean {
  if (commentSeverity(comment) !== 'info') return true;
  if (PROPOSAL.test(text) || TURN.test(text) || NAMED_PROBLEM.test(text)) return true;
  return questions(text).some((question) => !PROCESS.test(question)) || clauses(text).some((clause) => IMPERATIVE.has(firstWord(clause)));
}

/** Sentences that end with a question mark. */
function questions(text: string): string[] {
  return text.match(/[^.!?\n]*\?/g) ?? [];
}

function clauses(text: string): string[] {
  return text.split(/[.!?;:,\n]/).map((clause) => clause.trim().replace(CLAUSE_LEAD, ''));
}

function firstWord(clause: string): string {
  return (/^[\p{L}']+/u.exec(clause)?.[0] ?? '').toLowerCase();
}
