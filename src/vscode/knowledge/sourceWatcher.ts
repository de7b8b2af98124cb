import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';

const QUIET_MS = 1000;

/**
 * Re-indexes knowledge sources as they are saved, created or deleted: file watchers on each knowledge
 * base's include globs collect the paths, and after a quiet second one index run looks at just those files
 * (no listing of the workspace). Trusted workspaces only; rebuilt when settings or trust change. The
 * Knowledge tree follows through the activity (an index run ending).
 */
export class SourceWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: HouseStyleContext) {}

  /** (Re)creates the watchers for the current folder and settings. */
  async restart(): Promise<void> {
    this.stop();
    const folder = this.ctx.workspaceFolder;
    if (!folder || !vscode.workspace.isTrusted) return;
    const config = await this.ctx.config(folder).catch(() => undefined);
    if (!config) return; // invalid settings are reported by the next command that needs them
    for (const [kb, { include }] of Object.entries(config.knowledgeBases)) {
      for (const glob of include) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
        const queue = (uri: vscode.Uri) => this.queue(folder, kb, uri);
        watcher.onDidCreate(queue);
        watcher.onDidChange(queue);
        watcher.onDidDelete(queue);
        this.watchers.push(watcher);
      }
    }
  }

  dispose(): void {
    this.stop();
    clearTimeout(this.timer);
  }

  private stop(): void {
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }

  private queue(folder: vscode.WorkspaceFolder, kb: string, uri: vscode.Uri): void {
    const relative = vscode.workspace.asRelativePath(uri, false);
    if (relative.startsWith('.housestyle/')) return;
    let paths = this.pending.get(kb);
    if (!paths) this.pending.set(kb, (paths = new Set()));
    paths.add(relative);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.running = this.running.then(() => this.flush(folder))), QUIET_MS);
  }

  private async flush(folder: vscode.WorkspaceFolder): Promise<void> {
    const batches = [...this.pending].map(([kb, paths]) => [kb, [...paths]] as const);
    this.pending.clear();
    try {
      const service = await this.ctx.service(folder);
      for (const [kb, changed] of batches) {
        const report = await withEditorProgress(this.ctx.activity, { kind: 'indexing', label: kb }, { title: 'House Style: updating the knowledge base', location: vscode.ProgressLocation.Window }, (progress, signal) =>
          service.index({ kb, changed, progress, signal }),
        );
        if (report.updated + report.removed > 0) this.ctx.logger.info(`Re-indexed ${changed.join(', ')} in "${kb}": ${report.updated} updated, ${report.removed} removed, ${Math.round(report.durationMs)} ms.`);
      }
    } catch (error) {
      await this.ctx.errors.present(error, { background: true });
    }
  }
}
