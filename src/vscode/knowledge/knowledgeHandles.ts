import type * as vscode from 'vscode';
import type { Config } from '../../core/config';
import type { KnowledgeBase } from '../../core/knowledge/knowledgeBase';

/**
 * Open knowledge bases per folder, so repeated searches reuse one LanceDB connection; dropped after
 * every index run, since the embedder may have changed.
 */
export class KnowledgeHandles implements vscode.Disposable {
  private readonly open = new Map<string, Promise<KnowledgeBase>>();

  constructor(private readonly extensionRoot: string) {}

  async get(folder: vscode.WorkspaceFolder, config: Config, kb = config.review.knowledgeBase): Promise<KnowledgeBase> {
    const key = `${folder.uri.fsPath}\0${kb}`;
    let handle = this.open.get(key);
    if (!handle) {
      const { openKnowledgeBase } = await import('../../core/knowledge/knowledgeBase');
      handle = openKnowledgeBase({ workspace: folder.uri.fsPath, config, kb, extensionRoot: this.extensionRoot });
      handle.catch(() => this.open.delete(key));
      this.open.set(key, handle);
    }
    return handle;
  }

  invalidate(): void {
    const handles = [...this.open.values()];
    this.open.clear();
    for (const handle of handles) void handle.then((kb) => kb.close(), () => undefined);
  }

  dispose(): void {
    this.invalidate();
  }
}
