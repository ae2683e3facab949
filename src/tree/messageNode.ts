import * as vscode from 'vscode';
import { describeProblem, type ArmProblem } from '../azure/armProblem';
import { escapeMarkdown } from './treeItems';
import type { TreeNode } from './treeNode';

export type MessageKind = 'loading' | 'empty' | 'error' | 'signIn' | 'cancelled';

/** Rows that are not resources: loading, empty, error (with Retry), sign-in, cancelled. */
export class MessageNode implements TreeNode {
  readonly id: string;

  private constructor(
    readonly parent: TreeNode | undefined,
    readonly kind: MessageKind,
    readonly message: string,
    private readonly command?: vscode.Command,
    readonly problem?: ArmProblem,
  ) {
    this.id = `${parent?.id ?? 'root'}#${kind}`;
  }

  static loading(parent: TreeNode | undefined, what = 'Loading…'): MessageNode {
    return new MessageNode(parent, 'loading', what, { title: 'Cancel Loading', command: 'trafficLens.cancelLoading' });
  }

  static empty(parent: TreeNode | undefined, message: string): MessageNode {
    return new MessageNode(parent, 'empty', message);
  }

  /** The problem's code and message; clicking it retries the parent. */
  static error(parent: TreeNode | undefined, problem: ArmProblem): MessageNode {
    return new MessageNode(parent, 'error', describeProblem(problem), { title: 'Retry', command: 'trafficLens.retry', arguments: [parent] }, problem);
  }

  static cancelled(parent: TreeNode | undefined): MessageNode {
    return new MessageNode(parent, 'cancelled', 'Loading cancelled. Click to retry.', { title: 'Retry', command: 'trafficLens.retry', arguments: [parent] });
  }

  static signIn(parent: TreeNode | undefined, message: string, command: vscode.Command): MessageNode {
    return new MessageNode(parent, 'signIn', message, command);
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = `message;${this.kind}${this.kind === 'error' || this.kind === 'cancelled' ? ';canRetry' : ''}`;
    item.command = this.command;
    switch (this.kind) {
      case 'loading':
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        break;
      case 'error':
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.tooltip = this.problem ? errorTooltip(this.problem) : undefined;
        break;
      case 'signIn':
        item.iconPath = new vscode.ThemeIcon('sign-in');
        break;
      case 'cancelled':
        item.iconPath = new vscode.ThemeIcon('debug-pause');
        break;
      case 'empty':
        item.iconPath = new vscode.ThemeIcon('info');
        break;
    }
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}

function errorTooltip(problem: ArmProblem): vscode.MarkdownString {
  const lines = [`**${escapeMarkdown(problem.code)}**`, '', escapeMarkdown(problem.message), ''];
  if (problem.status !== undefined) {
    lines.push(`Status: ${problem.status}  `);
  }
  if (problem.correlationId) {
    lines.push(`Correlation id: ${escapeMarkdown(problem.correlationId)}  `);
  }
  lines.push('', 'Click to retry.');
  return new vscode.MarkdownString(lines.join('\n'));
}
