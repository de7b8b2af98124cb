// The chat view's front-end. Questions are the user's; answers come from a model and quoted passages from
// the workspace's documents: both are rendered as sanitized Markdown (no HTML of theirs runs or loads),
// labels and figures as text. The page's CSP allows only this script and its style.
import { MAX_HISTORY, type ChatRoute, type ChatTurn, type ChatViewEvent, type ChatViewRequest, type ChatViewState, type CodeContext } from '../../src/protocol/chatView';
import { renderMarkdown } from '../shared/markdown';
import { element, enableForm, vscodeApi } from '../shared/dom';
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
const status = document.getElementById('status') as HTMLDivElement;

const saved = vscode.getState();
// The page is usable before this script has loaded: a code choice made in that moment wins over the saved one.
const chosenEarly = contextPicker.selectedIndex > 0;
const state: ChatViewState = {
  // An answer that was streaming when the view went away will not resume.
  turns: (saved?.turns ?? []).map((turn) => (turn.pending ? { ...turn, pending: false, error: turn.error ?? 'Interrupted: the view was closed while answering.' } : turn)),
  ...(saved?.kb && { kb: saved.kb }),
  ...(saved?.route && { route: saved.route }),
  ...(saved?.offeredRoute && { offeredRoute: saved.offeredRoute }),
  context: chosenEarly ? (contextPicker.value as CodeContext) : (saved?.context ?? 'selection'),
};
contextPicker.value = state.context!;
let requestId = 0;
let optionsReceived = false;
let askWhenReady: (() => void) | undefined;
function sendAsk(): void {
  askWhenReady?.();
  askWhenReady = undefined;
}
let pending: { id: number; turn: ChatTurn } | undefined;
/** One element per turn, so a streaming answer re-renders only itself (focus and selection elsewhere stay put). */
const items: HTMLLIElement[] = [];

/** How long a Copy button says "Copied". */
const COPIED_MS = 1500;
/** Within this distance of the end, the conversation counts as scrolled to the bottom. */
const BOTTOM_SLACK_PX = 8;

/** Says `text` to screen readers (the status region is polite and visually hidden), then clears it so a repeat is said again. */
function announce(text: string): void {
  status.textContent = text;
  setTimeout(() => {
    if (status.textContent === text) status.textContent = '';
  }, COPIED_MS);
}

function button(label: string, title: string, onClick: (node: HTMLButtonElement) => void): HTMLButtonElement {
  const node = element('button', 'small', label);
  node.type = 'button';
  node.title = title;
  node.tabIndex = -1; // the history is one Tab stop (see the roving focus below)
  node.addEventListener('click', () => onClick(node));
  return node;
}

/** The answer as Markdown, each code block with Copy and Insert at Cursor. */
function answerBody(text: string): HTMLElement {
  const body = element('div', 'markdown');
  body.append(renderMarkdown(text));
  for (const pre of body.querySelectorAll('pre')) {
    const code = pre.textContent ?? '';
    const tools = element('div', 'code-tools');
    const copy = button('Copy', 'Copy this code', (node) => {
      vscode.postMessage({ type: 'copy', code });
      node.textContent = 'Copied';
      announce('Copied to the clipboard');
      setTimeout(() => (node.textContent = 'Copy'), COPIED_MS);
    });
    tools.append(copy, button('Insert', 'Insert this code at the cursor', () => vscode.postMessage({ type: 'insert', code })));
    pre.after(tools);
  }
  return body;
}

function turnElement(turn: ChatTurn): HTMLLIElement {
  const item = element('li', 'turn');
  const asked = element('div', 'question', turn.question);
  if (turn.context) asked.append(element('span', 'context', ` (${turn.context})`));
  item.append(asked);
  if (turn.answer) item.append(answerBody(turn.answer));
  else if (turn.pending) item.append(element('div', 'waiting', 'Thinking…'));
  if (turn.error) item.append(element('div', 'error', turn.error));
  if (turn.sources.length > 0) {
    const sources = element('ul', 'sources');
    for (const source of turn.sources) {
      const link = button(`${source.source}:${source.startLine}-${source.endLine}${source.heading ? ` — ${source.heading}` : ''}`, 'Open the passage', () =>
        vscode.postMessage({ type: 'open', source: source.source, startLine: source.startLine, endLine: source.endLine }),
      );
      link.className = 'source';
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

// Following: the newest text stays in view while it arrives, until the user scrolls up to read; scrolling back to
// the bottom follows again (as Copilot Chat and Continue do).
let following = true;
const atBottom = (): boolean => log.scrollHeight - log.scrollTop - log.clientHeight <= BOTTOM_SLACK_PX;
log.addEventListener('scroll', () => (following = atBottom()));
function keepNewestInView(): void {
  if (following) log.scrollTop = log.scrollHeight;
}
// The question box can be resized, which shrinks the conversation from below.
new ResizeObserver(keepNewestInView).observe(log);

// Roving focus: the history's buttons (sources, Copy, Insert) are one Tab stop; the arrow keys, Home and End move
// between them, so Tab from the history reaches the question box at once.
let current: HTMLButtonElement | undefined;
const historyButtons = (): HTMLButtonElement[] => [...log.querySelectorAll('button')];
function updateRoving(): void {
  const buttons = historyButtons();
  if (!current?.isConnected) current = buttons.at(-1);
  for (const node of buttons) node.tabIndex = node === current ? 0 : -1;
}
log.addEventListener('focusin', (event) => {
  if (event.target instanceof HTMLButtonElement) ((current = event.target), updateRoving());
});
log.addEventListener('keydown', (event) => {
  const buttons = historyButtons();
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const moves: Record<string, number> = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 };
  const next = moves[event.key];
  if (at < 0 || next === undefined) return;
  event.preventDefault();
  buttons[Math.max(0, Math.min(buttons.length - 1, next))]?.focus();
});

/** Re-renders one turn (all of them without an index), then the controls that depend on the conversation. */
function render(index?: number): void {
  if (index === undefined) {
    items.length = 0;
    log.replaceChildren();
  }
  for (const at of index === undefined ? state.turns.keys() : [index]) {
    const node = turnElement(state.turns[at]!);
    if (items[at]) items[at].replaceWith(node);
    else log.append(node);
    items[at] = node;
  }
  updateRoving();
  keepNewestInView();
  log.setAttribute('aria-busy', String(pending !== undefined)); // a streaming answer is announced once, complete
  send.hidden = pending !== undefined;
  cancel.hidden = pending === undefined;
  clear.disabled = state.turns.length === 0 || pending !== undefined;
  vscode.setState(state);
}

let frame = 0;
/** Streaming re-renders the pending turn at most once a frame. */
function renderSoon(): void {
  if (!frame)
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (pending) render(state.turns.indexOf(pending.turn));
    });
}

