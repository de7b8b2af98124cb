import * as vscode from 'vscode';
import type { HouseStyleContext } from './context';
import { buildDatasetCommand } from './buildDatasetCommand';
import { fetchReviewCommentsCommand } from './fetchReviewCommentsCommand';
import { ChatViewProvider } from './chat/chatView';
import { checkOllama } from './models/checkOllama';
import { modelCommands } from './models/modelCommands';
import { pullModel } from './models/pullModel';
import { CHECK_OLLAMA_COMMAND, SHOW_LOG_COMMAND } from './statusText';
import { indexWorkspace } from './knowledge/indexWorkspace';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';
import type { FindingsStore } from './review/findingsStore';
import { reviewCommands } from './review/reviewCommands';
import type { ReviewRunner } from './review/reviewRunner';

/** The editor parts that commands act on, made and wired in extension.ts. */
export interface EditorParts {
  findings: FindingsStore;
  reviews: ReviewRunner;
  /** Tells the Models tree that versions, the route or Ollama's models changed. */
  modelsChanged: () => void;
}

/** A command is a factory: it receives the shared context and the editor parts, and returns the handler. */
export type CommandFactory = (ctx: HouseStyleContext, parts: EditorParts) => (...args: unknown[]) => unknown;

const commands: Record<string, CommandFactory> = {
  // From the Knowledge tree the command receives the base's node; from the palette, nothing (the review base).
  'housestyle.indexWorkspace': (ctx) => (node) => indexWorkspace(ctx, (node as { kb?: string } | undefined)?.kb),
  'housestyle.rebuildIndex': (ctx) => (node) => indexWorkspace(ctx, (node as { kb?: string } | undefined)?.kb, true),
  [SHOW_LOG_COMMAND]: (ctx) => () => ctx.output.show(),
  [CHECK_OLLAMA_COMMAND]: (ctx) => () => checkOllama(ctx),
  'housestyle.refreshModels': (_ctx, { modelsChanged }) => () => modelsChanged(),
  'housestyle.pullModel': (ctx) => () => pullModel(ctx),
  'housestyle.searchKnowledge': () => () => vscode.commands.executeCommand(`${KnowledgeViewProvider.viewType}.focus`),
  'housestyle.openChat': () => () => vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`),
  ...reviewCommands,
  ...modelCommands,
  'housestyle.buildDataset': buildDatasetCommand,
  'housestyle.fetchReviewComments': fetchReviewCommentsCommand,
};

export function registerCommands(ctx: HouseStyleContext, parts: EditorParts): void {
  for (const [id, factory] of Object.entries(commands)) {
    const handler = factory(ctx, parts);
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
