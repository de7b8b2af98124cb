/** Turns texts into vectors. Every stored row records `id` and `dimension`, so vectors from two embedders never mix. */
export interface Embedder {
  /** Stable name of the model and its settings, e.g. `hash-v1-384` or `minilm:all-MiniLM-L6-v2`. */
  readonly id: string;
  readonly dimension: number;
  /** Its vectors only restate the words (the hashing embedder): search then ranks by BM25 alone, which does that better. */
  readonly lexical?: boolean;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export type EmbedderChoice = 'auto' | 'minilm' | 'ollama' | 'hash';

/** Scales a vector to unit length in place (a zero vector stays zero), so L2 distance ranks like cosine. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
