import * as vscode from 'vscode';
import { describeError, errorCodeOf, HouseStyleError, isCancellation, type ErrorCode } from '../core/errors';

export type ErrorAction = 'Open Settings' | 'Pull Model' | 'Manage Workspace Trust' | 'Rebuild Index' | 'Index Workspace' | 'Show Log';

/**
 * What the user is offered for each kind of failure, wherever it happens (a command, a review on save, a
 * view). A Record, so a new error code does not compile until it has its actions.
 */
export const ERROR_ACTIONS: Record<ErrorCode | 'bug', ErrorAction[]> = {
  usage: [],
  config: ['Open Settings', 'Show Log'],
  untrusted: ['Manage Workspace Trust'],
  cancelled: [],
  'ollama-unreachable': ['Open Settings', 'Show Log'],
  'ollama-timeout': ['Open Settings'],
  'ollama-rejected': ['Open Settings', 'Show Log'],
  'ollama-bad-response': ['Open Settings', 'Show Log'],
  'ollama-server-error': ['Show Log'],
  'model-not-found': ['Pull Model', 'Open Settings'],
  'model-too-large': ['Open Settings'],
  'index-missing': ['Index Workspace'],
  'index-unavailable': ['Rebuild Index', 'Show Log'],
  'index-read-only': ['Open Settings'],
  'index-damaged': ['Rebuild Index', 'Show Log'],
  'index-locked': ['Show Log'],
  'disk-full': ['Show Log'],
  'knowledge-empty': ['Open Settings', 'Index Workspace'],
  'host-not-confirmed': ['Open Settings'],
  'outside-workspace': [],
  embedder: ['Open Settings', 'Show Log'],
  'embedder-unavailable': ['Open Settings'],
  'embedder-model': ['Open Settings'],
  'review-bad-answer': ['Open Settings', 'Show Log'],
  git: ['Show Log'],
  'not-a-repo': [],
  dataset: ['Show Log'],
  comments: ['Show Log'],
  forge: ['Show Log'],
  feedback: ['Show Log'],
  'adapter-invalid': [],
  'adapter-rejected': ['Show Log'],
  'route-unavailable': ['Open Settings'],
  registry: ['Show Log'],
  'training-failed': ['Show Log'],
  failed: ['Show Log'],
  bug: ['Show Log'],
};

/** The settings section each code's "Open Settings" opens. */
function settingsFor(code: ErrorCode | 'bug'): string {
  if (code.startsWith('ollama') || code.startsWith('model') || code === 'host-not-confirmed') return 'housestyle.ollama';
  if (code === 'knowledge-empty') return 'housestyle.knowledgeBases';
  if (code.startsWith('embedder') || code === 'index-read-only') return 'housestyle.index';
  if (code === 'review-bad-answer') return 'housestyle.review';
  return 'housestyle';
}

export interface ErrorPresenterHost {
  readonly output: vscode.LogOutputChannel;
  /** Pulls the configured model with progress (the action of `model-not-found`). */
  pullModel(): Promise<void>;
}

/**
 * The one way errors reach the user: one line with the actions that fix it, the same actions for the same
 * code whether it came from a command, a review on save or a view. Expected conditions go to the log as one
 * warning line; only bugs carry a stack there. A message shown a moment ago is not shown again (a failing
 * review on every save would otherwise repeat it).
 */
export class ErrorPresenter {
  private lastShown: string | undefined;

  constructor(private readonly host: ErrorPresenterHost) {}

  async present(error: unknown): Promise<void> {
    if (isCancellation(error)) return;
    const code = errorCodeOf(error);
    const message = describeError(error);
    if (error instanceof HouseStyleError) this.host.output.warn(message);
    else this.host.output.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (message === this.lastShown) return;
    this.lastShown = message;
    const choice = await vscode.window.showErrorMessage(`House Style: ${message}`, ...ERROR_ACTIONS[code]);
    if (choice) await this.run(choice, code);
  }

  /** After a success the same failure is worth showing again. */
  succeeded(): void {
    this.lastShown = undefined;
  }

  private async run(action: ErrorAction, code: ErrorCode | 'bug'): Promise<void> {
    this.lastShown = undefined;
    switch (action) {
      case 'Open Settings':
        await vscode.commands.executeCommand('workbench.action.openSettings', settingsFor(code));
        return;
      case 'Pull Model':
        await this.host.pullModel();
        return;
      case 'Manage Workspace Trust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'Rebuild Index':
        await vscode.commands.executeCommand('housestyle.rebuildIndex');
        return;
      case 'Index Workspace':
        await vscode.commands.executeCommand('housestyle.indexWorkspace');
        return;
      case 'Show Log':
        this.host.output.show();
        return;
    }
  }
}
