import * as vscode from 'vscode';
import type { Config } from '../../core/config';
import type { HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { requireFolder } from '../trust';

/** Pulls the configured review model with cancellable progress, then offers to run the review again. */
export async function pullModel(ctx: HouseStyleContext): Promise<void> {
  const config = await ctx.config(requireFolder(ctx.workspaceFolder));
  const model = config.ollama.model;
  try {
    await pullWithProgress(ctx, config, model);
  } catch (error) {
    await ctx.errors.present(error);
    return;
  }
  ctx.errors.succeeded();
  const again = vscode.window.activeTextEditor ? 'Review Again' : undefined;
  const choice = await vscode.window.showInformationMessage(`House Style: ${model} is ready.`, ...(again ? [again] : []));
  if (choice === again) await vscode.commands.executeCommand('housestyle.reviewFile');
}

/** Pulls a model through the configured Ollama with a cancellable progress notification that shows the percent. */
export async function pullWithProgress(ctx: HouseStyleContext, config: Config, model: string): Promise<void> {
  const { OllamaClient } = await import('../../core/models/ollama/client');
  const client = OllamaClient.fromConfig(config);
  await withEditorProgress(
    ctx.activity,
    { kind: 'pulling', label: model },
    { title: `House Style: pulling ${model}`, describe: (status, done, total) => (total ? `${status} (${Math.floor((done / total) * 100)}%)` : status) },
    (progress, signal) => client.pull(model, (status, completed, total) => progress.report(status, completed ?? 0, total), signal),
  );
  ctx.logger.info(`Pulled ${model} on ${client.host}.`);
}
