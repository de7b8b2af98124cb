import * as vscode from 'vscode';
import type { CommandFactory, EditorParts, WorkspaceCommand } from './command';
import type { HouseStyleContext } from './context';
import { buildDatasetCommand } from './buildDatasetCommand';
import { fetchReviewCommentsCommand } from './fetchReviewCommentsCommand';
import { checkOllama } from './models/checkOllama';
import { modelCommands } from './models/modelCommands';
import { pullModel } from './models/pullModel';
import { CHECK_OLLAMA_COMMAND, SHOW_LOG_COMMAND } from './statusText';
import { indexWorkspace } from './knowledge/indexWorkspace';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';
import { reviewChangesCommand, reviewCommands } from './review/reviewCommands';

/** Commands that need no folder (or find theirs, as reviews do from the document). */
const editorCommands: Record<string, CommandFactory> = {
  [SHOW_LOG_COMMAND]: (ctx) => () => ctx.output.show(),
  'housestyle.refreshModels': (_ctx, { modelsChanged }) => () => modelsChanged(),
  'housestyle.searchKnowledge': () => () => vscode.commands.executeCommand(`${KnowledgeViewProvider.viewType}.focus`),
  'housestyle.openChat': (_ctx, { openChat }) => () => openChat(),
  ...reviewCommands,
};

/** Commands on the open folder: what each needs is checked once, at registration, not in the handler. */
const workspaceCommands: Record<string, WorkspaceCommand> = {
  // From the Knowledge tree the command receives the base's node; from the palette, nothing (the review base).
  'housestyle.indexWorkspace': { needs: 'trust', run: (ctx) => (workspace, node) => indexWorkspace(ctx, workspace, (node as { kb?: string } | undefined)?.kb) },
  'housestyle.rebuildIndex': { needs: 'trust', run: (ctx) => (workspace, node) => indexWorkspace(ctx, workspace, (node as { kb?: string } | undefined)?.kb, true) },
  [CHECK_OLLAMA_COMMAND]: { needs: 'folder', run: (ctx) => (workspace) => checkOllama(ctx, workspace) },
  'housestyle.pullModel': { needs: 'folder', run: (ctx) => (workspace) => pullModel(ctx, workspace) },
  'housestyle.reviewChanges': reviewChangesCommand,
  ...modelCommands,
  'housestyle.buildDataset': buildDatasetCommand,
  'housestyle.fetchReviewComments': fetchReviewCommentsCommand,
};

export function registerCommands(ctx: HouseStyleContext, parts: EditorParts): void {
  const checked = Object.entries(workspaceCommands).map(([id, { needs, run }]): [string, ReturnType<CommandFactory>] => {
    const handler = run(ctx, parts);
    return [id, async (...args) => handler(await ctx.workspace(needs), ...args)];
  });
  const handlers = [...Object.entries(editorCommands).map(([id, factory]): [string, ReturnType<CommandFactory>] => [id, factory(ctx, parts)]), ...checked];
  for (const [id, handler] of handlers) {
    ctx.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          await ctx.errors.present(error);
          return undefined;
        }
      }),
    );
  }
}
