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
    /** Extra `contextValue` flag for menus (`canUseAccountKey`). */
    private readonly flag?: string,
  ) {
    this.id = `${parent?.id ?? 'root'}#${kind}`;
  }

  static loading(parent: TreeNode | undefined, what = 'Loading…'): MessageNode {
    return new MessageNode(parent, 'loading', what, { title: 'Cancel Loading', command: 'trafficLens.cancelLoading', arguments: [parent] });
  }

  static empty(parent: TreeNode | undefined, message: string): MessageNode {
    return new MessageNode(parent, 'empty', message);
  }

  /** The problem's code and message (or `label`); clicking it retries the parent. */
  static error(parent: TreeNode | undefined, problem: ArmProblem, label = describeProblem(problem)): MessageNode {
    return new MessageNode(parent, 'error', label, { title: 'Retry', command: 'trafficLens.retry', arguments: [parent] }, problem);
  }

  /** An error row whose click runs `command` (not Retry); `flag` is added to its `contextValue`. */
  static errorWithAction(parent: TreeNode | undefined, label: string, problem: ArmProblem, command: vscode.Command, flag: string): MessageNode {
    return new MessageNode(parent, 'error', label, command, problem, flag);
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
    item.contextValue = `message;${this.kind}${this.kind === 'error' || this.kind === 'cancelled' ? ';canRetry' : ''}${this.flag === undefined ? '' : `;${this.flag}`}`;
    item.command = this.command;
    switch (this.kind) {
      case 'loading':
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        break;
      case 'error':
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.tooltip = this.problem ? errorTooltip(this.problem, this.command?.command === 'trafficLens.retry' ? 'Click to retry.' : `Click: ${this.command?.title ?? 'Retry'}`) : undefined;
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

function errorTooltip(problem: ArmProblem, hint: string): vscode.MarkdownString {
  const lines = [`**${escapeMarkdown(problem.code)}**`, '', escapeMarkdown(problem.message), ''];
  if (problem.status !== undefined) {
    lines.push(`Status: ${problem.status}  `);
  }
  if (problem.correlationId) {
    lines.push(`Correlation id: ${escapeMarkdown(problem.correlationId)}  `);
  }
  lines.push('', hint);
  return new vscode.MarkdownString(lines.join('\n'));
}
