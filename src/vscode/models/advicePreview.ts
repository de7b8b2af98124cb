import * as vscode from 'vscode';
import { adviceText } from '../../core/service/frontEndHelpers';
import type { Advice } from '../../core/advice/advise';
import { fixButtons, fixSentence, runFix } from '../fixSteps';

const SCHEME = 'housestyle-advice';

/**
 * The advice as a read-only document shown in the Markdown preview: a virtual document (its own scheme) has
 * nothing to save, so closing it asks nothing. Its next step is worded in the editor's terms and offered as a button.
 */
export class AdvicePreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly uri = vscode.Uri.from({ scheme: SCHEME, path: '/RAG, fine-tuned or hybrid.md' });
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  private text = '';

  provideTextDocumentContent(): string {
    return this.text;
  }

  async show(advice: Advice): Promise<void> {
    const steps = advice.nextAction ? [advice.nextAction] : [];
    this.text = `# RAG, fine-tuned or hybrid?\n\n${adviceText(advice, steps.length ? fixSentence(steps) : '')}`;
    this.changed.fire(this.uri);
    await vscode.commands.executeCommand('markdown.showPreview', this.uri);
    const choice = await vscode.window.showInformationMessage(`House Style: ${advice.recommendation} is recommended.${steps.length ? ` Next: ${fixSentence(steps)}` : ''}`, ...fixButtons(steps));
    if (choice) await runFix(steps, choice);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
