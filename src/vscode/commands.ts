import * as vscode from 'vscode';
import type { HouseStyleContext } from './context';
import { describeError, HouseStyleError } from '../core/errors';
import { indexWorkspace } from './knowledge/indexWorkspace';
import { KnowledgeViewProvider } from './knowledge/knowledgeView';
import { reviewCommands } from './review/reviewCommands';
import { buildDatasetCommand } from './buildDatasetCommand';

/** A command is a factory: it receives the shared context and returns the handler. */
export type CommandFactory = (ctx: HouseStyleContext) => (...args: unknown[]) => unknown;

const commands: Record<string, CommandFactory> = {
  'housestyle.indexWorkspace': (ctx) => () => indexWorkspace(ctx),
  'housestyle.searchKnowledge': () => () => vscode.commands.executeCommand(`${KnowledgeViewProvider.viewType}.focus`),
  ...reviewCommands,
  'housestyle.buildDataset': buildDatasetCommand,
};

export function registerCommands(ctx: HouseStyleContext): void {
  for (const [id, factory] of Object.entries(commands)) {
    const handler = factory(ctx);
    ctx.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          if (error instanceof HouseStyleError && error.code === 'cancelled') return;
          // One clear message; the stack goes to the output channel, never to the user's face.
          ctx.output.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
          void vscode.window.showErrorMessage(`House Style: ${describeError(error)}`);
        }
      }),
    );
  }
}
