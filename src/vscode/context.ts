import * as vscode from 'vscode';
import { Activity } from '../core/activity';
import { configSchema, parseConfig, readConfigFile, type Config } from '../core/config';
import { KnowledgeBaseCache } from '../core/knowledge/knowledgeBaseCache';
import type { IndexOptions, IndexReport } from '../core/knowledge/indexer';
import type { Logger } from '../core/log';
import { chooseOllamaHost } from '../core/ollamaHostChoice';
import { ErrorPresenter } from './errors';
import { confirmRepositoryHost } from './hostConsent';
import { pullModel } from './models/pullModel';

/**
 * What every command and editor surface shares: the output channel, the settings, open knowledge bases,
 * what House Style is doing (for the status bar), the one error presenter, and the disposables.
 */
export class HouseStyleContext implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('House Style', { log: true });
  readonly logger: Logger = {
    info: (message) => this.output.info(message),
    warn: (message) => this.output.warn(message),
  };
  readonly knowledge: KnowledgeBaseCache;
  readonly activity = new Activity();
  readonly errors = new ErrorPresenter({ output: this.output, pullModel: () => pullModel(this) });
  private readonly disposables: vscode.Disposable[] = [this.output];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.knowledge = new KnowledgeBaseCache(extension.extensionPath, this.logger);
    this.disposables.push({ dispose: () => this.knowledge.invalidate() });
  }

  /** The single workspace folder House Style works on, or undefined with no folder open. */
  get workspaceFolder(): vscode.WorkspaceFolder | undefined {
    const editorUri = vscode.window.activeTextEditor?.document.uri;
    return (editorUri && vscode.workspace.getWorkspaceFolder(editorUri)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** `.housestyle/config.json` of the folder, overridden by the user's `housestyle.*` settings, read anew each time. */
  async config(folder: vscode.WorkspaceFolder): Promise<Config> {
    const file = (await readConfigFile(folder.uri.fsPath)) as Record<string, unknown>;
    const settings = vscode.workspace.getConfiguration('housestyle', folder.uri);
    // Every section of the one schema, so a new section's settings cannot be forgotten here.
    const sections = Object.keys(configSchema.shape) as (keyof Config)[];
    const merged: Record<string, unknown> = { ...file };
    for (const section of sections) {
      // Only what the user set: declared defaults must not override the team's config file.
      const scopes = settings.inspect<Record<string, unknown>>(section);
      const value = { ...scopes?.globalValue, ...scopes?.workspaceValue, ...scopes?.workspaceFolderValue };
      if (Object.keys(value).length > 0) {
        merged[section] = section === 'knowledgeBases' ? value : { ...(file[section] as object | undefined), ...value };
      }
    }
    const config = parseConfig(merged, 'House Style settings');
    // Where code goes is the user's choice: user settings, then OLLAMA_HOST; the workspace's own host once confirmed.
    const hosts = settings.inspect<{ host?: string }>('ollama');
    const repositoryHost = hosts?.workspaceFolderValue?.host ?? hosts?.workspaceValue?.host ?? (file.ollama as { host?: string } | undefined)?.host;
    const host = await chooseOllamaHost(repositoryHost, { user: hosts?.globalValue?.host, env: process.env, confirmRepositoryHost: (h) => confirmRepositoryHost(this.extension.workspaceState, h) });
    return { ...config, ollama: { ...config.ollama, host } };
  }

  /**
   * One index run of the folder with the editor's logger and bundled models. Open knowledge bases are closed
   * before it returns when it changed rows, so whatever reacts to the run's end reads the new index.
   */
  async index(folder: vscode.WorkspaceFolder, options: Omit<IndexOptions, 'workspace' | 'extensionRoot' | 'logger'>): Promise<IndexReport> {
    const { indexKnowledgeBase } = await import('../core/knowledge/indexer');
    const report = await indexKnowledgeBase({ ...options, workspace: folder.uri.fsPath, extensionRoot: this.extension.extensionPath, logger: this.logger });
    if (report.updated + report.removed + report.repaired > 0 || options.rebuild) this.knowledge.invalidate();
    return report;
  }

  /** A changed setting may point at another index or embedder: open knowledge bases are closed, the next use reopens. */
  settingsChanged(): void {
    this.knowledge.invalidate();
  }

  push(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
