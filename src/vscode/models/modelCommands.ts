import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Route } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import type { CommandFactory } from '../commands';
import { ComparePanel, compareFailed, comparisonEvent } from '../compare/comparePanel';
import type { HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { requireFolder, requireTrust } from '../trust';
import type { ModelNode } from './modelsTreeNodes';

const ROUTE_ITEMS: (vscode.QuickPickItem & { route: Route })[] = [
  { label: 'rag', description: 'base model + retrieved rules', detail: 'Findings cite the passages they rest on.', route: 'rag' },
  { label: 'fine-tuned', description: 'adapted model, no rules', detail: 'What the adapter learned; findings carry no citation.', route: 'fine-tuned' },
  { label: 'hybrid', description: 'adapted model + retrieved rules', detail: 'The adapter, reminded of the written rules; findings cite them.', route: 'hybrid' },
];

async function workspaceAndConfig(ctx: HouseStyleContext) {
  requireTrust();
  const folder = requireFolder(ctx.workspaceFolder);
  return { folder, workspace: folder.uri.fsPath, config: await ctx.config(folder) };
}

/** A registered version: the tree's node, else the user's pick. */
async function pickVersion(ctx: HouseStyleContext, node: unknown, placeHolder: string): Promise<string | undefined> {
  const fromTree = (node as ModelNode | undefined)?.model;
  if (fromTree) return fromTree;
  const { workspace } = await workspaceAndConfig(ctx);
  const { readRegistry } = await import('../../core/models/registry');
  const registry = await readRegistry(workspace);
  if (registry.models.length === 0) throw new HouseStyleError('No fine-tuned version is registered yet.', 'Train one (House Style: Train Adapter) or import one (House Style: Import Adapter).', 'registry');
  const picked = await vscode.window.showQuickPick(
    registry.models.map((m) => ({ label: m.name, description: `${m.name === registry.active ? 'active · ' : ''}${m.base}` })),
    { placeHolder },
  );
  return picked?.label;
}

/** Model, route and training commands; each refreshes the Models tree when it changed what the tree shows. */
export const modelCommands: Record<string, CommandFactory> = {
  'housestyle.chooseRoute': (ctx, { modelsChanged }) => async () => {
    const { folder, config } = await workspaceAndConfig(ctx);
    const picked = await vscode.window.showQuickPick(
      ROUTE_ITEMS.map((item) => ({ ...item, picked: item.route === config.models.route })),
      { placeHolder: `Which model reviews and answers (now: ${config.models.route})` },
    );
    if (!picked) return;
    await vscode.workspace.getConfiguration('housestyle', folder.uri).update('models.route', picked.route, vscode.ConfigurationTarget.Workspace);
    const { resolveRoute } = await import('../../core/models/route');
    const resolved = await resolveRoute(folder.uri.fsPath, await ctx.config(folder), picked.route);
    ctx.activity.modelChosen(resolved.model, resolved.route);
    modelsChanged();
  },

  'housestyle.useModel': (ctx, { modelsChanged }) => async (node) => {
    const name = await pickVersion(ctx, node, 'The fine-tuned model of the fine-tuned and hybrid routes');
    if (!name) return;
    const { useVersion } = await import('../../core/models/versions');
    await useVersion((await workspaceAndConfig(ctx)).workspace, name);
    modelsChanged();
    void vscode.window.showInformationMessage(`House Style: ${name} is now the fine-tuned model.`);
  },

  'housestyle.removeModel': (ctx, { modelsChanged }) => async (node) => {
    const name = await pickVersion(ctx, node, 'The version to delete from Ollama and the registry');
    if (!name) return;
    const sure = await vscode.window.showWarningMessage(`Delete ${name} from Ollama and from this workspace's registry?`, { modal: true }, 'Delete');
    if (sure !== 'Delete') return;
    const { removeVersion } = await import('../../core/models/versions');
    const { workspace, config } = await workspaceAndConfig(ctx);
    const { OllamaClient } = await import('../../core/models/ollama/client');
    const { active, activeChanged } = await removeVersion(workspace, OllamaClient.fromConfig(config), name);
    modelsChanged();
    if (activeChanged) void vscode.window.showInformationMessage(active ? `House Style: ${active} is now the fine-tuned model.` : 'House Style: no fine-tuned version is left.');
  },

  'housestyle.importAdapter': (ctx, { modelsChanged }) => async () => {
    const { workspace, config } = await workspaceAndConfig(ctx);
    const [adapter] =
      (await vscode.window.showOpenDialog({ title: 'Import a LoRA adapter: a PEFT folder or a .gguf file', canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Import' })) ?? [];
    if (!adapter) return;
    const base = await vscode.window.showInputBox({ title: 'Import Adapter', prompt: 'The Ollama base model it was trained on', value: config.ollama.model, validateInput: (v) => (v.trim() ? undefined : 'Enter a model name.') });
    if (!base) return;
    const [{ importAdapter }, { OllamaClient }] = await Promise.all([import('../../core/models/adapters/importAdapter'), import('../../core/models/ollama/client')]);
    const ollama = OllamaClient.fromConfig(config);
    const result = await withEditorProgress(ctx.activity, { kind: 'importing', label: path.basename(adapter.fsPath) }, { title: 'House Style: importing the adapter into Ollama', describe: (phase) => phase }, (progress, signal) =>
      importAdapter({ workspace, client: ollama, adapter: adapter.fsPath, base: base.trim(), progress, logger: ctx.logger, signal, activity: ctx.activity }),
    );
    modelsChanged();
    const use = await vscode.window.showInformationMessage(`House Style: registered ${result.version.name} on ${result.version.base}.`, 'Use It');
    if (use) await vscode.commands.executeCommand('housestyle.useModel', { model: result.version.name });
  },

  'housestyle.trainAdapter': (ctx, { modelsChanged }) => async () => {
    const { workspace, config } = await workspaceAndConfig(ctx);
    const [dataset] =
      (await vscode.window.showOpenDialog({
        title: 'Train on which dataset? (a folder House Style: Build Fine-Tuning Dataset wrote)',
        defaultUri: vscode.Uri.file(path.join(workspace, '.housestyle', 'datasets')),
        canSelectFiles: false,
        canSelectFolders: true,
        openLabel: 'Train on This Dataset',
      })) ?? [];
    if (!dataset) return;
    const remote = await vscode.window.showInputBox({
      title: 'Train Adapter',
      prompt: 'Where LLaMA-Factory runs: empty for this machine, or HOST:DIR for a GPU machine reached over ssh',
      placeHolder: 'gpu-box:/srv/housestyle',
    });
    if (remote === undefined) return;
    const [{ trainAdapter }, { OllamaClient }] = await Promise.all([import('../../core/models/training/train'), import('../../core/models/ollama/client')]);
    const ollama = OllamaClient.fromConfig(config);
    const result = await withEditorProgress(ctx.activity, { kind: 'training', label: path.basename(dataset.fsPath) }, { title: 'House Style: training a LoRA adapter', describe: (phase, done, total) => (total ? `${phase} ${done}/${total}` : phase) }, (progress, signal) =>
      trainAdapter({ workspace, config, client: ollama, dataset: dataset.fsPath, ...(remote.trim() && { remote: remote.trim() }), progress, logger: ctx.logger, signal, activity: ctx.activity }),
    );
    modelsChanged();
    const use = await vscode.window.showInformationMessage(`House Style: trained and registered ${result.imported.version.name}.`, 'Use It');
    if (use) await vscode.commands.executeCommand('housestyle.useModel', { model: result.imported.version.name });
  },

  'housestyle.compareRoutes': (ctx) => async () => {
    const { workspace, config } = await workspaceAndConfig(ctx);
    const editor = vscode.window.activeTextEditor;
    if (!editor || !vscode.workspace.getWorkspaceFolder(editor.document.uri)) throw new HouseStyleError('No file of this folder is open.', 'Open the file to compare the routes on.', 'usage');
    const { ROUTES, resolveRoute } = await import('../../core/models/route');
    const adapted = await resolveRoute(workspace, config, 'fine-tuned').then(
      (route) => route.model,
      () => undefined,
    );
    const picked = await vscode.window.showQuickPick(
      ROUTES.map((route) => ({ label: route, picked: route === 'rag' || adapted !== undefined })),
      { canPickMany: true, placeHolder: adapted ? 'Routes to compare' : 'Routes to compare (no fine-tuned model yet: train or import one for fine-tuned and hybrid)' },
    );
    if (!picked?.length) return;
    const routes = picked.map((p) => p.label as Route);
    const relative = vscode.workspace.asRelativePath(editor.document.uri, false);
    ComparePanel.show(ctx, { type: 'running', paths: [relative], routes });
    const [{ withSession }, { compareRoutes }, { fileTarget, workspacePath }] = await Promise.all([import('../../core/session'), import('../../core/eval/compare'), import('../../core/review/reviewTarget')]);
    const target = fileTarget(workspacePath(workspace, editor.document.uri.fsPath), editor.document.getText());
    try {
      const comparison = await withEditorProgress(ctx.activity, { kind: 'comparing', label: relative }, { title: `House Style: comparing ${routes.join(', ')}` }, (progress, signal) =>
        withSession(
          { workspace, config, route: routes[0], extensionRoot: ctx.extension.extensionPath, logger: ctx.logger, progress, signal, knowledgeBases: ctx.knowledge, activity: ctx.activity },
          (session) => compareRoutes(session, [target], routes),
        ),
      );
      ComparePanel.show(ctx, comparisonEvent(comparison));
      ctx.logger.info(`Compared ${routes.join(', ')} on ${relative}: ${comparison.summary.join(' ') || 'one route'}`);
    } catch (error) {
      ComparePanel.show(ctx, compareFailed(error));
      throw error;
    }
  },

  'housestyle.advise': (ctx) => async () => {
    const { workspace, config } = await workspaceAndConfig(ctx);
    const [{ advise }, { gatherFacts }, { adviceText }] = await Promise.all([import('../../core/eval/advise'), import('../../core/eval/workspaceFacts'), import('../../core/eval/adviceText')]);
    const advice = await withEditorProgress(ctx.activity, { kind: 'evaluating', label: 'advice' }, { title: 'House Style: measuring this workspace' }, async (_progress, signal) => advise(await gatherFacts(workspace, config, { signal })));
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# RAG, fine-tuned or hybrid?\n\n${adviceText(advice)}` });
    await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => vscode.window.showTextDocument(document));
  },
};
