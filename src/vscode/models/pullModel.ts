import * as vscode from 'vscode';
import type { WorkspaceService } from '../../core/service/workspaceService';
import type { EditorWorkspace, HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { stepDone } from '../walkthroughSteps';

/** Pulls the configured review model with cancellable progress, then offers to run the review again. */
export async function pullModel(ctx: HouseStyleContext, { service }: EditorWorkspace): Promise<void> {
  const model = (await service.config()).ollama.model;
  try {
    await pullWithProgress(ctx, service, model);
  } catch (error) {
    await ctx.errors.present(error);
    return;
  }
  ctx.errors.succeeded();
  stepDone('pull');
  const again = vscode.window.activeTextEditor ? 'Review Again' : undefined;
  const choice = await vscode.window.showInformationMessage(`House Style: ${model} is ready.`, ...(again ? [again] : []));
  if (choice === again) await vscode.commands.executeCommand('housestyle.reviewFile');
}

/** Pulls a model through the configured Ollama with a cancellable progress notification that shows the percent. */
export async function pullWithProgress(ctx: HouseStyleContext, service: WorkspaceService, model: string): Promise<void> {
  const { host } = await withEditorProgress(
    ctx.activity,
    { kind: 'pulling', label: model },
    { title: `House Style: pulling ${model}`, describe: (status, done, total) => (total ? `${status} (${Math.floor((done / total) * 100)}%)` : status) },
    (progress, signal) => service.pullModel({ model, signal, onStatus: (status, completed, total) => progress.report(status, completed ?? 0, total) }),
  );
  ctx.logger.info(`Pulled ${model} on ${host}.`);
}
