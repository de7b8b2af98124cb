import * as vscode from 'vscode';
import type { FixStep } from '../core/errors';

/** A fix step as the editor does it: words in VS Code's terms (no flags, no `housestyle …`) and the button that does it. */
interface EditorStep {
  /** A lower-case verb phrase; the presenter joins a failure's steps into one sentence. */
  say: string;
  button: string;
  run: () => Thenable<unknown>;
}

/** The workspace's own Style Guide to write, or the team's config when it names the include globs. */
async function openKnowledgeSources(): Promise<unknown> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const config = vscode.Uri.joinPath(folder.uri, '.housestyle', 'config.json');
  const exists = await vscode.workspace.fs.stat(config).then(
    () => true,
    () => false,
  );
  // A new file at the path the default include globs match: saving it creates it there.
  const target = exists ? config : vscode.Uri.joinPath(folder.uri, 'docs', 'STYLE_GUIDE.md').with({ scheme: 'untitled' });
  return vscode.window.showTextDocument(target);
}

/** A Record, so a new step does not compile until the editor has decided how it is done. */
const STEPS: Record<FixStep, EditorStep> = {
  'import-adapter': { say: 'import an adapter', button: 'Import Adapter', run: () => vscode.commands.executeCommand('housestyle.importAdapter') },
  'train-adapter': { say: 'train one', button: 'Train Adapter', run: () => vscode.commands.executeCommand('housestyle.trainAdapter') },
  'build-dataset': { say: 'build a fine-tuning dataset from your review history', button: 'Build Dataset', run: () => vscode.commands.executeCommand('housestyle.buildDataset') },
  'use-rag-route': { say: 'choose the rag route', button: 'Choose Route', run: () => vscode.commands.executeCommand('housestyle.chooseRoute') },
  'choose-route': { say: 'choose it as the route', button: 'Choose Route', run: () => vscode.commands.executeCommand('housestyle.chooseRoute') },
  'choose-version': { say: 'use another fine-tuned version', button: 'Use Version', run: () => vscode.commands.executeCommand('housestyle.useModel') },
  index: { say: 'index the workspace', button: 'Index Workspace', run: () => vscode.commands.executeCommand('housestyle.indexWorkspace') },
  'rebuild-index': { say: 'rebuild the index', button: 'Rebuild Index', run: () => vscode.commands.executeCommand('housestyle.rebuildIndex') },
  'pull-model': { say: 'pull it through Ollama', button: 'Pull Model', run: () => vscode.commands.executeCommand('housestyle.pullModel') },
  'set-ollama-host': {
    say: 'start Ollama, or set House Style › Ollama: Host to where it runs',
    // The label of the code's own action, so the toast offers it once (it opens the host setting itself).
    button: 'Open Settings',
    run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'housestyle.ollama.host'),
  },
  'add-knowledge-sources': { say: 'add your style guide (docs/STYLE_GUIDE.md, CONTRIBUTING.md or docs/**)', button: 'Add Style Guide', run: openKnowledgeSources },
};

/** The steps as one sentence: "Import an adapter, train one or choose the rag route." */
export function fixSentence(steps: readonly FixStep[]): string {
  const says = steps.map((step) => STEPS[step].say);
  const joined = says.length > 1 ? `${says.slice(0, -1).join(', ')} or ${says.at(-1)}` : (says[0] ?? '');
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)}.`;
}

export function fixButtons(steps: readonly FixStep[]): string[] {
  return steps.map((step) => STEPS[step].button);
}

/** A warning (something worked, but not as hoped) with the steps that fix it as its buttons. */
export async function warnWithFix(message: string, steps: readonly FixStep[]): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`House Style: ${message} ${fixSentence(steps)}`, ...fixButtons(steps));
  if (choice) await runFix(steps, choice);
}

/** Runs the step whose button was chosen. */
export async function runFix(steps: readonly FixStep[], button: string): Promise<void> {
  const step = steps.find((s) => STEPS[s].button === button);
  if (step) await STEPS[step].run();
}
