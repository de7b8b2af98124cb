// The knowledge view's front-end. Passages come from the workspace's documents: they are rendered as
// sanitized Markdown (no HTML of theirs runs), labels as text; the page's CSP allows only this script and its style.
import type { KnowledgeViewEvent, KnowledgeViewRequest, KnowledgeViewState, PassageView } from '../../src/protocol/knowledgeView';
import { renderMarkdown } from '../shared/markdown';
import { element, enableForm, vscodeApi } from '../shared/dom';
import './style.css';

const vscode = vscodeApi<KnowledgeViewRequest, KnowledgeViewState>();
const form = document.getElementById('search') as HTMLFormElement;
const input = document.getElementById('query') as HTMLInputElement;
const status = document.getElementById('status') as HTMLElement;
const list = document.getElementById('results') as HTMLOListElement;
const indexButton = document.getElementById('index') as HTMLButtonElement;
let requestId = 0;

function render(query: string, results: PassageView[]): void {
  list.replaceChildren(
    ...results.map((result) => {
      const item = element('li', 'result');
      const link = element('button', 'location', `${result.source}${result.page === undefined ? '' : ` (page ${result.page})`}:${result.startLine}-${result.endLine}`);
      link.title = 'Open the passage';
      link.addEventListener('click', () => vscode.postMessage({ type: 'open', source: result.source, startLine: result.startLine, endLine: result.endLine, ...(result.page !== undefined && { page: result.page }) }));
      item.append(link);
      if (result.heading) item.append(element('div', 'heading', result.heading));
      const text = element('div', 'text');
      text.append(renderMarkdown(result.text));
      item.append(text);
      return item;
    }),
  );
  status.textContent = query ? (results.length ? `${results.length} passages for “${query}”` : `Nothing found for “${query}”.`) : '';
  vscode.setState({ query, results });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const query = input.value.trim();
  if (!query) return;
  status.textContent = 'Searching…';
  vscode.postMessage({ type: 'search', requestId: ++requestId, query });
});
indexButton.addEventListener('click', () => vscode.postMessage({ type: 'index' }));

window.addEventListener('message', (event: MessageEvent<KnowledgeViewEvent>) => {
  const message = event.data;
  switch (message.type) {
    case 'results':
      if (message.requestId === requestId) render(message.query, message.results);
      break;
    case 'error':
      if (message.requestId === undefined || message.requestId === requestId) status.textContent = message.message;
      break;
    case 'status':
      status.textContent = message.text;
      break;
  }
});

const saved = vscode.getState();
if (saved) {
  input.value = saved.query;
  render(saved.query, saved.results);
}
enableForm(form);
vscode.postMessage({ type: 'ready' });
