import { createHash } from 'node:crypto';
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

/** FNV-1a, 32 bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: a cheap, well-mixed 32-bit permutation. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The set of hashed k-token shingles of a text; a text shorter than k is one shingle. */
export function shingles(text: string, size = 3): Set<number> {
  const words = tokens(text);
  const set = new Set<number>();
  if (words.length === 0) return set;
  for (let i = 0; i + size <= Math.max(words.length, size); i++) set.add(hash32(words.slice(i, i + size).join(' ')));
  return set;
}

export function jaccard(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** One minimum per seeded permutation: two sets agree at a position with probability equal to their Jaccard similarity. */
export function minHash(set: Set<number>, permutations: number): Uint32Array {
  const signature = new Uint32Array(permutations).fill(0xffffffff);
  for (const x of set) {
    for (let i = 0; i < permutations; i++) {
      const h = mix32(x ^ mix32(i + 0x9e3779b9));
      if (h < signature[i]!) signature[i] = h;
    }
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
  return { text: `${userMessage(sample)}\n\u0000\n${sample.response}`, label: sample.task };
}

interface Seen {
  shingles: Set<number>;
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
  private readonly rows: number;
  private readonly exact = new Set<string>();
  private readonly buckets = new Map<string, Seen[]>();

  constructor(options: DedupeOptions = {}) {
    this.threshold = options.threshold ?? 0.9;
    this.shingleSize = options.shingleSize ?? 3;
    this.permutations = options.permutations ?? 128;
    const bands = options.bands ?? 16;
    if (this.permutations % bands !== 0) throw new RangeError('permutations must be a multiple of bands');
    this.rows = this.permutations / bands;
  }

  /** Why an item duplicates one already seen, or undefined (and it is remembered). */
  check({ text, label }: DedupeKey): DuplicateKind | undefined {
    const digest = createHash('sha256')
      .update(`${label}\n${text.replace(/\s+/g, ' ').trim()}`)
      .digest('hex');
    if (this.exact.has(digest)) return 'exact-duplicate';
    this.exact.add(digest);

    const set = shingles(text, this.shingleSize);
    const signature = minHash(set, this.permutations);
    const keys: string[] = [];
    for (let start = 0; start < this.permutations; start += this.rows) {
      keys.push(`${label}|${start}|${signature.subarray(start, start + this.rows).join(',')}`);
    }
    const checked = new Set<Seen>();
    for (const key of keys) {
      for (const candidate of this.buckets.get(key) ?? []) {
        if (checked.has(candidate)) continue;
        checked.add(candidate);
        if (jaccard(set, candidate.shingles) >= this.threshold) return 'near-duplicate';
      }
    }
    const seen: Seen = { shingles: set };
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (bucket) bucket.push(seen);
      else this.buckets.set(key, [seen]);
    }
    return undefined;
  }
}
