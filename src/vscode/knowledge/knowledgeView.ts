import * as vscode from 'vscode';
import { HouseStyleError } from '../../core/errors';
import { editorText } from '../fixSteps';
import { isKnowledgeViewRequest, KNOWLEDGE_VIEW_BODY, type KnowledgeViewEvent, type KnowledgeViewRequest } from '../../protocol/knowledgeView';
import type { HouseStyleContext } from '../context';
import { onValidMessage, webviewHtml, webviewOptions } from '../webview/webviewHtml';
import { openPassage } from './openPassage';

/** The sidebar's knowledge search: a webview that renders passages as sanitized Markdown and opens them on click. */
export class KnowledgeViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'housestyle.knowledge';
  private view?: vscode.WebviewView;

  constructor(private readonly ctx: HouseStyleContext) {
    // The trust notice must not outlive the trust decision.
    ctx.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.post({ type: 'status', text: '' })));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.ctx.extension);
    view.webview.html = webviewHtml(view.webview, this.ctx.extension, {
      name: 'knowledgeView',
      title: 'House Style knowledge',
      body: KNOWLEDGE_VIEW_BODY,
    });
    this.ctx.push(onValidMessage(view.webview, isKnowledgeViewRequest, (message) => this.handle(message)));
  }

  private async handle(message: KnowledgeViewRequest): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          if (!vscode.workspace.isTrusted) this.post({ type: 'status', text: 'Trust this workspace to search its knowledge base.' });
          return;
        case 'search': {
          const { service } = await this.ctx.workspace();
          const results = await service.search(message.query, { k: 10 });
          this.post({ type: 'results', requestId: message.requestId, query: message.query, results: results.map(({ source, startLine, endLine, heading, text, score, page }) => ({ source, startLine, endLine, heading, text, score, ...(page !== undefined && { page }) })) });
          return;
        }
        case 'open':
          await openPassage((await this.ctx.workspace('folder')).folder, message.source, message.startLine, message.endLine, message.page);
          return;
        case 'index':
          await vscode.commands.executeCommand('housestyle.indexWorkspace');
          return;
      }
    } catch (error) {
      const nothingIndexed = error instanceof HouseStyleError && error.code === 'index-missing';
      const text = nothingIndexed ? `${(error as HouseStyleError).message} Press Index to index the workspace.` : editorText(error);
      this.post({ type: 'error', requestId: message.type === 'search' ? message.requestId : undefined, message: text });
      // Said in the view where the search was made; anything else also gets its actions, as everywhere.
      if (!nothingIndexed) await this.ctx.errors.present(error);
    }
  }

  private post(event: KnowledgeViewEvent): void {
    void this.view?.webview.postMessage(event);
  }
}
