/**
 * An estimate of model tokens, cheap enough to run on every line: one per word of up to eight
 * characters and one more per further eight, one per punctuation mark. Close to WordPiece and BPE
 * counts on English prose and code, without loading a tokenizer.
 */
const TOKEN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

export function countTokens(text: string): number {
  let count = 0;
  for (const match of text.matchAll(TOKEN)) count += Math.ceil(match[0].length / 8);
  return count;
}
