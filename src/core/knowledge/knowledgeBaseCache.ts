import type { Config } from '../config';
import type { Logger } from '../log';
import type { OllamaClient } from '../models/ollama/client';
import { indexUri } from './indexUri';
import { openKnowledgeBase, type KnowledgeBase } from './knowledgeBase';

/**
 * Open knowledge bases kept between requests (the editor searches and reviews many times), so repeated
 * searches reuse one LanceDB connection and one embedder. A handle is keyed by everything that decides
 * what it opens (workspace, base, index location and embedder settings), so a changed setting reaches the
 * next search without anyone remembering to invalidate; `invalidate()` drops all after an index run.
 */
export class KnowledgeBaseCache {
  private readonly open = new Map<string, Promise<KnowledgeBase>>();

  constructor(
    private readonly extensionRoot: string,
    private readonly logger?: Logger,
  ) {}

  /** `client` is the model client of `config` (the Ollama embedder's). */
  get(workspace: string, config: Config, client: OllamaClient, kb = config.review.knowledgeBase): Promise<KnowledgeBase> {
    const key = JSON.stringify([workspace, kb, indexUri(workspace, config), config.index, config.ollama.embedModel, config.ollama.host]);
    let handle = this.open.get(key);
    if (!handle) {
      handle = openKnowledgeBase({ workspace, config, kb, client, extensionRoot: this.extensionRoot, ...(this.logger && { logger: this.logger }) });
      // A failed open (nothing indexed yet) is not remembered: the next request tries again.
      handle.catch(() => this.open.delete(key));
      this.open.set(key, handle);
    }
    return handle;
  }

  /** Closes every open handle; the next request reopens with what is on disk now. */
  async invalidate(): Promise<void> {
    const handles = [...this.open.values()];
    this.open.clear();
    await Promise.all(handles.map((handle) => handle.then((kb) => kb.close(), () => undefined)));
  }
}
