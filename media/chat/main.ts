// The chat view's front-end. Questions are the user's; answers come from a model and quoted passages from
// the workspace's documents: both are rendered as sanitized Markdown (no HTML of theirs runs or loads),
// labels and figures as text. The page's CSP allows only this script and its style.
import { MAX_HISTORY, type ChatRoute, type ChatTurn, type ChatViewEvent, type ChatViewRequest, type ChatViewState, type CodeContext } from '../../src/protocol/chatView';
import { renderMarkdown } from '../shared/markdown';
import { element, vscodeApi } from '../shared/dom';
import './style.css';

const vscode = vscodeApi<ChatViewRequest, ChatViewState>();
const log = document.getElementById('log') as HTMLOListElement;
const form = document.getElementById('ask') as HTMLFormElement;
const question = document.getElementById('question') as HTMLTextAreaElement;
const send = document.getElementById('send') as HTMLButtonElement;
const cancel = document.getElementById('cancel') as HTMLButtonElement;
const clear = document.getElementById('clear') as HTMLButtonElement;
const kbPicker = document.getElementById('kb') as HTMLSelectElement;
const routePicker = document.getElementById('route') as HTMLSelectElement;
const contextPicker = document.getElementById('context') as HTMLSelectElement;

const saved = vscode.getState();
const state: ChatViewState = {
  // An answer that was streaming when the view went away will not resume.
  turns: (saved?.turns ?? []).map((turn) => (turn.pending ? { ...turn, pending: false, error: turn.error ?? 'Interrupted: the view was closed while answering.' } : turn)),
  ...(saved?.kb && { kb: saved.kb }),
  ...(saved?.route && { route: saved.route }),
  context: saved?.context ?? 'selection',
};
let requestId = 0;
let optionsReceived = false;
let askWhenReady: (() => void) | undefined;
function sendAsk(): void {
  askWhenReady?.();
  askWhenReady = undefined;
}
let pending: { id: number; turn: ChatTurn } | undefined;

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', 'small', label);
  node.type = 'button';
  node.title = title;
  node.addEventListener('click', onClick);
  return node;
}

/** The answer as Markdown, each code block with Copy and Insert at Cursor. */
function answerBody(text: string): HTMLElement {
  const body = element('div', 'markdown');
  body.append(renderMarkdown(text));
  for (const pre of body.querySelectorAll('pre')) {
    const code = pre.textContent ?? '';
    const tools = element('div', 'code-tools');
    tools.append(button('Copy', 'Copy this code', () => vscode.postMessage({ type: 'copy', code })), button('Insert', 'Insert this code at the cursor', () => vscode.postMessage({ type: 'insert', code })));
    pre.after(tools);
  }
  return body;
}

function turnElement(turn: ChatTurn): HTMLLIElement {
  const item = element('li', 'turn');
  const asked = element('div', 'question', turn.question);
  if (turn.context) asked.append(element('span', 'context', ` (with ${turn.context})`));
  item.append(asked);
  if (turn.answer) item.append(answerBody(turn.answer));
  else if (turn.pending) item.append(element('div', 'waiting', 'Thinking…'));
  if (turn.error) item.append(element('div', 'error', turn.error));
  if (turn.sources.length > 0) {
    const sources = element('ul', 'sources');
    for (const source of turn.sources) {
      const link = element('button', 'source', `${source.source}:${source.startLine}-${source.endLine}${source.heading ? ` — ${source.heading}` : ''}`);
      link.type = 'button';
      link.title = 'Open the passage';
      link.addEventListener('click', () => vscode.postMessage({ type: 'open', source: source.source, startLine: source.startLine, endLine: source.endLine }));
      const entry = element('li', '');
      entry.append(link);
      sources.append(entry);
    }
    item.append(element('div', 'label', 'Sources'), sources);
  } else if (turn.figures && !turn.error) {
    item.append(element('div', 'label', turn.figures.route === 'fine-tuned' ? 'No cited source (fine-tuned route)' : 'No cited source'));
  }
  if (turn.figures) {
    const f = turn.figures;
    const first = f.firstTokenMs === undefined ? '' : `, first token ${(f.firstTokenMs / 1000).toFixed(2)} s`;
    item.append(element('div', 'figures', `${f.model} · ${f.route} · ${(f.wallMs / 1000).toFixed(2)} s${first} · ${f.promptTokens} prompt + ${f.completionTokens} completion tokens`));
  }
  return item;
}

