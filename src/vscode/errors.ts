import * as vscode from 'vscode';
import { describeError, errorCodeOf, HouseStyleError, isCancellation, type ErrorCode } from '../core/errors';
import { editorText, fixButtons, runFix } from './fixSteps';

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
  // What to add comes with the error's fix steps (a style guide to create, the team's config).
  'knowledge-empty': [],
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
  'route-unavailable': [],
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
 * code whether it came from a command, a review on save or a view. An error that names its fix steps is
 * worded in the editor's terms (a sentence and a button per step) instead of its hint, which is written for
 * the command line. Expected conditions go to the log as one warning line; only bugs carry a stack there. A
 * background run (a review on save) does not repeat the message it showed a moment ago; what the user asked
 * for always answers.
 */
export class ErrorPresenter {
  private lastShown: string | undefined;

  constructor(private readonly host: ErrorPresenterHost) {}

  async present(error: unknown, { background = false }: { background?: boolean } = {}): Promise<void> {
    if (isCancellation(error)) return;
    const code = errorCodeOf(error);
    const fix = error instanceof HouseStyleError ? error.fix : [];
    const message = editorText(error);
    if (error instanceof HouseStyleError) this.host.output.warn(describeError(error));
    else this.host.output.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (background && message === this.lastShown) return;
    this.lastShown = message;
    const steps = fixButtons(fix);
    const actions = ERROR_ACTIONS[code].filter((action) => !steps.includes(action));
    const choice = await vscode.window.showErrorMessage(`House Style: ${message}`, ...steps, ...actions);
    if (!choice) return;
    this.lastShown = undefined;
    if (steps.includes(choice)) await runFix(fix, choice);
    else await this.run(choice as ErrorAction, code);
  }

  /** After a success the same failure is worth showing again. */
  succeeded(): void {
    this.lastShown = undefined;
  }

  private async run(action: ErrorAction, code: ErrorCode | 'bug'): Promise<void> {
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
