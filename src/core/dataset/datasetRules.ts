import type { Config } from '../config';
import { throwIfCancelled } from '../errors';
import type { KnowledgeBase } from '../knowledge/knowledgeBase';
import type { Logger, Progress } from '../log';
import type { OllamaClient } from '../models/ollama/client';

/** The rules the hybrid review-findings variant is retrieved from, and what the dataset card says about them. */
export interface DatasetRules {
  search?: KnowledgeBase;
  note: string;
}

/**
 * Brings the workspace's knowledge base up to date (an incremental index run, as a review does) and opens
 * it, so that the hybrid variant retrieves exactly what the reviewer would. A workspace without documents
 * gives no knowledge base: the card says so and only the fine-tuned variant is built. The caller closes
 * `search`.
 */
export async function openDatasetRules(options: { workspace: string; config: Config; client?: OllamaClient; extensionRoot?: string; logger?: Logger; progress?: Progress; signal?: AbortSignal }): Promise<DatasetRules> {
  const { workspace, config } = options;
  const kb = config.review.knowledgeBase;
  // The knowledge base's modules (its parsers, index and embedders) load here, once the build has started git on the history.
  const [{ indexKnowledgeBase, knowledgeBaseScope }, { openKnowledgeBase }, { discoverSources }] = await Promise.all([import('../knowledge/indexer'), import('../knowledge/knowledgeBase'), import('../knowledge/sources')]);
  // Without documents nothing is indexed: no index table opened, no embedder chosen (which may ask Ollama).
  const { files } = await discoverSources(workspace, knowledgeBaseScope(workspace, config, kb));
  throwIfCancelled(options.signal);
  const indexed = files.length === 0 ? undefined : await indexKnowledgeBase(options);
  if (!indexed || indexed.files === 0) {
    return {
      note: `The workspace has no documents in the knowledge base "${kb}" (knowledgeBases.${kb}.include matched nothing), so only the fine-tuned review-findings variant (no rules) was built. Add style guides or docs there for the hybrid variant.`,
    };
  }
  const search = await openKnowledgeBase({ workspace, config, ...(options.client && { client: options.client }), ...(options.extensionRoot && { extensionRoot: options.extensionRoot }), ...(options.logger && { logger: options.logger }) });
  return { search, note: `Hybrid review-findings windows carry the rules retrieved from the knowledge base "${kb}" (${indexed.files} documents, embedder ${indexed.embedder}) exactly as a review retrieves them.` };
}
