import * as vscode from 'vscode';
import { describeError, HouseStyleError, type FixStep } from '../core/errors';

/**
 * A fix step as the editor does it: words in VS Code's terms (no flags, no `housestyle …`) and, where the
 * editor has a command for it, the button that does it.
 */
interface EditorStep {
  /** A lower-case verb phrase; the presenter joins a failure's steps into one sentence. */
  say: string;
  button?: string;
  run?: () => Thenable<unknown>;
}

const command = (id: string) => () => vscode.commands.executeCommand(id);
const openSetting = (id: string) => () => vscode.commands.executeCommand('workbench.action.openSettings', id);

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
  'import-adapter': { say: 'import an adapter', button: 'Import Adapter', run: command('housestyle.importAdapter') },
  'import-under-new-name': { say: 'import it under another name', button: 'Import Adapter', run: command('housestyle.importAdapter') },
  'import-onto-trained-base': { say: 'import it onto the Ollama model it was trained on (same family and size)', button: 'Import Adapter', run: command('housestyle.importAdapter') },
  'choose-adapter': { say: 'import a PEFT LoRA folder (adapter_config.json and adapter_model.safetensors) or a .gguf adapter', button: 'Import Adapter', run: command('housestyle.importAdapter') },
  'convert-adapter': { say: "convert it with llama.cpp's convert_lora_to_gguf.py and import the .gguf file", button: 'Import Adapter', run: command('housestyle.importAdapter') },
  'train-adapter': { say: 'train one', button: 'Train Adapter', run: command('housestyle.trainAdapter') },
  'train-again': { say: 'train again', button: 'Train Adapter', run: command('housestyle.trainAdapter') },
  'reach-training-host': { say: 'check that ssh reaches the training host without a password prompt and that its folder is writable' },
  'install-llamafactory': {
    say: 'install LLaMA-Factory where training runs (pip install llamafactory), or set House Style › Remote Training: Setup Command to activate its environment',
    button: 'Open Settings',
    run: openSetting('housestyle.remoteTraining.setupCommand'),
  },
  'fix-training-setup': {
    say: 'fix House Style › Remote Training: Setup Command (it runs in the POSIX sh of the host: activate a venv with ". DIR/bin/activate", not "source")',
    button: 'Open Settings',
    run: openSetting('housestyle.remoteTraining.setupCommand'),
  },
  'build-dataset': { say: 'build a fine-tuning dataset from your review history', button: 'Build Dataset', run: command('housestyle.buildDataset') },
  'build-dataset-elsewhere': { say: 'build the dataset into a new folder', button: 'Build Dataset', run: command('housestyle.buildDataset') },
  'fetch-review-comments': { say: "fetch your forge's review comments and build the dataset again", button: 'Fetch Review Comments', run: command('housestyle.fetchReviewComments') },
  'name-forge-host': { say: 'name the repository with its host when you fetch (github:HOST/OWNER/REPO or gitlab:HOST/GROUP/PROJECT)', button: 'Fetch Review Comments', run: command('housestyle.fetchReviewComments') },
  'open-git-repository': { say: 'open the folder of a git repository with history', button: 'Open Folder', run: command('workbench.action.files.openFolder') },
  'use-rag-route': { say: 'choose the rag route', button: 'Choose Route', run: command('housestyle.chooseRoute') },
  'choose-route': { say: 'choose it as the route', button: 'Choose Route', run: command('housestyle.chooseRoute') },
  'choose-version': { say: 'choose the fine-tuned version to use', button: 'Use Version', run: command('housestyle.useModel') },
  index: { say: 'index the workspace', button: 'Index Workspace', run: command('housestyle.indexWorkspace') },
  'rebuild-index': { say: 'rebuild the index', button: 'Rebuild Index', run: command('housestyle.rebuildIndex') },
  'pull-model': { say: 'pull it through Ollama', button: 'Pull Model', run: command('housestyle.pullModel') },
  'set-ollama-host': {
    say: 'start Ollama, or set House Style › Ollama: Host to where it runs',
    // The label of the code's own action, so the toast offers it once (it opens the host setting itself).
    button: 'Open Settings',
    run: openSetting('housestyle.ollama.host'),
  },
  'fix-ollama-host': { say: 'set House Style › Ollama: Host to a URL such as http://127.0.0.1:11434', button: 'Open Settings', run: openSetting('housestyle.ollama.host') },
  'check-ollama-log': { say: 'check the Ollama server log (journalctl -u ollama, or ~/.ollama/logs/server.log) and restart Ollama if it persists' },
  'use-hash-embedder': { say: 'set House Style › Index: Embedder to hash, which needs no model', button: 'Open Settings', run: openSetting('housestyle.index.embedder') },
  'set-minilm-folder': {
    say: 'set House Style › Index: Model Dir to a copy of all-MiniLM-L6-v2 (tokenizer.json, config.json, onnx/model.onnx)',
    button: 'Open Settings',
    run: openSetting('housestyle.index.modelDir'),
  },
  'add-knowledge-sources': { say: 'add your style guide (docs/STYLE_GUIDE.md, CONTRIBUTING.md or docs/**)', button: 'Add Style Guide', run: openKnowledgeSources },
};

/** The steps as one sentence: "Import an adapter, train one or choose the rag route." */
export function fixSentence(steps: readonly FixStep[]): string {
  const says = steps.map((step) => STEPS[step].say);
  const joined = says.length > 1 ? `${says.slice(0, -1).join(', ')} or ${says.at(-1)}` : (says[0] ?? '');
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)}.`;
}

/** One button per step the editor has a command for, each once. */
export function fixButtons(steps: readonly FixStep[]): string[] {
  return [...new Set(steps.flatMap((step) => STEPS[step].button ?? []))];
}

/**
 * An error as the editor words it: its message, then its fix steps in VS Code's terms instead of its hint
 * (written for the command line) when it names any. Every place the editor shows an error's text uses this.
 */
export function editorText(error: unknown): string {
  if (!(error instanceof HouseStyleError) || error.fix.length === 0) return describeError(error);
  return `${error.message}${/[.!?:]$/.test(error.message) ? '' : '.'} ${fixSentence(error.fix)}`;
}

/** A warning (something worked, but not as hoped) with the steps that fix it as its buttons. */
export async function warnWithFix(message: string, steps: readonly FixStep[]): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`House Style: ${message} ${fixSentence(steps)}`, ...fixButtons(steps));
  if (choice) await runFix(steps, choice);
}

/** Runs the step whose button was chosen. */
export async function runFix(steps: readonly FixStep[], button: string): Promise<void> {
  const step = steps.find((s) => STEPS[s].button === button);
  if (step) await STEPS[step].run?.();
}
