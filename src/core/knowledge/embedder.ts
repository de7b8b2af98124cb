/** Turns texts into vectors. Every stored row records `id` and `dimension`, so vectors from two embedders never mix. */
export interface Embedder {
  /** Stable name of the model and its settings, e.g. `hash-v1-384` or `minilm:all-MiniLM-L6-v2`. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export type EmbedderChoice = 'auto' | 'minilm' | 'ollama' | 'hash';
