/**
 * Messages between the knowledge view's webview (media/knowledgeView) and the extension
 * (src/vscode/knowledge/knowledgeView.ts). Both sides import these types, so a renamed field
 * fails the build rather than the user; the page the script runs in (`KNOWLEDGE_VIEW_BODY`) is here too,
 * beside the element ids the script looks up.
 */
import type { Passage } from '../core/knowledge/passage';

/**
 * The page the view's script runs in. Its controls are disabled until the script enables them (`enableForm`):
 * a search submitted before the script has attached its handlers would navigate the webview away.
 */
export const KNOWLEDGE_VIEW_BODY = `<form id="search"><fieldset disabled><input id="query" type="search" placeholder="Search your style guides" aria-label="Search your style guides"><button type="submit">Search</button></fieldset></form>
<div id="status" role="status"></div>
<ol id="results"></ol>
<p><button id="index" type="button">Index workspace</button></p>`;

export type PassageView = Pick<Passage, 'source' | 'startLine' | 'endLine' | 'heading' | 'text' | 'score' | 'page'>;

/** From the webview to the extension. */
export type KnowledgeViewRequest =
  | { type: 'ready' }
  | { type: 'search'; requestId: number; query: string }
  | { type: 'open'; source: string; startLine: number; endLine: number; page?: number }
  | { type: 'index' };

/** From the extension to the webview. */
export type KnowledgeViewEvent =
  | { type: 'results'; requestId: number; query: string; results: PassageView[] }
  | { type: 'error'; requestId?: number; message: string }
  | { type: 'status'; text: string };

/** What the webview keeps across reloads with getState/setState. */
export interface KnowledgeViewState {
  query: string;
  results: PassageView[];
}

const requestTypes = new Set(['ready', 'search', 'open', 'index']);

/** Messages from a webview are untrusted input: accept only well-formed requests. */
export function isKnowledgeViewRequest(value: unknown): value is KnowledgeViewRequest {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string' || !requestTypes.has(message.type)) return false;
  switch (message.type) {
    case 'search':
      return typeof message.requestId === 'number' && typeof message.query === 'string' && message.query.length <= 2000;
    case 'open':
      return typeof message.source === 'string' && Number.isInteger(message.startLine) && Number.isInteger(message.endLine) && (message.page === undefined || (Number.isInteger(message.page) && (message.page as number) >= 1));
    default:
      return true;
  }
}
