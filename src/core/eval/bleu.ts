/**
 * The smoothed BLEU-4 of CodeReviewer's evaluator (Li et al., 2022; microsoft/CodeBERT
 * CodeReviewer/code/evaluator/smooth_bleu.py, `bleu_fromstr`). Its `run_test_msg.py` logs the score with
 * stopwords kept ("WithStop BLEU", `rmstop=False`) and RETURNS the score with stopwords removed (`rmstop=True`);
 * both are computed here, the same way:
 * 1. nltk's `wordpunct_tokenize` (runs of word characters, runs of other non-space characters), words joined by
 *    spaces; with stopword removal, words in CODEREVIEWER_STOPWORDS dropped, compared case-sensitively;
 * 2. `computeMaps`: stripped, lowercased, `splitPuncts` (runs of word characters, single other characters);
 * 3. `normalize` (NIST mteval-v11a), then a sentence-level BLEU-4 against the one reference: 2- to 4-gram
 *    precisions add-one smoothed, the brevity penalty min(0, 1 - (r + 1) / (c + 1)) in log space;
 * 4. the corpus score is the mean sentence score × 100, rounded to 2 decimals.
 */
import { CODEREVIEWER_STOPWORDS } from './codeReviewerStopwords';

const ORDER = 4;
/** Python's sys.float_info.min, which the evaluator adds inside each log. */
const TINY = 2.2250738585072014e-308;

export interface BleuOptions {
  /** The evaluator's `rmstop`: true for the figure it returns, false for its "WithStop" figure. */
  removeStopwords: boolean;
}

/** Steps 1 and 2: nltk's wordpunct tokens (less stopwords), lowercased and split as `splitPuncts` does. */
function splitWords(text: string, { removeStopwords }: BleuOptions): string {
  let words: string[] = text.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]+/gu) ?? [];
  if (removeStopwords) words = words.filter((word) => !CODEREVIEWER_STOPWORDS.has(word));
  return (words.join(' ').trim().toLowerCase().match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []).join(' ');
}

/** The tokens BLEU counts: NIST mteval-v11a normalization, as the evaluator's `normalize` does it (case folded). */
export function bleuTokens(text: string, options: BleuOptions = { removeStopwords: false }): string[] {
  let s = splitWords(text, options).replaceAll('<skipped>', '').replace(/-\n/g, '').replace(/\n/g, ' ');
  // xml.sax.saxutils.unescape with &quot; added: &lt; and &gt; first, &amp; last.
  s = s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
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
export function sentenceBleu(reference: string, prediction: string, options: BleuOptions = { removeStopwords: false }): number {
  const ref = bleuTokens(reference, options);
  const test = bleuTokens(prediction, options);
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

/** Python's round(x, 2) on the exact binary value, which toFixed also rounds (not x × 100 rounded). */
export const round2 = (x: number): number => Number(x.toFixed(2));

/** Mean sentence scores (0–1) as the evaluator reports the corpus: × 100, rounded to 2 decimals; 0 for none. */
export function corpusBleu(sentenceScores: readonly number[]): number {
  if (sentenceScores.length === 0) return 0;
  return round2((sentenceScores.reduce((a, b) => a + b, 0) / sentenceScores.length) * 100);
}

/** `bleu_fromstr(predictions, golds, rmstop)` over pairs. */
export function smoothedBleu4(pairs: readonly { reference: string; prediction: string }[], options: BleuOptions = { removeStopwords: false }): number {
  return corpusBleu(pairs.map(({ reference, prediction }) => sentenceBleu(reference, prediction, options)));
}
