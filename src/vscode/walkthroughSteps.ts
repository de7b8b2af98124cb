import * as vscode from 'vscode';

/** The walkthrough's steps (package.json contributes.walkthroughs), each ticked by its context key. */
export type WalkthroughStep = 'connect' | 'pull' | 'index' | 'review' | 'dataset' | 'adapter' | 'compare';

/**
 * Ticks a walkthrough step once what it teaches has worked: its `completionEvents` wait on this context key
 * (`onContext:housestyle.step.<id>`), not on the command, which also fires when the step fails.
 */
export function stepDone(step: WalkthroughStep): void {
  void vscode.commands.executeCommand('setContext', `housestyle.step.${step}`, true);
}
