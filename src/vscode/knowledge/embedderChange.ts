import * as vscode from 'vscode';
import type { EmbedderChange } from '../../core/knowledge/indexTable';

export const REBUILD_WITH_HASHING = 'Rebuild with Hashing';
export const FIX_HOST = 'Fix the Host';

/** Questions already answered "keep it" in this window: an index run the user did not start (a review, a save) does not ask again. */
const kept = new Set<string>();

/**
 * Asked before an index loses meaning-based search (core decides when): rebuild with the hashing embedder, or
 * keep the index and fix what made the better embedder unavailable. Closing the question keeps the index.
 */
export async function confirmEmbedderChange(change: EmbedderChange): Promise<boolean> {
  const question = JSON.stringify([change.kb, change.from, change.unreachableHost ?? change.reason]);
  if (!change.requested && kept.has(question)) return false;
  const why = change.unreachableHost ? `Ollama at ${change.unreachableHost} is unreachable` : `${change.from} cannot be used now`;
  const fix = change.unreachableHost ? FIX_HOST : undefined;
  const choice = await vscode.window.showWarningMessage(
    `House Style: ${why}: rebuild the knowledge base "${change.kb}" with the hashing embedder (no meaning-based search)${fix ? ' or fix the host' : ''}?`,
    { modal: true, detail: `It was built with ${change.from}. Keeping it leaves it as it is until that embedder is available again.` },
    REBUILD_WITH_HASHING,
    ...(fix ? [fix] : []),
  );
  if (choice === FIX_HOST) await vscode.commands.executeCommand('workbench.action.openSettings', 'housestyle.ollama.host');
  if (choice !== REBUILD_WITH_HASHING) kept.add(question);
  return choice === REBUILD_WITH_HASHING;
}
