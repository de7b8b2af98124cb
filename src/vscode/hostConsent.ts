import * as vscode from 'vscode';

const ANSWERS = 'housestyle.repositoryHostAnswers';

/**
 * Asks, in a modal, whether the Ollama host that the workspace's own configuration names (not this
 * machine) may receive its code. The answer is remembered per workspace and per host, so a host
 * changed by a later pull request is asked about again; a dismissed prompt is asked again next time.
 */
export async function confirmRepositoryHost(workspaceState: vscode.Memento, host: string): Promise<boolean> {
  const answers = workspaceState.get<Record<string, boolean>>(ANSWERS, {});
  if (host in answers) return answers[host]!;
  const send = 'Send Code There';
  const choice = await vscode.window.showWarningMessage(
    `This workspace's House Style configuration sends the code under review to ${host}, which is not this machine.`,
    { modal: true, detail: 'Allow only if you trust that host. Your user setting housestyle.ollama.host, or OLLAMA_HOST, always takes precedence.' },
    send,
    'Do Not Send',
  );
  if (choice === undefined) return false;
  await workspaceState.update(ANSWERS, { ...answers, [host]: choice === send });
  return choice === send;
}
