import { fnv1a, sha256 } from '../hash';
import type { ReviewEvent } from './reviewEvent';
import { userMessage, type Sample } from './samples/sample';

export type DuplicateKind = 'exact-duplicate' | 'near-duplicate';

export interface DedupeOptions {
  /** Jaccard similarity of token shingles at or above which two events are near-duplicates. */
  threshold?: number;
  /** Tokens per shingle. */
  shingleSize?: number;
  /** MinHash signature length; split into `bands` bands for locality-sensitive hashing. */
  permutations?: number;
  bands?: number;
}

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

/** Multipliers (odd) and offsets of the hash family h_i(x) = a_i·x + b_i mod 2^32, one pair per permutation. */
const FAMILY = Array.from({ length: 1024 }, (_, i) => mix32(i * 2 + 1) | 1);

/**
 * One minimum per seeded permutation: two sets agree at a position with probability close to their Jaccard
 * similarity. `family` picks an independent set of permutations (0 or 1), for a second, independent look.
 */
export function minHash(values: Uint32Array, permutations: number, family = 0): Uint32Array {
  if (permutations * 4 > FAMILY.length) throw new RangeError(`at most ${FAMILY.length / 4} permutations`);
  const offset = family * permutations * 2;
  const signature = new Uint32Array(permutations);
  for (let i = 0; i < permutations; i++) {
    const a = FAMILY[offset + 2 * i]!;
    const b = FAMILY[offset + 2 * i + 1]!;
    let min = 0xffffffff;
    for (let j = 0; j < values.length; j++) {
      const h = (Math.imul(a, values[j]!) + b) >>> 0;
      if (h < min) min = h;
    }
    signature[i] = min;
  }
  return signature;
}

/** Text compared for duplicates, and a label: only items with the same label can duplicate each other. */
export interface DedupeKey {
  text: string;
  label: string;
}

/**
 * What makes two events the same evidence: the changed lines (not their position), the comment and the
 * outcome. Events only duplicate each other when they teach the same thing (an accepted and a dismissed
 * finding on the same code do not).
 */
export function eventKey(event: ReviewEvent): DedupeKey {
  const body = event.diffHunk
    .split('\n')
    .filter((line) => !line.startsWith('@@'))
    .join('\n');
  return { text: [body, event.comment ?? '', event.after ?? ''].join('\n\u0000\n'), label: `${event.neededReview}|${event.metadata.feedback?.verdict ?? ''}` };
}

/** Two samples of one task are the same when their prompt and answer are (different evidence can teach the same thing). */
export function sampleKey(sample: Sample): DedupeKey {
  return { text: `${userMessage(sample)}\n\u0000\n${sample.response}`, label: `${sample.task}|${sample.metadata.variant ?? ''}` };
}

/**
 * Streaming duplicate filter: exact duplicates by a hash of whitespace-normalized text, near
 * duplicates by MinHash with banded locality-sensitive hashing to find candidates, confirmed by the
 * exact Jaccard similarity of their shingle sets. The first item seen is kept.
 */
export class Deduplicator {
  private readonly threshold: number;
  private readonly shingleSize: number;
  private readonly permutations: number;
  private readonly bands: number;
  private readonly exact = new Set<string>();
  /** Per label, per band: the shingle sets seen, by the hash of their signature's rows in that band. */
  private readonly tables = new Map<string, Map<number, Uint32Array[]>[]>();

  constructor(options: DedupeOptions = {}) {
    this.threshold = options.threshold ?? 0.9;
    this.shingleSize = options.shingleSize ?? 3;
    this.permutations = options.permutations ?? 64;
    this.bands = options.bands ?? 8;
    if (this.permutations % this.bands !== 0) throw new RangeError('permutations must be a multiple of bands');
  }

  /** Why an item duplicates one already seen, or undefined (and it is remembered). */
  check({ text, label }: DedupeKey): DuplicateKind | undefined {
    const digest = sha256(label, text.replace(/\s+/g, ' ').trim());
    if (this.exact.has(digest)) return 'exact-duplicate';
    this.exact.add(digest);

    const set = shingles(text, this.shingleSize);
    const signature = minHash(set, this.permutations);
    const rows = this.permutations / this.bands;
    let table = this.tables.get(label);
    if (!table) {
      table = Array.from({ length: this.bands }, () => new Map<number, Uint32Array[]>());
      this.tables.set(label, table);
    }
    // A band's key hashes its rows; a collision only costs one exact Jaccard check.
    const keys = table.map((_, band) => {
      let h = band;
      for (let i = band * rows; i < (band + 1) * rows; i++) h = mix32(Math.imul(h, 0x01000193) ^ signature[i]!);
      return h;
    });
    const checked = new Set<Uint32Array>();
    for (const [band, key] of keys.entries()) {
      for (const candidate of table[band]!.get(key) ?? []) {
        if (checked.has(candidate)) continue;
        checked.add(candidate);
        if (jaccard(set, candidate) >= this.threshold) return 'near-duplicate';
      }
    }
    for (const [band, key] of keys.entries()) {
      const bucket = table[band]!.get(key);
      if (bucket) bucket.push(set);
      else table[band]!.set(key, [set]);
    }
    return undefined;
  }
}
