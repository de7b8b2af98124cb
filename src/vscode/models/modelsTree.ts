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
    const config = await this.ctx.config(folder);
    const [{ OllamaClient }, { readRegistry }, { resolveRoute }] = await Promise.all([import('../../core/models/ollama/client'), import('../../core/models/registry'), import('../../core/models/route')]);
    const client = OllamaClient.fromConfig(config);
    const registry = await readRegistry(folder.uri.fsPath);
    const installed = (await client.isReachable()) ? await client.listModels().catch(() => undefined) : undefined;
    this.ctx.activity.ollamaSeen(client.host, installed !== undefined);
    const fineTuned = await resolveRoute(folder.uri.fsPath, config, 'fine-tuned').then(
      (route) => route.model,
      () => undefined,
    );
    return modelsNodes({ host: client.host, ...(installed && { installed }), registry, route: config.models.route, baseModel: config.ollama.model, ...(fineTuned && { fineTuned }) });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
