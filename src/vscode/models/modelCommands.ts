import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Route } from '../../core/config';
import { HouseStyleError, isCancellation } from '../../core/errors';
import type { WorkspaceService } from '../../core/service/workspaceService';
import { ROUTES } from '../../core/service/frontEndHelpers';
import type { WorkspaceCommand } from '../command';
import { ComparePanel, compareFailed, comparisonEvent } from '../compare/comparePanel';
import { withEditorProgress } from '../progress';
import { editorText } from '../fixSteps';
import { stepDone } from '../walkthroughSteps';
import type { ModelNode } from './modelsTreeNodes';

const ROUTE_ITEMS: (vscode.QuickPickItem & { route: Route })[] = [
  { label: 'rag', description: 'base model + retrieved rules', detail: 'Findings cite the passages they rest on.', route: 'rag' },
  { label: 'fine-tuned', description: 'adapted model, no rules', detail: 'What the adapter learned; findings carry no citation.', route: 'fine-tuned' },
  { label: 'hybrid', description: 'adapted model + retrieved rules', detail: 'The adapter, reminded of the written rules; findings cite them.', route: 'hybrid' },
];

/**
 * Where the chosen route is written: the user's settings, unless this workspace already sets it (it would
 * win over them), and then only where the user says: the repository's own settings are never edited unasked.
 */
async function routeTarget(folder: vscode.WorkspaceFolder): Promise<vscode.ConfigurationTarget | undefined> {
  const set = vscode.workspace.getConfiguration('housestyle', folder.uri).inspect<string>('models.route');
  const inWorkspace = set?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : set?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : undefined;
  if (inWorkspace === undefined) return vscode.ConfigurationTarget.Global;
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'This workspace', detail: "Changes the route in the workspace's settings (.vscode/settings.json), which set it now", target: inWorkspace },
      { label: 'Only for me', detail: "Your user settings; the workspace's value is removed so that yours applies", target: vscode.ConfigurationTarget.Global },
    ],
    { placeHolder: 'This workspace sets the route in its own settings: where should the new one go?', ignoreFocusOut: true },
  );
  if (choice?.target === vscode.ConfigurationTarget.Global) await vscode.workspace.getConfiguration('housestyle', folder.uri).update('models.route', undefined, inWorkspace);
  return choice?.target;
}

/** Says a version was registered, offering "Use It" only when it is not the active version already. */
async function offerToUse(what: string, name: string, active: boolean): Promise<void> {
  if (active) return void vscode.window.showInformationMessage(`House Style: ${what}; it is the active fine-tuned version.`);
  const use = await vscode.window.showInformationMessage(`House Style: ${what}.`, 'Use It');
  if (use) await vscode.commands.executeCommand('housestyle.useModel', { model: name });
}

/** A registered version: the tree's node, else the user's pick. */
async function pickVersion(service: WorkspaceService, node: unknown, placeHolder: string): Promise<string | undefined> {
  const fromTree = (node as ModelNode | undefined)?.model;
  if (fromTree) return fromTree;
  const registry = await service.registry();
  if (registry.models.length === 0) throw new HouseStyleError('No fine-tuned version is registered yet.', 'Train one (House Style: Train Adapter) or import one (House Style: Import Adapter).', 'registry');
  const picked = await vscode.window.showQuickPick(
    registry.models.map((m) => ({ label: m.name, description: `${m.name === registry.active ? 'active · ' : ''}${m.base}` })),
    { placeHolder },
  );
  return picked?.label;
}

