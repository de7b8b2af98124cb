import * as vscode from 'vscode';
import type { Activity } from '../core/activity';
import { statusView } from './statusText';

/** The status bar item: what House Style is doing (indexing 40%, reviewing, Ollama unreachable, model and route). */
export function createStatusBar(activity: Activity): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('housestyle.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'House Style';
  const show = () => {
    const view = statusView(activity.state);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.command = view.command;
    item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  show();
  item.show();
  const subscription = activity.onChange(show);
  return { dispose: () => (subscription.dispose(), item.dispose()) };
}
