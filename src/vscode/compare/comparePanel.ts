import * as vscode from 'vscode';
import type { Comparison } from '../../core/eval/compare';
import { editorText } from '../fixSteps';
import { isCompareViewRequest, type CompareViewEvent } from '../../protocol/compareView';
import type { HouseStyleContext } from '../context';
import { openPassage } from '../knowledge/openPassage';
import { onValidMessage, webviewHtml, webviewOptions } from '../webview/webviewHtml';

/** The compare panel: one column per route for the same code, with findings, their sources, latency and tokens. */
export class ComparePanel {
  private static current?: ComparePanel;
  private readonly panel: vscode.WebviewPanel;
  private last?: CompareViewEvent;
  private ready = false;

  /** Shows the panel (one at a time, reused), with `event` as its content. */
  static show(ctx: HouseStyleContext, event: CompareViewEvent): void {
    ComparePanel.current ??= new ComparePanel(ctx);
    ComparePanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
    ComparePanel.current.post(event);
  }

  private constructor(private readonly ctx: HouseStyleContext) {
    this.panel = vscode.window.createWebviewPanel('housestyle.compare', 'House Style: Compare Routes', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(ctx.extension));
    this.panel.webview.html = webviewHtml(this.panel.webview, ctx.extension, {
      name: 'compare',
      title: 'Compare routes',
      body: '<main id="compare"><p class="status">Comparing…</p></main>',
    });
    const messages = onValidMessage(this.panel.webview, isCompareViewRequest, async (message) => {
      if (message.type === 'ready') {
        this.ready = true;
        if (this.last) await this.panel.webview.postMessage(this.last);
        return;
      }
      await openPassage((await ctx.workspace('folder')).folder, message.source, message.startLine, message.endLine).catch((error: unknown) => ctx.errors.present(error));
    });
    this.panel.onDidDispose(() => {
      messages.dispose();
      ComparePanel.current = undefined;
    });
  }

  private post(event: CompareViewEvent): void {
    this.last = event;
    if (this.ready) void this.panel.webview.postMessage(event);
  }
}

/** The comparison as the webview shows it: plain data, citations reduced to where they point. */
export function comparisonEvent(comparison: Comparison): CompareViewEvent {
  return {
    type: 'comparison',
    paths: comparison.paths,
    summary: comparison.summary,
    routes: comparison.routes.map(({ route, model, calls, latency, tokens, findings }) => ({
      route,
      model,
      calls,
      latency,
      tokens,
      findings: findings.map(({ path, startLine, endLine, severity, rule, message, citations }) => ({
        path,
        startLine,
        endLine,
        severity,
        rule,
        message,
        sources: citations.map(({ source, startLine: s, endLine: e, heading }) => ({ source, startLine: s, endLine: e, heading })),
      })),
    })),
  };
}

export function compareFailed(error: unknown): CompareViewEvent {
  return { type: 'error', message: editorText(error) };
}
