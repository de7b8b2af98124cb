import * as vscode from 'vscode';
import type { EditorWorkspace, HouseStyleContext } from '../context';
import { stepDone } from '../walkthroughSteps';

/** "Check Ollama" (the status bar's click when Ollama was unreachable): probes the host and the model again and says what it found. */
export async function checkOllama(ctx: HouseStyleContext, { service }: EditorWorkspace): Promise<void> {
  const { model, host } = await service.checkModel();
  ctx.errors.succeeded();
  stepDone('connect');
  void vscode.window.showInformationMessage(`House Style: Ollama answers at ${host}, and ${model} is installed.`);
}
