import * as vscode from 'vscode';
import { describeError, HouseStyleError } from '../../core/errors';
import type { HouseStyleContext } from '../context';
import { knowledgeNodes, type BaseState, type KnowledgeNode } from './knowledgeTreeNodes';

/** The Knowledge tree: each knowledge base with its embedder, passage count and last index run; its sources below. */
export class KnowledgeTreeProvider implements vscode.TreeDataProvider<KnowledgeNode>, vscode.Disposable {
  static readonly viewType = 'housestyle.knowledgeTree';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: HouseStyleContext) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: KnowledgeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    const folder = this.ctx.workspaceFolder;
    if (node.kind === 'source' && node.source && folder) {
      item.resourceUri = vscode.Uri.joinPath(folder.uri, ...node.source.split('/'));
      item.command = { title: 'Open', command: 'vscode.open', arguments: [item.resourceUri] };
    }
    item.iconPath = new vscode.ThemeIcon(node.kind === 'base' ? (node.contextValue === 'base' ? 'library' : 'warning') : node.kind === 'source' ? 'file' : 'info');
    return item;
  }

  async getChildren(node?: KnowledgeNode): Promise<KnowledgeNode[]> {
    if (node) return node.children ?? [];
    const folder = this.ctx.workspaceFolder;
    if (!folder || !vscode.workspace.isTrusted) return [];
    let config;
    try {
      config = await this.ctx.config(folder);
    } catch (error) {
      return [{ kind: 'message', label: 'Invalid settings', tooltip: describeError(error), contextValue: 'message', kb: '' }];
    }
    const bases = await Promise.all(
      Object.keys(config.knowledgeBases).map(async (kb): Promise<[string, BaseState]> => {
        try {
          return [kb, { overview: await (await this.ctx.knowledge.get(folder.uri.fsPath, config, kb)).overview() }];
        } catch (error) {
          return [kb, error instanceof HouseStyleError && error.code === 'index-missing' ? { missing: true } : { error: describeError(error) }];
        }
      }),
    );
    return knowledgeNodes(bases);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
