import type { OllamaClient } from '../../models/ollama/client';

/** The model to pull when none is installed: all-MiniLM-L6-v2 (46 MB), the model the local embedder runs too. */
export const SUGGESTED_EMBED_MODEL = 'all-minilm';

/**
 * The order `auto` prefers installed Ollama embedding models in: small and fast first (retrieval runs once per
 * review window), then larger ones; any other embedding model after these, by name.
 */
export const PREFERRED_EMBED_MODELS = [SUGGESTED_EMBED_MODEL, 'nomic-embed-text', 'mxbai-embed-large', 'snowflake-arctic-embed', 'bge-m3'] as const;

/** Model families that only embed, for Ollama versions whose /api/show has no `capabilities` list. */
const EMBEDDING_FAMILIES = new Set(['bert', 'nomic-bert']);

export interface InstalledEmbeddingModel {
  /** As /api/tags lists it, e.g. `all-minilm:latest`. */
  name: string;
  /** How it was recognised, for the user. */
  why: string;
}

/** Installed Ollama models that embed (by /api/show capabilities, else by family), in `PREFERRED_EMBED_MODELS` order. */
export async function installedEmbeddingModels(client: OllamaClient): Promise<InstalledEmbeddingModel[]> {
  const models = await client.listModels();
  const recognised = await Promise.all(
    models.map(async ({ name }): Promise<InstalledEmbeddingModel | undefined> => {
      const details = await client.show(name).catch(() => undefined);
      if (details?.capabilities) return details.capabilities.includes('embedding') ? { name, why: 'Ollama reports the embedding capability' } : undefined;
      return details?.family && EMBEDDING_FAMILIES.has(details.family) ? { name, why: `its family is ${details.family}, an embedding-only architecture` } : undefined;
    }),
  );
  const rank = (name: string) => {
    const base = name.replace(/:.*$/, '');
    const index = PREFERRED_EMBED_MODELS.findIndex((preferred) => base === preferred);
    return index < 0 ? PREFERRED_EMBED_MODELS.length : index;
  };
  return recognised.filter((m): m is InstalledEmbeddingModel => !!m).sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** What a front end needs to offer semantic search: is Ollama there, which embedding model it has, and what to pull otherwise. */
export interface OllamaEmbeddingStatus {
  host: string;
  reachable: boolean;
  /** The model `auto` would use; undefined when none is installed. */
  installed?: InstalledEmbeddingModel;
  /** Pull this (with OllamaClient.pull, or `ollama pull NAME`) when nothing is installed. */
  suggested: string;
}

export async function ollamaEmbeddingStatus(client: OllamaClient): Promise<OllamaEmbeddingStatus> {
  const reachable = await client.isReachable();
  const installed = reachable ? (await installedEmbeddingModels(client).catch(() => []))[0] : undefined;
  return { host: client.host, reachable, ...(installed ? { installed } : {}), suggested: SUGGESTED_EMBED_MODEL };
}
