/**
 * Messages between the chat view's webview (media/chat) and the extension (src/vscode/chat/chatView.ts).
 * Both sides import these types, so a renamed field fails the build rather than the user; the page the script
 * runs in (`CHAT_VIEW_BODY`) is here too, beside the element ids the script looks up.
 */
import type { Passage } from '../core/knowledge/passage';

/**
 * The page the view's script runs in. Its controls are disabled until the script enables them (`enableForm`):
 * a question sent before the script has attached its handlers would navigate the webview away.
 */
export const CHAT_VIEW_BODY = `<ol id="log" aria-live="polite" aria-label="Conversation"></ol>
<div id="status" class="visually-hidden" role="status"></div>
<form id="ask"><fieldset disabled>
<textarea id="question" rows="3" placeholder="Ask about your team's rules (Enter to send, Shift+Enter for a new line)" aria-label="Question"></textarea>
<div class="row">
<select id="kb" title="Knowledge base" aria-label="Knowledge base"></select>
<select id="route" title="Route: rag (base model + rules), fine-tuned (adapted model), hybrid (adapted model + rules)" aria-label="Route"></select>
<select id="context" title="Code sent with the question" aria-label="Code sent with the question"><option value="selection">with selection</option><option value="file">with file</option><option value="none">no code</option></select>
<button id="send" type="submit">Ask</button><button id="cancel" type="button" hidden>Cancel</button><button id="clear" type="button" title="Clear the conversation">Clear</button>
</div>
</fieldset></form>`;

export type ChatRoute = 'rag' | 'fine-tuned' | 'hybrid';
export type CodeContext = 'none' | 'file' | 'selection';

/** A passage an answer cites, as the view links to it. */
export type ChatSource = Pick<Passage, 'source' | 'startLine' | 'endLine' | 'heading'>;

export interface ChatFigures {
  model: string;
  route: ChatRoute;
  /** Measured around the whole answer, retrieval included. */
  wallMs: number;
  /** Until the first token arrived. */
  firstTokenMs?: number;
  promptTokens: number;
  completionTokens: number;
}

/** From the webview to the extension. */
export type ChatViewRequest =
  | { type: 'ready' }
  | { type: 'ask'; requestId: number; question: string; context: CodeContext; kb: string; route: ChatRoute; history: ChatExchange[] }
  | { type: 'cancel'; requestId: number }
  | { type: 'open'; source: string; startLine: number; endLine: number }
  | { type: 'insert'; code: string }
  | { type: 'copy'; code: string };

/** From the extension to the webview. */
export type ChatViewEvent =
  | { type: 'options'; knowledgeBases: string[]; kb: string; routes: ChatRoute[]; route: ChatRoute }
  /** Open Chat: the caret goes to the question box, wherever the keyboard was in the view. */
  | { type: 'focus' }
  | { type: 'token'; requestId: number; text: string }
  | { type: 'answer'; requestId: number; text: string; sources: ChatSource[]; figures: ChatFigures; context?: string }
  | { type: 'error'; requestId?: number; message: string; context?: string };

/** An earlier question and its answer, sent with a follow-up so the model sees the conversation. */
export interface ChatExchange {
  question: string;
  answer: string;
}

export interface ChatTurn {
  question: string;
  /** What code went with the question, as the turn says it: "with src/app.ts:10-20", "no code: nothing is selected in src/app.ts". */
  context?: string;
  answer: string;
  sources: ChatSource[];
  figures?: ChatFigures;
  error?: string;
  /** Still streaming when the view was hidden: shown as interrupted on restore. */
  pending?: boolean;
}

/** What the webview keeps across reloads with getState/setState. */
export interface ChatViewState {
  turns: ChatTurn[];
  kb?: string;
  /** The route picked in this view; it gives way when the workspace's current route changes. */
  route?: ChatRoute;
  /** The current route the extension last offered, to notice it changing (Choose Route, the Models view). */
  offeredRoute?: ChatRoute;
  context?: CodeContext;
}

export const CHAT_ROUTES: readonly ChatRoute[] = ['rag', 'fine-tuned', 'hybrid'];
const CONTEXTS: readonly CodeContext[] = ['none', 'file', 'selection'];
const MAX_QUESTION = 8000;
const MAX_CODE = 200_000;
/** Earlier exchanges sent with a question: enough for follow-ups, bounded so a long chat cannot flood the prompt. */
export const MAX_HISTORY = 6;

function isExchange(value: unknown): value is ChatExchange {
  const e = value as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && typeof e.question === 'string' && typeof e.answer === 'string' && e.question.length <= MAX_QUESTION && e.answer.length <= MAX_CODE;
}

/** Messages from a webview are untrusted input: accept only well-formed requests. */
export function isChatViewRequest(value: unknown): value is ChatViewRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'ask':
      return (
        Number.isInteger(m.requestId) &&
        typeof m.question === 'string' &&
        m.question.trim().length > 0 &&
        m.question.length <= MAX_QUESTION &&
        CONTEXTS.includes(m.context as CodeContext) &&
        typeof m.kb === 'string' &&
        /^[a-z][a-z0-9_-]{0,63}$/.test(m.kb) &&
        CHAT_ROUTES.includes(m.route as ChatRoute) &&
        Array.isArray(m.history) &&
        m.history.length <= MAX_HISTORY &&
        m.history.every(isExchange)
      );
    case 'cancel':
      return Number.isInteger(m.requestId);
    case 'open':
      return typeof m.source === 'string' && Number.isInteger(m.startLine) && Number.isInteger(m.endLine) && (m.startLine as number) >= 1 && (m.endLine as number) >= (m.startLine as number);
    case 'insert':
    case 'copy':
      return typeof m.code === 'string' && m.code.length <= MAX_CODE;
    default:
      return false;
  }
}
