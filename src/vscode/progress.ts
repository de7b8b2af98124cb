import * as vscode from 'vscode';
import type { Activity, TaskKind } from '../core/activity';
import type { Progress } from '../core/log';

type EditorProgress = vscode.Progress<{ message?: string; increment?: number }>;
type Describe = (phase: string, done: number, total?: number, detail?: string) => string;

/** A signal that aborts when the user cancels a progress notification. */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** Core progress reports shown in an editor progress notification, its bar advanced by percent done. */
export function editorProgress(progress: EditorProgress, describe: Describe = (phase, done, total) => `${phase} ${done}${total === undefined ? '' : `/${total}`}`): Progress {
  let reported = 0;
  return {
    report(phase, done, total, detail) {
      const percent = total ? Math.floor((done / total) * 100) : reported;
      progress.report({ message: describe(phase, done, total, detail), increment: Math.max(0, percent - reported) });
      reported = percent;
    },
  };
}

/**
 * The one way long work runs in the editor: a cancellable progress notification (or the status bar's spinner
 * for background work) and a task in the activity the status bar shows, both fed by the core's progress
 * reports; the body gets the core progress and the cancel signal.
 */
export async function withEditorProgress<T>(
  activity: Activity,
  task: { kind: TaskKind; label: string },
  options: { title: string; location?: vscode.ProgressLocation; describe?: Describe },
  body: (progress: Progress, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return activity.run(task.kind, task.label, async (handle) =>
    vscode.window.withProgress({ location: options.location ?? vscode.ProgressLocation.Notification, title: options.title, cancellable: true }, (progress, token) => {
      const shown = editorProgress(progress, options.describe);
      return body(
        {
          report(phase, done, total, detail) {
            shown.report(phase, done, total, detail);
            if (total) handle.report((done / total) * 100);
          },
        },
        abortSignalOf(token),
      );
    }),
  );
}
