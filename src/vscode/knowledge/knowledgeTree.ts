import * as vscode from 'vscode';
import { HouseStyleError } from '../../core/errors';
import { editorText } from '../fixSteps';
import type { HouseStyleContext } from '../context';
import { healthNodes, knowledgeNodes, type BaseState, type KnowledgeNode } from './knowledgeTreeNodes';

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
    const expandable = node.kind === 'health' || node.children?.length;
    const item = new vscode.TreeItem(node.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    const folder = this.ctx.workspaceFolder;
    if ((node.kind === 'source' || node.kind === 'finding') && node.source && folder) {
      item.resourceUri = vscode.Uri.joinPath(folder.uri, ...node.source.split('/'));
      item.command = { title: 'Open', command: 'vscode.open', arguments: [item.resourceUri] };
    }
    const icon = { base: node.contextValue === 'base' ? 'library' : 'warning', source: 'file', health: 'pulse', finding: 'warning', message: 'info' }[node.kind];
    item.iconPath = new vscode.ThemeIcon(icon);
    return item;
  }

  async getChildren(node?: KnowledgeNode): Promise<KnowledgeNode[]> {
    if (node?.kind === 'health') return this.health(node.kb);
    if (node) return node.children ?? [];
    const folder = this.ctx.workspaceFolder;
    if (!folder || !vscode.workspace.isTrusted) return [];
    const service = await this.ctx.service(folder);
    let config;
    try {
      config = await service.config();
    } catch (error) {
      return [{ kind: 'message', label: 'Invalid settings', tooltip: editorText(error), contextValue: 'message', kb: '' }];
    }
    const bases = await Promise.all(
      Object.keys(config.knowledgeBases).map(async (kb): Promise<[string, BaseState]> => {
        try {
          return [kb, { overview: await service.overview(kb) }];
        } catch (error) {
          return [kb, error instanceof HouseStyleError && error.code === 'index-missing' ? { missing: true } : { error: editorText(error) }];
        }
      }),
    );
    return knowledgeNodes(bases);
  }

  /** Runs the knowledge base's health check (it reads every passage, so only when the Health row is expanded). */
  private async health(kb: string): Promise<KnowledgeNode[]> {
    const folder = this.ctx.workspaceFolder;
    if (!folder) return [];
    try {
      return healthNodes(await (await this.ctx.service(folder)).health({ kb }));
    } catch (error) {
      return [{ kind: 'message', label: 'Health check failed', tooltip: editorText(error), description: editorText(error), contextValue: 'message', kb }];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
