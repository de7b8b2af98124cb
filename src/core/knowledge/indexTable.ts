import { cancellationError } from '../errors';
import type { Logger } from '../log';
import type { Embedder } from './embedder';
import { OUTDATED_SCHEMA } from './lancedbSchema';
import { KnowledgeStore } from './store';

/** An index about to lose meaning-based search: what built it, what would rebuild it, and why (`reason` of the choice). */
export interface EmbedderChange {
  kb: string;
  from: string;
  to: string;
  reason: string;
  /** Set when the fallback is because Ollama did not answer there (a stopped server, a mistyped host). */
  unreachableHost?: string;
  /** The user asked for this rebuild (Rebuild Index), rather than an index run they did not start (a review, a save). */
  requested: boolean;
}

export interface IndexTableOptions {
  uri: string;
  kb: string;
  storageOptions: Record<string, string> | undefined;
  embedder: Embedder;
  /** Why this embedder was chosen, and the Ollama host that did not answer when that is why. */
  reason: string;
  unreachableHost?: string;
  /** Drop the table first (the way out of a damaged index). */
  rebuild?: boolean;
  confirmEmbedderChange?: (change: EmbedderChange) => Promise<boolean>;
  logger: Logger;
  /** Called before a rebuild for a new embedder is announced, so the log names the embedder first. */
  announceEmbedder: () => void;
}

/**
 * The knowledge base's table for this run's embedder: opened as it is, or created, or rebuilt when another
 * embedder (or dimension, or an earlier schema) made it, since vectors of two embedders never mix.
 */
export async function openIndexTable(options: IndexTableOptions): Promise<KnowledgeStore> {
  const { uri, kb, storageOptions, embedder, logger } = options;
  if (options.rebuild) {
    // A damaged index (what a rebuild replaces) may not open: then there is nothing to lose.
    const old = await KnowledgeStore.open(uri, kb, storageOptions).catch(() => undefined);
    const madeBy = old?.identity.embedder;
    old?.close();
    await confirmEmbedder(madeBy, options);
    logger.info(`Rebuilding the index of "${kb}" from scratch.`);
    await KnowledgeStore.drop(uri, kb, storageOptions);
  }
  let store = await KnowledgeStore.open(uri, kb, storageOptions);
  if (store && (store.identity.embedder !== embedder.id || store.identity.dimension !== embedder.dimension)) {
    await confirmEmbedder(store.identity.embedder, options).catch((error: unknown) => {
      store?.close();
      throw error;
    });
    options.announceEmbedder();
    const madeBy = store.identity.embedder === OUTDATED_SCHEMA ? 'an earlier version of House Style' : store.identity.embedder;
    logger.info(`The index of "${kb}" was built by ${madeBy}; rebuilding it with ${embedder.id}.`);
    store.close();
    store = undefined;
  }
  return store ?? (await KnowledgeStore.create(uri, kb, { embedder: embedder.id, dimension: embedder.dimension }, storageOptions));
}

/** Never silently from meaning-based search to the lexical fallback: the caller is asked first. */
async function confirmEmbedder(madeBy: string | undefined, options: IndexTableOptions): Promise<void> {
  const { kb, embedder, reason, unreachableHost, confirmEmbedderChange } = options;
  if (!madeBy || madeBy === OUTDATED_SCHEMA || isHashing(madeBy) || !isHashing(embedder.id) || !confirmEmbedderChange) return;
  if (await confirmEmbedderChange({ kb, from: madeBy, to: embedder.id, reason, requested: options.rebuild === true, ...(unreachableHost && { unreachableHost }) })) return;
  throw cancellationError(`The index of "${kb}" was kept as it was, built with ${madeBy}.`);
}

function isHashing(embedderId: string): boolean {
  return embedderId.startsWith('hash-');
}
