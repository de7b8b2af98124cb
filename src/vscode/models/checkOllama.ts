import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';
import { requireFolder } from '../trust';

/** "Check Ollama" (the status bar's click when Ollama was unreachable): probes the host and the model again and says what it found. */
export async function checkOllama(ctx: HouseStyleContext): Promise<void> {
  const config = await ctx.config(requireFolder(ctx.workspaceFolder));
  const [{ OllamaClient }, { requireModel }] = await Promise.all([import('../../core/models/ollama/client'), import('../../core/session')]);
  const client = OllamaClient.fromConfig(config);
  ctx.activity.modelChosen(config.ollama.model);
  await requireModel(client, config.ollama.model, ctx.activity);
  ctx.errors.succeeded();
  void vscode.window.showInformationMessage(`House Style: Ollama answers at ${client.host}, and ${config.ollama.model} is installed.`);
}
