import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import { editorText } from '../fixSteps';
import { chosenCode, isOutside, type OpenFile } from '../../core/service/frontEndHelpers';
import type { ChatMessage } from '../../core/models/chatModel';
import { CHAT_ROUTES, CHAT_VIEW_BODY, isChatViewRequest, type ChatExchange, type ChatViewEvent, type ChatViewRequest } from '../../protocol/chatView';
import type { HouseStyleContext } from '../context';
import { openPassage } from '../knowledge/openPassage';
import { selectedLines } from '../selectedLines';
import { onValidMessage, webviewHtml, webviewOptions } from '../webview/webviewHtml';

/**
 * The sidebar chat: questions about the team's rules (and the open file or selection) answered by the core's
 * `askQuestion` from retrieved passages, streamed into the webview, with the cited passages as links.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'housestyle.chat';
  private view?: vscode.WebviewView;
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly ctx: HouseStyleContext) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.ctx.extension);
    view.webview.html = webviewHtml(view.webview, this.ctx.extension, {
      name: 'chat',
      title: 'House Style chat',
      body: CHAT_VIEW_BODY,
    });
    this.ctx.push(
      onValidMessage(view.webview, isChatViewRequest, (message) => this.handle(message)),
      view.onDidDispose(() => {
        for (const controller of this.running.values()) controller.abort();
      }),
    );
  }

  /** Shows the chat with the caret in its question box (a page loading now puts it there itself). */
  async open(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    this.post({ type: 'focus' });
  }

  private async handle(message: ChatViewRequest): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.sendOptions();
      case 'ask':
        return this.ask(message);
      case 'cancel':
        this.running.get(message.requestId)?.abort();
        return;
      case 'open':
        return openPassage((await this.ctx.workspace('folder')).folder, message.source, message.startLine, message.endLine).catch((error: unknown) => this.ctx.errors.present(error));
      case 'copy':
        await vscode.env.clipboard.writeText(message.code);
        return;
      case 'insert': {
        const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
        if (!editor) return void vscode.window.showInformationMessage('House Style: open a file to insert the code into.');
        await editor.edit((edit) => edit.replace(editor.selection, message.code));
        return;
      }
    }
  }

  /** The route or knowledge bases changed (a setting, Choose Route): the pickers show the new defaults. */
  optionsChanged(): void {
    if (this.view) void this.sendOptions();
  }

  private async sendOptions(): Promise<void> {
    const folder = this.ctx.workspaceFolder;
    if (!folder || !vscode.workspace.isTrusted) {
      this.post({ type: 'options', knowledgeBases: ['style'], kb: 'style', routes: [...CHAT_ROUTES], route: 'rag' });
      return;
    }
    try {
      const config = await this.ctx.config(folder);
      this.post({ type: 'options', knowledgeBases: Object.keys(config.knowledgeBases), kb: config.review.knowledgeBase, routes: [...CHAT_ROUTES], route: config.models.route });
    } catch (error) {
      this.post({ type: 'error', message: editorText(error) });
    }
  }

  private async ask(message: Extract<ChatViewRequest, { type: 'ask' }>): Promise<void> {
    const controller = new AbortController();
    this.running.set(message.requestId, controller);
    const started = performance.now();
    let firstTokenMs: number | undefined;
    let sent: ReturnType<typeof chosenCode> = {};
    try {
      const { folder, service } = await this.ctx.workspace();
      sent = chosenCode(message.context, openFile(folder));
      const { code } = sent;
      const result = await this.ctx.activity.run('asking', message.question.slice(0, 40), () =>
        service.ask({
          question: message.question,
          kb: message.kb,
          route: message.route,
          ...(code && { code }),
          history: asMessages(message.history),
          signal: controller.signal,
          onToken: (text) => {
            firstTokenMs ??= performance.now() - started;
            this.post({ type: 'token', requestId: message.requestId, text });
          },
        }),
      );
      this.ctx.errors.succeeded();
      this.post({
        type: 'answer',
        requestId: message.requestId,
        text: result.answer,
        sources: result.citations.map(({ source, startLine, endLine, heading }) => ({ source, startLine, endLine, heading })),
        figures: {
          model: result.model,
          route: result.route,
          wallMs: performance.now() - started,
          ...(firstTokenMs !== undefined && { firstTokenMs }),
          promptTokens: result.metrics.promptTokens,
          completionTokens: result.metrics.completionTokens,
        },
        ...(sent.label && { context: sent.label }),
      });
    } catch (error) {
      this.post({ type: 'error', requestId: message.requestId, message: isCancellation(error) ? 'Cancelled.' : editorText(error), ...(sent.label && { context: sent.label }) });
      // The same actions as everywhere (Pull Model, Open Settings...), besides the line in the chat.
      if (!isCancellation(error)) await this.ctx.errors.present(error);
    } finally {
      this.running.delete(message.requestId);
    }
  }

  private post(event: ChatViewEvent): void {
    void this.view?.webview.postMessage(event);
  }
}

/** The active editor's file, when it is one inside the workspace folder, with its selection if any. */
function openFile(folder: vscode.WorkspaceFolder): OpenFile | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.uri.scheme !== 'file') return undefined;
  const relative = path.relative(folder.uri.fsPath, editor.document.uri.fsPath);
  if (isOutside(relative)) return undefined;
  return { path: relative.split(path.sep).join('/'), text: editor.document.getText(), ...(!editor.selection.isEmpty && { selection: selectedLines(editor.selection) }) };
}

function asMessages(history: ChatExchange[]): ChatMessage[] {
  return history.flatMap(({ question, answer }) => [
    { role: 'user' as const, content: question },
    { role: 'assistant' as const, content: answer },
  ]);
}
