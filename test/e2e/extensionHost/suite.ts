// Runs inside a desktop VS Code's extension host (through @vscode/test-electron): the extension as the
// editor loads it, with the real `vscode` API. Bundled to CommonJS by extensionHost.e2e.ts before the run.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** test-electron calls this; a throw fails the run. */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension('housestyle.housestyle');
  assert.ok(extension, 'House Style is loaded in the extension host');
  await extension.activate();

  const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(contributed.filter((command) => !registered.has(command)), [], 'every contributed command is registered');
}
