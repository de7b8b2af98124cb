import { fnv1a } from '../../hash';
import { normalizeInPlace, type Embedder } from '../embedder';

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have if in into is it its of on or that the their then there these this to was were will with you your we our not no do does should must may can'.split(' '),
);

/**
 * A lexical embedder that needs no model: words (and the parts of camelCase and snake_case
 * identifiers) and word pairs are hashed into a fixed number of signed buckets, weighted by
 * log term frequency, and L2-normalized. Always available, deterministic, and fast.
 */
export function createHashingEmbedder(dimension = 384): Embedder {
  return {
    id: `hash-v1-${dimension}`,
    dimension,
    lexical: true,
    async embed(texts) {
      return texts.map((text) => hashText(text, dimension));
    },
    async close() {},
  };
}

export function hashText(text: string, dimension: number): Float32Array {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  let previous: string | undefined;
  for (const term of terms(text)) {
    add(term);
    if (previous) add(`${previous} ${term}`);
    previous = term;
  }
  const vector = new Float32Array(dimension);
  for (const [feature, count] of counts) {
    const hash = fnv1a(feature);
    const sign = hash & 0x80000000 ? -1 : 1;
    vector[hash % dimension]! += sign * (1 + Math.log(count));
  }
  return normalizeInPlace(vector);
}

function* terms(text: string): Generator<string> {
  for (const match of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const word = match[0];
    const parts = word.split(/_+|(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u).filter(Boolean);
    const lower = word.toLowerCase();
    if (!STOP_WORDS.has(lower)) yield lower;
    if (parts.length > 1) for (const part of parts) if (part.length > 1) yield part.toLowerCase();
  }
}
