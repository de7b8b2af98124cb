// The compare panel's front-end. Findings are a model's words and sources a document's: all shown as text
// (textContent), never HTML. The page's CSP allows only this script and its style.
import type { CompareRoute, CompareViewEvent, CompareViewRequest } from '../../src/protocol/compareView';
import { element, vscodeApi } from '../shared/dom';
import './style.css';

const vscode = vscodeApi<CompareViewRequest, CompareViewEvent>();
const root = document.getElementById('compare') as HTMLElement;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function figures(routes: CompareRoute[]): HTMLTableElement {
  const table = element('table', 'figures');
  const rows: [string, (r: CompareRoute) => string][] = [
    ['model', (r) => r.model],
    ['findings', (r) => String(r.findings.length)],
    ['cited passages', (r) => String(new Set(r.findings.flatMap((f) => f.sources.map((s) => `${s.source}:${s.startLine}`))).size)],
    ['total (Ollama)', (r) => seconds(r.latency.totalMs)],
    ['load', (r) => seconds(r.latency.loadMs)],
    ['prompt evaluation', (r) => seconds(r.latency.promptEvalMs)],
    ['generation', (r) => seconds(r.latency.generationMs)],
    ['House Style overhead', (r) => `${Math.round(r.latency.overheadMs)} ms`],
    ['prompt tokens', (r) => String(r.tokens.prompt)],
    ['completion tokens', (r) => String(r.tokens.completion)],
    ['model calls', (r) => String(r.calls)],
  ];
  const head = element('tr', '');
  head.append(element('th', ''), ...routes.map((r) => element('th', '', r.route)));
  table.append(head);
  for (const [label, value] of rows) {
    const row = element('tr', '');
    row.append(element('th', '', label), ...routes.map((r) => element('td', '', value(r))));
    table.append(row);
  }
  return table;
}

function column(route: CompareRoute): HTMLElement {
  const section = element('section', 'route');
  section.append(element('h2', '', `${route.route} · ${route.model}`));
  if (route.findings.length === 0) section.append(element('p', 'status', 'No findings.'));
  for (const finding of route.findings) {
    const card = element('div', `finding ${finding.severity}`);
    card.append(element('div', 'where', `${finding.path}:${finding.startLine}${finding.endLine > finding.startLine ? `-${finding.endLine}` : ''} · ${finding.severity} · ${finding.rule}`));
    card.append(element('div', 'message', finding.message));
    if (finding.sources.length === 0) card.append(element('div', 'status', 'No cited source'));
    for (const source of finding.sources) {
      const link = element('button', 'source', `${source.source}:${source.startLine}-${source.endLine}${source.heading ? ` — ${source.heading}` : ''}`);
      link.type = 'button';
      link.addEventListener('click', () => vscode.postMessage({ type: 'open', source: source.source, startLine: source.startLine, endLine: source.endLine }));
      card.append(link);
    }
    section.append(card);
  }
  return section;
}

function render(event: CompareViewEvent): void {
  switch (event.type) {
    case 'running':
      root.replaceChildren(element('p', 'status', `Reviewing ${event.paths.join(', ')} under ${event.routes.join(', ')}…`));
      return;
    case 'error':
      root.replaceChildren(element('p', 'error', event.message));
      return;
    case 'comparison': {
      const summary = element('ul', 'summary');
      summary.append(...event.summary.map((line) => element('li', '', line)));
      const columns = element('div', 'columns');
      columns.append(...event.routes.map(column));
      root.replaceChildren(element('h1', '', `Routes compared on ${event.paths.join(', ')}`), summary, figures(event.routes), columns);
      vscode.setState(event);
    }
  }
}

window.addEventListener('message', (message: MessageEvent<CompareViewEvent>) => render(message.data));
const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