function finish(update: Partial<ChatTurn>): void {
  const index = state.turns.indexOf(pending!.turn);
  Object.assign(pending!.turn, update, { pending: false });
  pending = undefined;
  render(index);
}

function options(picker: HTMLSelectElement, values: readonly string[], selected: string): void {
  picker.replaceChildren(...values.map((value) => Object.assign(document.createElement('option'), { value, textContent: value, selected: value === selected })));
}

function cancelAnswer(): void {
  if (!pending) return;
  if (!askWhenReady) return vscode.postMessage({ type: 'cancel', requestId: pending.id });
  // Not sent yet: nothing runs in the extension to cancel.
  askWhenReady = undefined;
  finish({ error: 'Cancelled.' });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = question.value.trim();
  if (!text || pending) return;
  const turn: ChatTurn = { question: text, answer: '', sources: [], pending: true };
  const history = state.turns.filter((t) => t.answer && !t.error).slice(-MAX_HISTORY).map(({ question, answer }) => ({ question, answer }));
  const context = contextPicker.value as CodeContext; // as chosen now, whenever the question goes out
  state.turns.push(turn);
  pending = { id: ++requestId, turn };
  question.value = '';
  following = true; // a new question brings the conversation back to its end
  render(state.turns.length - 1);
  const id = pending.id;
  // The pickers are filled by the extension's 'options'; a question asked before they arrive waits for them
  // (sent with empty pickers it would be refused as malformed, and the turn would wait forever).
  askWhenReady = () => vscode.postMessage({ type: 'ask', requestId: id, question: text, context, kb: kbPicker.value, route: routePicker.value as ChatRoute, history });
  if (optionsReceived) sendAsk();
});
question.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
// Escape stops a running answer from anywhere in the view, as in Copilot Chat.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && pending) {
    event.preventDefault();
    cancelAnswer();
  }
});
cancel.addEventListener('click', cancelAnswer);
clear.addEventListener('click', () => {
  state.turns = [];
  render();
  question.focus(); // the button is disabled now, which would leave the keyboard nowhere
});
kbPicker.addEventListener('change', () => ((state.kb = kbPicker.value), vscode.setState(state)));
routePicker.addEventListener('change', () => ((state.route = routePicker.value as ChatRoute), vscode.setState(state)));
contextPicker.addEventListener('change', () => ((state.context = contextPicker.value as CodeContext), vscode.setState(state)));

// A click on the view's title or a focus command focuses this page's window: the keyboard belongs in the question
// box then, unless it is already on something in the page. (Open Chat always moves it there: the 'focus' message.)
function focusQuestion(): void {
  if (document.activeElement === document.body || document.activeElement === null) question.focus();
}
window.addEventListener('focus', focusQuestion);

window.addEventListener('message', (event: MessageEvent<ChatViewEvent>) => {
  const message = event.data;
  switch (message.type) {
    case 'options':
      options(kbPicker, message.knowledgeBases, state.kb && message.knowledgeBases.includes(state.kb) ? state.kb : message.kb);
      // A route chosen elsewhere since (Choose Route, the Models view) replaces the one picked here: one current route.
      if (state.offeredRoute !== undefined && state.offeredRoute !== message.route) delete state.route;
      state.offeredRoute = message.route;
      vscode.setState(state);
      options(routePicker, message.routes, state.route && message.routes.includes(state.route) ? state.route : message.route);
      optionsReceived = true;
      sendAsk();
      break;
    case 'focus':
      question.focus();
      break;
    case 'token':
      if (pending?.id !== message.requestId) return;
      pending.turn.answer += message.text;
      renderSoon();
      break;
    case 'answer':
      if (pending?.id !== message.requestId) return;
      finish({ answer: message.text, sources: message.sources, figures: message.figures, ...(message.context && { context: message.context }) });
      break;
    case 'error':
      if (message.requestId === undefined) {
        state.turns.push({ question: '', answer: '', sources: [], error: message.message });
        render(state.turns.length - 1);
      } else if (pending?.id === message.requestId) {
        finish({ error: message.message, ...(message.context && { context: message.context }) });
      }
      break;
  }
});

render();
enableForm(form);
if (document.hasFocus()) focusQuestion();
vscode.postMessage({ type: 'ready' });
