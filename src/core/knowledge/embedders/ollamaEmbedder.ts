import { HouseStyleError } from '../../errors';
import type { OllamaClient } from '../../models/ollama/client';
import { normalizeInPlace, type Embedder } from '../embedder';

/** Texts per /api/embed request: large enough to amortize the round trip, small enough to stay under Ollama's request limits. */
const BATCH_SIZE = 32;

/**
 * An embedder over Ollama's /api/embed (e.g. nomic-embed-text). One probe call learns the dimension, so a missing
 * model or unreachable host fails here, before any indexing starts. Vectors are L2-normalized like every other embedder's.
 */
export async function createOllamaEmbedder(client: OllamaClient, model: string): Promise<Embedder> {
  const [probe] = await client.embed(model, ['dimension probe']);
  const dimension = probe?.length ?? 0;
  if (dimension === 0) throw wrongDimension(client, model, 0, 'a positive number of');
  return {
    id: `ollama:${model}`,
    dimension,
    async embed(texts, signal) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH_SIZE) {
        for (const vector of await client.embed(model, texts.slice(start, start + BATCH_SIZE), signal)) {
          if (vector.length !== dimension) throw wrongDimension(client, model, vector.length, String(dimension));
          vectors.push(normalizeInPlace(Float32Array.from(vector)));
        }
      }
      return vectors;
    },
    async close() {},
  };
}

function wrongDimension(client: OllamaClient, model: string, got: number, expected: string): HouseStyleError {
  return new HouseStyleError(
    `Ollama at ${client.host} returned ${got}-dimensional vectors from ${model}, expected ${expected} dimensions.`,
    `Check that ${model} is an embedding model; if it was replaced, re-index so that all vectors come from the same model.`,
    'ollama-bad-response',
  );
}
