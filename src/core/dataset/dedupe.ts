import { sha256 } from '../hash';
import { jaccard, mix32, shingles } from '../shingles';
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

/**
 * Two samples of one task are the same when their prompt and answer are (different evidence can teach the same
 * thing); the nonce of the prompt's data blocks says nothing about content, so it compares as one token.
 */
export function sampleKey(sample: Sample): DedupeKey {
  return { text: `${userMessage(sample).replaceAll(sample.metadata.prompt.nonce, '<nonce>')}\n\u0000\n${sample.response}`, label: `${sample.task}|${sample.metadata.variant ?? ''}` };
}

/** What the duplicate filter compares of an item: its normalized text's hash, its shingle set and their MinHash signature. */
export interface DedupeSignature {
  label: string;
  digest: string;
  set: Uint32Array;
  signature: Uint32Array;
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

  /**
   * What `check` compares, which depends on the item alone: it can be worked out ahead, while the items still
   * arrive (as a dataset build's evidence does, while git writes), and checked later in the order that decides.
   */
  sign({ text, label }: DedupeKey): DedupeSignature {
    const set = shingles(text, this.shingleSize);
    return { label, digest: sha256(label, text.replace(/\s+/g, ' ').trim()), set, signature: minHash(set, this.permutations) };
  }

  /** Why an item duplicates one already seen, or undefined (and it is remembered). */
  check(item: DedupeKey | DedupeSignature): DuplicateKind | undefined {
    const { label, digest, set, signature } = 'digest' in item ? item : this.sign(item);
    if (this.exact.has(digest)) return 'exact-duplicate';
    this.exact.add(digest);

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
