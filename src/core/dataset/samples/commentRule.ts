import { citedRule } from './ruleCitation';

/** Openers that carry no meaning of their own: a label, a hedge, a politeness, a thinking noise, a concession before "but". */
const OPENER =
  /^(?:(?:style\s+)?nit(?:pick)?(?:\s+aside)?\s*[:,.-]?|minor\s*:|optional\s*:|typo\s*:|naming\s*:|hmm+,?|so,?|also,?|fyi,?|maybe i'm missing something,?\s*but|(?:i know|i understand|i reali[sz]e|i get|i see|i agree)\b[^,.;!?]*,\s*but|i think|i'd|i would|please|can you|could you|would you|maybe|perhaps)(?:\s+|$)/i;
/** Dots that end no sentence: abbreviations and dotted names. */
const NOT_AN_END = /\b(?:e\.g|i\.e|etc|vs|cf|approx)\.$|\.\w/i;
const MAX_WORDS = 12;

/**
 * A short, whole name for what a review comment asks, used as a finding's `rule`: the rule it cites, else its
 * first sentence that says something, without openers ("Nit:", "Maybe", "Can you") and cut only at a clause
 * boundary when it is long. Never a word cut in half, never a bare label like "Nit".
 */
export function ruleSummary(message: string): string {
  const cited = citedRule(message);
  if (cited) return cited;
  const found = sentences(message)
    .map((sentence) => ({ sentence, text: withoutOpeners(sentence) }))
    .find(({ text }) => /\p{L}{2,}/u.test(text));
  if (!found) return message.trim();
  const short = (wordCount(found.text) <= MAX_WORDS ? found.text : (firstClause(found.text) ?? found.text)).replace(/[\s,;:!?.]+$/, '');
  // An opener taken off leaves a sentence that starts mid-way; otherwise the first word may be an identifier.
  return found.text === found.sentence.trim() ? short : capitalised(short);
}

/** Sentences of the prose, paragraph by paragraph, code spans kept whole (a `.` inside them ends nothing). */
function sentences(message: string): string[] {
  const out: string[] = [];
  for (const paragraph of message.replace(/```[\s\S]*?```/g, ' ').split(/\n\s*\n/)) {
    let current = '';
    for (const part of paragraph.split(/(`[^`\n]*`)/)) {
      if (part.startsWith('`')) {
        current += part;
        continue;
      }
      for (const piece of part.split(/(?<=[.!?])(?=\s)/)) {
        current += piece;
        if (/[.!?]$/.test(piece) && !NOT_AN_END.test(current.trimEnd().slice(-6))) {
          out.push(current.trim());
          current = '';
        }
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

function withoutOpeners(sentence: string): string {
  let text = sentence.trim();
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(OPENER, '').trim();
  }
  return text;
}

/**
 * The sentence up to its first clause boundary (", ", "; ", ": ", " - ") outside code spans and brackets, when that
 * clause says enough on its own.
 */
function firstClause(sentence: string): string | undefined {
  let depth = 0;
  let inCode = false;
  for (let i = 0; i < sentence.length; i++) {
    const char = sentence[i]!;
    if (char === '`') inCode = !inCode;
    if (inCode) continue;
    if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
    const boundary = /[,;:]/.test(char) ? sentence[i + 1] === ' ' : / [-–—] /.test(sentence.slice(i - 1, i + 2));
    if (depth === 0 && boundary) {
      const clause = sentence.slice(0, i).trimEnd();
      return wordCount(clause) >= 3 ? clause : undefined;
    }
  }
  return undefined;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
