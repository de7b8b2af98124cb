import * as vscode from 'vscode';
import type { EditorSettings } from '../core/config';

/**
 * The editor's settings of a folder in the shape core's one config loader layers over the team's
 * `.housestyle/config.json`: for each section only what the user set (user, workspace and folder scopes
 * merged; declared defaults must not override the team's file), and the Ollama and model hosts by whose say they are.
 */
export function editorSettings(folder: vscode.WorkspaceFolder): EditorSettings {
  const settings = vscode.workspace.getConfiguration('housestyle', folder.uri);
  const hosts = settings.inspect<{ host?: string }>('ollama');
  const userHost = hosts?.globalValue?.host;
  const workspaceHost = hosts?.workspaceFolderValue?.host ?? hosts?.workspaceValue?.host;
  // Where models are fetched from is the user's say only (the setting is machine-scoped); turning fetching off is anyone's.
  const index = settings.inspect<{ modelHost?: string; fetchModel?: boolean }>('index');
  const userModelHost = index?.globalValue?.modelHost;
  const modelFetchOff = [index?.globalValue, index?.workspaceValue, index?.workspaceFolderValue].some((scope) => scope?.fetchModel === false);
  return {
    section: (name) => {
      const scopes = settings.inspect<Record<string, unknown>>(name);
      return { ...scopes?.globalValue, ...scopes?.workspaceValue, ...scopes?.workspaceFolderValue };
    },
    ...(userHost && { userHost }),
    ...(workspaceHost && { workspaceHost }),
    ...(userModelHost && { userModelHost }),
    ...(modelFetchOff && { modelFetchOff }),
  };
}
