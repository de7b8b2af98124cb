import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';

/**
 * Tells the status bar (through the activity) the configured route and its model, or that it has none (the next
 * review's error then says what to do).
 */
export async function showCurrentRoute(ctx: HouseStyleContext): Promise<void> {
  const folder = ctx.workspaceFolder;
  if (!folder || !vscode.workspace.isTrusted) return;
  await (await ctx.service(folder)).currentRoute().catch(() => undefined);
}
