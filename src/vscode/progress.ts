import type * as vscode from 'vscode';
import type { Progress } from '../core/log';

type EditorProgress = vscode.Progress<{ message?: string; increment?: number }>;

/** A signal that aborts when the user cancels a progress notification. */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** Core progress reports shown in an editor progress notification, its bar advanced by percent done. */
export function editorProgress(progress: EditorProgress, describe = (phase: string, done: number, total?: number) => `${phase} ${done}${total === undefined ? '' : `/${total}`}`): Progress {
  let reported = 0;
  return {
    report(phase, done, total) {
      const percent = total ? Math.floor((done / total) * 100) : reported;
      progress.report({ message: describe(phase, done, total), increment: Math.max(0, percent - reported) });
      reported = percent;
    },
  };
}
