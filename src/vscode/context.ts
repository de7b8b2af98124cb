import * as vscode from 'vscode';
import type { Config } from '../core/config';
import type { Logger } from '../core/log';
import { Activity } from '../core/service/frontEndHelpers';
import type { WorkspaceService } from '../core/service/workspaceService';
import { ErrorPresenter } from './errors';
import { confirmRepositoryHost } from './hostConsent';
import { confirmEmbedderChange } from './knowledge/embedderChange';
import { editorSettings } from './settings';
import { requireFolder, requireTrust } from './trust';

/** A folder House Style may work on (trusted, open) and its service. */
export interface EditorWorkspace {
  folder: vscode.WorkspaceFolder;
  service: WorkspaceService;
}

/**
 * What every command and editor surface shares: the output channel, the activity (for the status bar), the
 * one error presenter, the disposables, and the one boundary into core: each folder's workspace service,
 * loaded on first use (LanceDB and transformers.js load then, not at activation).
 */
export class HouseStyleContext implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('House Style', { log: true });
  readonly logger: Logger = {
    info: (message) => this.output.info(message),
    warn: (message) => this.output.warn(message),
  };
  readonly activity = new Activity();
  // The pull runs as its command, which shows its own progress and failures.
  readonly errors = new ErrorPresenter({ output: this.output, pullModel: async () => void (await vscode.commands.executeCommand('housestyle.pullModel')) });
  private readonly services = new Map<string, Promise<WorkspaceService>>();
  private readonly disposables: vscode.Disposable[] = [this.output];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables.push({ dispose: () => void this.closeServices() });
  }

  /** The single workspace folder House Style works on, or undefined with no folder open. */
  get workspaceFolder(): vscode.WorkspaceFolder | undefined {
    const editorUri = vscode.window.activeTextEditor?.document.uri;
    return (editorUri && vscode.workspace.getWorkspaceFolder(editorUri)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** The folder's service: its settings read anew on each use, the user's host choice asked once per workspace. */
  service(folder: vscode.WorkspaceFolder): Promise<WorkspaceService> {
    const key = folder.uri.toString();
    let service = this.services.get(key);
    if (!service) {
      service = import('../core/service/workspaceService').then(
        ({ WorkspaceService }) =>
          new WorkspaceService({
            workspace: folder.uri.fsPath,
            extensionRoot: this.extension.extensionPath,
            // Where code goes is the user's choice: user settings, then OLLAMA_HOST; the workspace's own host once confirmed.
            hostChoice: { env: process.env, confirmRepositoryHost: (host) => confirmRepositoryHost(this.extension.workspaceState, host) },
            settings: () => editorSettings(folder),
            logger: this.logger,
            activity: this.activity,
            confirmEmbedderChange,
          }),
      );
      this.services.set(key, service);
    }
    return service;
  }

  /**
   * The one check before anything reads the workspace or calls Ollama: a folder is open (`folder`, else the
   * active one) and, unless only a folder is needed, the workspace is trusted. Commands get it from their
   * registration; views ask for it.
   */
  async workspace(needs: 'trust' | 'folder' = 'trust', folder = this.workspaceFolder): Promise<EditorWorkspace> {
    if (needs === 'trust') requireTrust();
    const open = requireFolder(folder);
    return { folder: open, service: await this.service(open) };
  }

  /** `.housestyle/config.json` of the folder, overridden by the user's `housestyle.*` settings, read anew each time. */
  async config(folder: vscode.WorkspaceFolder): Promise<Config> {
    return (await this.service(folder)).config();
  }

  /** A changed setting may point at another index or embedder: open knowledge bases are closed, the next use reopens. */
  settingsChanged(): void {
    void this.closeServices();
  }

  push(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async closeServices(): Promise<void> {
    await Promise.all([...this.services.values()].map(async (service) => (await service).close()));
  }
}