/** Model, route and training commands; each refreshes the Models tree when it changed what the tree shows. */
export const modelCommands: Record<string, WorkspaceCommand> = {
  'housestyle.chooseRoute': {
    needs: 'trust',
    run: (ctx, { modelsChanged }) => async ({ folder, service }) => {
      const config = await service.config();
      const picked = await vscode.window.showQuickPick(
        ROUTE_ITEMS.map((item) => ({ ...item, picked: item.route === config.models.route })),
        { placeHolder: `Which model reviews and answers (now: ${config.models.route})` },
      );
      if (!picked) return;
      // A route without its model is refused before anything is written; its error offers Import and Train.
      await service.route(picked.route);
      const target = await routeTarget(folder);
      if (target === undefined) return;
      await vscode.workspace.getConfiguration('housestyle', folder.uri).update('models.route', picked.route, target);
      modelsChanged();
    },
  },

  'housestyle.useModel': {
    needs: 'trust',
    run: (_ctx, { modelsChanged }) => async ({ service }, node) => {
      const name = await pickVersion(service, node, 'The fine-tuned model of the fine-tuned and hybrid routes');
      if (!name) return;
      const { overriddenBy } = await service.useModel(name);
      modelsChanged();
      if (!overriddenBy) return void vscode.window.showInformationMessage(`House Style: ${name} is now the fine-tuned model.`);
      // The setting wins over the registry: saying "now the fine-tuned model" would be untrue.
      const open = await vscode.window.showWarningMessage(`House Style: ${name} is the active version, but your setting House Style › Models: Fine Tuned names ${overriddenBy}, which the fine-tuned and hybrid routes use.`, 'Open Setting');
      if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'housestyle.models.fineTuned');
    },
  },

  'housestyle.removeModel': {
    needs: 'trust',
    run: (_ctx, { modelsChanged }) => async ({ service }, node) => {
      const name = await pickVersion(service, node, 'The version to delete from Ollama and the registry');
      if (!name) return;
      const sure = await vscode.window.showWarningMessage(`Delete ${name} from Ollama and from this workspace's registry?`, { modal: true }, 'Delete');
      if (sure !== 'Delete') return;
      await service.removeModel(name);
      modelsChanged();
    },
  },

  'housestyle.importAdapter': {
    needs: 'trust',
    run: (ctx, { modelsChanged }) => async ({ service }) => {
      const config = await service.config();
      const [adapter] =
        (await vscode.window.showOpenDialog({ title: 'Import a LoRA adapter: a PEFT folder or a .gguf file', canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Import' })) ?? [];
      if (!adapter) return;
      // The second step of the command: a view that opens meanwhile (a dataset card's preview) must not close it.
      const base = await vscode.window.showInputBox({ title: 'Import Adapter', prompt: 'The Ollama base model it was trained on', value: config.ollama.model, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Enter a model name.') });
      if (!base) return;
      const result = await withEditorProgress(ctx.activity, { kind: 'importing', label: path.basename(adapter.fsPath) }, { title: 'House Style: importing the adapter into Ollama', describe: (phase, _done, _total, detail) => (detail ? `${phase}: ${detail}` : phase) }, (progress, signal) =>
        service.importModel({ adapter: adapter.fsPath, base: base.trim(), progress, signal }),
      );
      modelsChanged();
      stepDone('adapter');
      await offerToUse(`registered ${result.version.name} on ${result.version.base}`, result.version.name, result.active);
    },
  },

  'housestyle.trainAdapter': {
    needs: 'trust',
    run: (ctx, { modelsChanged }) => async ({ folder, service }) => {
      const [dataset] =
        (await vscode.window.showOpenDialog({
          title: 'Train on which dataset? (a folder House Style: Build Fine-Tuning Dataset wrote)',
          defaultUri: vscode.Uri.file(path.join(folder.uri.fsPath, '.housestyle', 'datasets')),
          canSelectFiles: false,
          canSelectFolders: true,
          openLabel: 'Train on This Dataset',
        })) ?? [];
      if (!dataset) return;
      const remote = await vscode.window.showInputBox({
        title: 'Train Adapter',
        prompt: 'Where LLaMA-Factory runs: empty for this machine, or HOST:DIR for a GPU machine reached over ssh',
        placeHolder: 'gpu-box:/srv/housestyle',
        ignoreFocusOut: true,
      });
      if (remote === undefined) return;
      // The user's own settings only: a workspace must never choose what runs on the training host.
      const setup = vscode.workspace.getConfiguration('housestyle').inspect<string>('remoteTraining.setupCommand')?.globalValue?.trim();
      const result = await withEditorProgress(ctx.activity, { kind: 'training', label: path.basename(dataset.fsPath) }, { title: 'House Style: training a LoRA adapter', describe: (phase, done, total) => (total ? `${phase} ${done}/${total}` : phase) }, (progress, signal) =>
        service.train({ dataset: dataset.fsPath, ...(remote.trim() && { remote: remote.trim(), ...(setup && { remoteSetup: setup }) }), progress, signal }),
      ).catch((error: unknown) => {
        // Errors show nothing on Cancel, but a cancelled run still has to say what it saved and how to resume.
        if (isCancellation(error) && error instanceof HouseStyleError && (error.hint || error.fix.length > 0)) void vscode.window.showInformationMessage(`House Style: ${editorText(error)}`);
        throw error;
      });
      modelsChanged();
      stepDone('adapter');
      await offerToUse(`trained and registered ${result.imported.version.name}`, result.imported.version.name, result.active);
    },
  },

  'housestyle.compareRoutes': {
    needs: 'trust',
    run: (ctx, { editors }) => async ({ service }) => {
      const document = await editors.document('compare the routes on');
      if (!vscode.workspace.getWorkspaceFolder(document.uri)) throw new HouseStyleError('No file of this folder is open.', 'Open the file to compare the routes on.', 'usage');
      const adapted = await service.route('fine-tuned').then(
        (route) => route.model,
        () => undefined,
      );
      const picked = await vscode.window.showQuickPick(
        ROUTES.map((route) => ({ label: route, picked: route === 'rag' || adapted !== undefined })),
        // Kept open when focus moves: started from the walkthrough, its page takes focus back and would close the picker.
        { canPickMany: true, ignoreFocusOut: true, placeHolder: adapted ? 'Routes to compare' : 'Routes to compare (no fine-tuned model yet: train or import one for fine-tuned and hybrid)' },
      );
      if (!picked?.length) return;
      const routes = picked.map((p) => p.label as Route);
      const relative = vscode.workspace.asRelativePath(document.uri, false);
      ComparePanel.show(ctx, { type: 'running', paths: [relative], routes });
      const scope = { file: document.uri.fsPath, text: document.getText() };
      try {
        const comparison = await withEditorProgress(ctx.activity, { kind: 'comparing', label: relative }, { title: `House Style: comparing ${routes.join(', ')}` }, (progress, signal) =>
          service.compare({ scope, routes, progress, signal }),
        );
        ComparePanel.show(ctx, comparisonEvent(comparison));
        stepDone('compare');
        ctx.logger.info(`Compared ${routes.join(', ')} on ${relative}: ${comparison.summary.join(' ') || 'one route'}`);
      } catch (error) {
        ComparePanel.show(ctx, compareFailed(error));
        throw error;
      }
    },
  },

  'housestyle.advise': {
    needs: 'trust',
    run: (ctx, { advice: preview }) => async ({ service }) => {
      const advice = await withEditorProgress(ctx.activity, { kind: 'evaluating', label: 'advice' }, { title: 'House Style: measuring this workspace' }, (_progress, signal) => service.advise({ signal }));
      stepDone('compare');
      await preview.show(advice);
    },
  },
};
