import { fnv1a } from './hash';

/*
 * Text similarity by word shingles, shared by the dataset's de-duplication and the knowledge base's health
 * check: a leaf below both, so neither reaches into the other.
 */

/** Words and single symbols, so that `a.b(c)` and `a . b ( c )` tokenize alike. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** MurmurHash3's finalizer: a cheap, well-mixed 32-bit permutation. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The hashed k-token shingles of a text, sorted and without repeats (a set, kept as a typed array:
 * compact, and compared by merging); a text shorter than k is one shingle.
 */
export function shingles(text: string, size = 3): Uint32Array {
  // Each token is hashed once; a shingle's hash combines its tokens' hashes.
  const hashes = tokens(text).map(fnv1a);
  const all = new Uint32Array(hashes.length === 0 ? 0 : Math.max(hashes.length - size + 1, 1));
  for (let i = 0; i < all.length; i++) {
    let h = 0;
    for (let j = i; j < Math.min(i + size, hashes.length); j++) h = mix32(Math.imul(h, 0x01000193) ^ hashes[j]!);
    all[i] = h;
  }
  all.sort();
  let unique = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[unique++] = all[i]!;
  return all.slice(0, unique);
}

/** Jaccard similarity of two shingle sets (sorted, without repeats). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}
