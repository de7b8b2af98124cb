import * as vscode from 'vscode';
import { parseConfig, readConfigFile, type Config } from '../core/config';
import type { Logger } from '../core/log';
import { KnowledgeHandles } from './knowledge/knowledgeHandles';

/** What every command and editor surface shares: the output channel, the settings, the disposables. */
export class HouseStyleContext implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('House Style', { log: true });
  readonly logger: Logger = {
    info: (message) => this.output.info(message),
    warn: (message) => this.output.warn(message),
  };
  readonly knowledge: KnowledgeHandles;
  private readonly disposables: vscode.Disposable[] = [this.output];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.knowledge = new KnowledgeHandles(extension.extensionPath);
    this.disposables.push(this.knowledge);
  }

  /** The single workspace folder House Style works on, or undefined with no folder open. */
  get workspaceFolder(): vscode.WorkspaceFolder | undefined {
    const editorUri = vscode.window.activeTextEditor?.document.uri;
    return (editorUri && vscode.workspace.getWorkspaceFolder(editorUri)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** `.housestyle/config.json` of the folder, overridden by the user's `housestyle.*` settings. */
  async config(folder: vscode.WorkspaceFolder): Promise<Config> {
    const file = (await readConfigFile(folder.uri.fsPath)) as Record<string, unknown>;
    const settings = vscode.workspace.getConfiguration('housestyle', folder.uri);
    const sections = ['index', 'chunking', 'knowledgeBases', 'ollama', 'review', 'dataset'] as const;
    const merged: Record<string, unknown> = { ...file };
    for (const section of sections) {
      // Only what the user set: declared defaults must not override the team's config file.
      const scopes = settings.inspect<Record<string, unknown>>(section);
      const value = { ...scopes?.globalValue, ...scopes?.workspaceValue, ...scopes?.workspaceFolderValue };
      if (Object.keys(value).length > 0) {
        merged[section] = section === 'knowledgeBases' ? value : { ...(file[section] as object | undefined), ...value };
      }
    }
    return parseConfig(merged, 'House Style settings');
  }

  push(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