function render(): void {
  log.replaceChildren(...state.turns.map(turnElement));
  log.lastElementChild?.scrollIntoView({ block: 'end' });
  send.hidden = pending !== undefined;
  cancel.hidden = pending === undefined;
  clear.disabled = state.turns.length === 0 || pending !== undefined;
  vscode.setState(state);
}

let frame = 0;
/** Streaming re-renders at most once a frame. */
function renderSoon(): void {
  if (!frame) frame = requestAnimationFrame(() => ((frame = 0), render()));
}

function options(picker: HTMLSelectElement, values: readonly string[], selected: string): void {
  picker.replaceChildren(...values.map((value) => Object.assign(document.createElement('option'), { value, textContent: value, selected: value === selected })));
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = question.value.trim();
  if (!text || pending) return;
  const turn: ChatTurn = { question: text, answer: '', sources: [], pending: true };
  const history = state.turns.filter((t) => t.answer && !t.error).slice(-MAX_HISTORY).map(({ question, answer }) => ({ question, answer }));
  state.turns.push(turn);
  pending = { id: ++requestId, turn };
  question.value = '';
  render();
  const id = pending.id;
  // The pickers are filled by the extension's 'options'; a question asked before they arrive waits for them
  // (sent with empty pickers it would be refused as malformed, and the turn would wait forever).
  askWhenReady = () => vscode.postMessage({ type: 'ask', requestId: id, question: text, context: contextPicker.value as CodeContext, kb: kbPicker.value, route: routePicker.value as ChatRoute, history });
  if (optionsReceived) sendAsk();
});
question.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
cancel.addEventListener('click', () => {
  if (!pending) return;
  if (!askWhenReady) return vscode.postMessage({ type: 'cancel', requestId: pending.id });
  // Not sent yet: nothing runs in the extension to cancel.
  askWhenReady = undefined;
  Object.assign(pending.turn, { error: 'Cancelled.', pending: false });
  pending = undefined;
  render();
});
clear.addEventListener('click', () => {
  state.turns = [];
  render();
});
kbPicker.addEventListener('change', () => ((state.kb = kbPicker.value), vscode.setState(state)));
routePicker.addEventListener('change', () => ((state.route = routePicker.value as ChatRoute), vscode.setState(state)));
contextPicker.addEventListener('change', () => ((state.context = contextPicker.value as CodeContext), vscode.setState(state)));

window.addEventListener('message', (event: MessageEvent<ChatViewEvent>) => {
  const message = event.data;
  switch (message.type) {
    case 'options':
      options(kbPicker, message.knowledgeBases, state.kb && message.knowledgeBases.includes(state.kb) ? state.kb : message.kb);
      options(routePicker, message.routes, state.route && message.routes.includes(state.route) ? state.route : message.route);
      contextPicker.value = state.context ?? 'selection';
      optionsReceived = true;
      sendAsk();
      break;
    case 'token':
      if (pending?.id !== message.requestId) return;
      pending.turn.answer += message.text;
      renderSoon();
      break;
    case 'answer':
      if (pending?.id !== message.requestId) return;
      Object.assign(pending.turn, { answer: message.text, sources: message.sources, figures: message.figures, pending: false, ...(message.context && { context: message.context }) });
      pending = undefined;
      render();
      break;
    case 'error':
      if (message.requestId !== undefined && pending?.id === message.requestId) {
        Object.assign(pending.turn, { error: message.message, pending: false });
        pending = undefined;
      } else if (message.requestId === undefined) {
        state.turns.push({ question: '', answer: '', sources: [], error: message.message });
      }
      render();
      break;
  }
});

render();
vscode.postMessage({ type: 'ready' });
