import * as vscode from 'vscode';
import type { Config } from '../../core/config';
import type { IndexReport } from '../../core/knowledge/indexer';
import type { WorkspaceService } from '../../core/service/workspaceService';
import type { HouseStyleContext } from '../context';
import { pullWithProgress } from '../models/pullModel';

const ASKED_KEY = 'housestyle.embeddingOfferShown';

/**
 * Once per machine: after an index run that fell back to the lexical hashing embedder while Ollama answers
 * without an embedding model, offer to pull the suggested one (all-minilm, 46 MB) and re-index, which turns
 * search semantic. Says nothing when `index.embedder` was chosen explicitly.
 */
export async function offerSemanticSearch(ctx: HouseStyleContext, service: WorkspaceService, config: Config, report: IndexReport, reindex: () => Thenable<unknown>): Promise<void> {
  if (config.index.embedder !== 'auto' || !report.embedder.startsWith('hash') || ctx.extension.globalState.get(ASKED_KEY)) return;
  const status = await service.embeddingStatus();
  if (!status.reachable || status.installed) return;
  await ctx.extension.globalState.update(ASKED_KEY, true);
  const pull = `Pull ${status.suggested} and Re-index`;
  const choice = await vscode.window.showInformationMessage(
    `House Style: search is lexical only. Your Ollama at ${status.host} has no embedding model; ${status.suggested} (about 46 MB) makes it semantic.`,
    pull,
    'Not Now',
  );
  if (choice !== pull) return;
  await pullWithProgress(ctx, service, status.suggested);
  await reindex();
}
