import { seededRandom } from '../support/seededRandom';

const COMMON = 'naming variable function class interface error exception retry logger logging async await promise test fixture module import export constant boolean return early nested loop cache query database transaction commit review comment style guide format indent spaces tabs semicolon quote string template literal null undefined optional strict equality type generic enum record map set array iterate closure callback event handler timeout cancel signal abort stream buffer encode decode parse serialize validate schema config setting default override'.split(' ');
export const SYLLABLES = 'ka lo mi ru ze ta vo ne pi su ga do fe hu ja'.split(' ');

/**
 * Benchmark text that draws words as real text does (Zipf's law): the common words above head a
 * vocabulary of 20,000, and the word of rank r comes up in proportion to 1/r. A flat 100-word
 * vocabulary would put every word in half the chunks, which no real corpus does and which makes every
 * BM25 term cost the most.
 */
export function zipfText(seed: number) {
  const random = seededRandom(seed);
  const vocabulary = [
    ...COMMON,
    ...Array.from({ length: 20_000 - COMMON.length }, (_, i) => `${SYLLABLES[i % 15]}${SYLLABLES[Math.floor(i / 15) % 15]}${SYLLABLES[Math.floor(i / 225) % 15]}${Math.floor(i / 3375)}`),
  ];
  const cumulative: number[] = [];
  for (let rank = 1; rank <= vocabulary.length; rank++) cumulative.push((cumulative.at(-1) ?? 0) + 1 / rank);
  const word = (): string => {
    const target = random() * cumulative.at(-1)!;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low]!;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return {
    random,
    pick,
    word,
    prose: (words: number) => Array.from({ length: words }, word).join(' '),
    sentence: (words: readonly string[], count: number) => Array.from({ length: count }, () => pick(words)).join(' '),
  };
}
