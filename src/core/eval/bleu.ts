/**
 * The smoothed BLEU-4 that the CodeReviewer paper (Li et al., 2022) reports for review comment generation:
 * its evaluator's `bleu_fromstr(predictions, golds, rmstop=False)`. Each text is split into words and
 * punctuation, lowercased, then tokenized as NIST mteval does; each prediction gets a sentence-level BLEU-4
 * whose 2- to 4-gram precisions are add-one smoothed ((matches + 1) / (n-grams + 1), Lin & Och 2004), with the
 * brevity penalty min(0, 1 - (r + 1) / (c + 1)) in log space; the corpus score is the mean times 100.
 */

const ORDER = 4;
/** Python's sys.float_info.min, which the evaluator adds inside each log. */
const TINY = 2.2250738585072014e-308;

/** nltk's wordpunct_tokenize then the evaluator's splitPuncts: runs of word characters, single other characters. */
function splitWords(text: string): string {
  const wordpunct = text.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]+/gu) ?? [];
  return (wordpunct.join(' ').trim().toLowerCase().match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []).join(' ');
}

/** NIST mteval-v11a normalization, as the evaluator's `normalize` does it (case folded). */
export function bleuTokens(text: string): string[] {
  let s = splitWords(text).replaceAll('<skipped>', '').replace(/-\n/g, '').replace(/\n/g, ' ');
  s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  s = ` ${s} `.toLowerCase();
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return s.split(/\s+/).filter(Boolean);
}

function ngramCounts(words: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join('\u0001');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Sentence-level smoothed BLEU-4 of one prediction against one reference, 0–1. */
export function sentenceBleu(reference: string, prediction: string): number {
  const ref = bleuTokens(reference);
  const test = bleuTokens(prediction);
  let logBleu = 0;
  for (let n = 1; n <= ORDER; n++) {
    const refCounts = ngramCounts(ref, n);
    let correct = 0;
    for (const [gram, count] of ngramCounts(test, n)) correct += Math.min(count, refCounts.get(gram) ?? 0);
    const guess = Math.max(test.length - n + 1, 0);
    const smooth = n > 1 ? 1 : 0;
    logBleu += Math.log(correct + smooth + TINY) - Math.log(guess + smooth + TINY);
  }
  const brevity = Math.min(0, 1 - (ref.length + 1) / (test.length + 1));
  return Math.exp(logBleu / ORDER + brevity);
}

/** The corpus score as CodeReviewer reports it: mean sentence BLEU × 100, rounded to 2 decimals. */
export function smoothedBleu4(pairs: readonly { reference: string; prediction: string }[]): number {
  if (pairs.length === 0) return 0;
  const sum = pairs.reduce((total, { reference, prediction }) => total + sentenceBleu(reference, prediction), 0);
  return Math.round((sum / pairs.length) * 100 * 100) / 100;
}
