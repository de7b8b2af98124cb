import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { requireFolder } from '../trust';

/** Pulls the configured review model with cancellable progress, then offers to run the review again. */
export async function pullModel(ctx: HouseStyleContext): Promise<void> {
  const folder = requireFolder(ctx.workspaceFolder);
  const config = await ctx.config(folder);
  const model = config.ollama.model;
  const { OllamaClient } = await import('../../core/models/ollama/client');
  const client = OllamaClient.fromConfig(config);
  try {
    await withEditorProgress(
      ctx.activity,
      { kind: 'pulling', label: model },
      { title: `House Style: pulling ${model}`, describe: (status, done, total) => (total ? `${status} (${Math.floor((done / total) * 100)}%)` : status) },
      (progress, signal) => client.pull(model, (status, completed, total) => progress.report(status, completed ?? 0, total), signal),
    );
  } catch (error) {
    await ctx.errors.present(error);
    return;
  }
  ctx.errors.succeeded();
  ctx.logger.info(`Pulled ${model} on ${client.host}.`);
  const again = vscode.window.activeTextEditor ? 'Review Again' : undefined;
  const choice = await vscode.window.showInformationMessage(`House Style: ${model} is ready.`, ...(again ? [again] : []));
  if (choice === again) await vscode.commands.executeCommand('housestyle.reviewFile');
}
