import * as vscode from 'vscode';
import type { ItemDescription } from './treeItems';

/** A resource behind a row: what "Copy Resource ID", "Open in Portal" and "View Properties" act on. */
export interface ResourceInfo {
  /** The ARM id as Azure spells it. */
  armId: string;
  name: string;
  tenantId: string;
  properties: unknown;
}

/** A row of the inventory tree. The provider only delegates to these. */
export interface TreeNode {
  /** Lower-cased ARM id, or a parent's id plus a `#suffix` for rows that are not resources. */
  readonly id: string;
  readonly parent: TreeNode | undefined;
  readonly resource?: ResourceInfo;
  toTreeItem(): vscode.TreeItem;
  /** Children, one level; failures become MessageNode rows, never notifications. */
  children(signal: AbortSignal): Promise<TreeNode[]>;
  /** Drops what this node cached so the next `children()` asks Azure again. */
  invalidate?(): void;
}

/** Builds the `TreeItem` of a described row. */
export function treeItemFrom(id: string, description: ItemDescription, expanded = false): vscode.TreeItem {
  const item = new vscode.TreeItem(
    description.label,
    description.collapsible ? (expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None,
  );
  item.id = id;
  item.description = description.description;
  const tooltip = new vscode.MarkdownString(description.tooltip);
  tooltip.supportHtml = false;
  tooltip.isTrusted = false;
  item.tooltip = tooltip;
  item.contextValue = description.contextValue;
  item.iconPath = new vscode.ThemeIcon(description.icon, description.iconColor ? new vscode.ThemeColor(description.iconColor) : undefined);
  return item;
}

/** True for a tree row (what menu commands receive as their first argument). */
export function isTreeNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && 'id' in value && 'toTreeItem' in value;
}

/** The resources of a menu command's rows: the selection when there is one, else the clicked row. */
export function resourcesOf(node: unknown, selection: unknown): ResourceInfo[] {
  const nodes = Array.isArray(selection) && selection.length > 0 ? selection : [node];
  return nodes.flatMap((candidate) => {
    const resource = (candidate as TreeNode | undefined)?.resource;
    return resource ? [resource] : [];
  });
}
