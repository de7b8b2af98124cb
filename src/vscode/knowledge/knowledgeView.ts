import * as vscode from 'vscode';
import { describeError, HouseStyleError } from '../../core/errors';
import { isKnowledgeViewRequest, type KnowledgeViewEvent, type KnowledgeViewRequest } from '../../protocol/knowledgeView';
import type { HouseStyleContext } from '../context';
import { requireFolder, requireTrust } from '../trust';
import { openPassage } from './openPassage';

/** The sidebar's knowledge search: a webview that shows passages as text and opens them on click. */
export class KnowledgeViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'housestyle.knowledge';
  private view?: vscode.WebviewView;

  constructor(private readonly ctx: HouseStyleContext) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((message: unknown) => {
      if (isKnowledgeViewRequest(message)) void this.handle(message);
    });
  }

  private async handle(message: KnowledgeViewRequest): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          if (!vscode.workspace.isTrusted) this.post({ type: 'status', text: 'Trust this workspace to search its knowledge base.' });
          return;
        case 'search': {
          requireTrust();
          const folder = requireFolder(this.ctx.workspaceFolder);
          const kb = await this.ctx.knowledge.get(folder, await this.ctx.config(folder));
          const results = await kb.search(message.query, { k: 10 });
          this.post({ type: 'results', requestId: message.requestId, query: message.query, results: results.map(({ source, startLine, endLine, heading, text, score }) => ({ source, startLine, endLine, heading, text, score })) });
          return;
        }
        case 'open':
          await openPassage(requireFolder(this.ctx.workspaceFolder), message.source, message.startLine, message.endLine);
          return;
        case 'index':
          await vscode.commands.executeCommand('housestyle.indexWorkspace');
          return;
      }
    } catch (error) {
      const text = error instanceof HouseStyleError && error.code === 'index-missing' ? 'Nothing indexed yet: press Index to index the workspace.' : describeError(error);
      this.post({ type: 'error', requestId: message.type === 'search' ? message.requestId : undefined, message: text });
    }
  }

  private post(event: KnowledgeViewEvent): void {
    void this.view?.webview.postMessage(event);
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'knowledgeView.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'knowledgeView.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>House Style knowledge</title>
</head>
<body>
<form id="search"><input id="query" type="search" placeholder="Search your style guides" aria-label="Search your style guides"><button type="submit">Search</button></form>
<div id="status" role="status"></div>
<ol id="results"></ol>
<p><button id="index" type="button">Index workspace</button></p>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}
