import * as vscode from 'vscode';
import type { HouseStyleContext } from '../context';
import { modelsNodes, type ModelNode } from './modelsTreeNodes';

/** The Models tree: Ollama's state, the route, registered fine-tuned versions and the models Ollama has. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  static readonly viewType = 'housestyle.models';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: HouseStyleContext) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.command) item.command = { title: node.label, command: node.command };
    return item;
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    if (node) return node.children ?? [];
    const folder = this.ctx.workspaceFolder;
    if (!folder || !vscode.workspace.isTrusted) return [];
    const service = await this.ctx.service(folder);
    const config = await service.config();
    const { host, ollama: installed, registry } = await service.listModels({ anyOllamaFailure: true });
    const fineTuned = await service.route('fine-tuned').then(
      (route) => route.model,
      () => undefined,
    );
    return modelsNodes({ host, ...(installed && { installed }), registry, route: config.models.route, baseModel: config.ollama.model, ...(fineTuned && { fineTuned }) });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
