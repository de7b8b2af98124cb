import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';
import type { ReviewRunner } from './reviewRunner';

const SAVE_DEBOUNCE_MS = 750;

/**
 * Review on save: when `review.onSave` is on (in the user's settings or the team's `.housestyle/config.json`,
 * read through the one config schema), a saved file is reviewed after a short quiet time; a new save restarts
 * the wait, and its review cancels the one still running.
 */
export class SaveReviews implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: HouseStyleContext,
    private readonly reviews: Pick<ReviewRunner, 'reviewDocument'>,
    private readonly quietMs = SAVE_DEBOUNCE_MS,
  ) {}

  async saved(document: vscode.TextDocument): Promise<void> {
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder || vscode.workspace.asRelativePath(document.uri, false).startsWith('.housestyle/')) return;
    const enabled = await this.ctx.config(folder).then(
      (config) => config.review.onSave,
      () => false, // an invalid config is reported by the next explicit command, not on every save
    );
    if (!enabled) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.reviews.reviewDocument(document, undefined, true).catch((error: unknown) => this.ctx.errors.present(error, { background: true }));
      }, this.quietMs),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
