import * as vscode from 'vscode';
import { neutralizeBidi } from '../core/displayText';
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

/**
 * The item as the view shows it: label, description, tooltip and screen-reader label with
 * bidirectional control characters neutralised (`neutralizeBidi`), since they hold names and
 * text from Azure (blob names, display names, messages). Copy Resource ID and View Properties
 * read the node's resource, so they keep the raw value.
 */
export function displayedTreeItem(node: TreeNode): vscode.TreeItem {
  const item = node.toTreeItem();
  if (typeof item.label === 'string') {
    item.label = neutralizeBidi(item.label);
  } else if (item.label !== undefined) {
    item.label = { ...item.label, label: neutralizeBidi(item.label.label) };
  }
  if (typeof item.description === 'string') {
    item.description = neutralizeBidi(item.description);
  }
  if (typeof item.tooltip === 'string') {
    item.tooltip = neutralizeBidi(item.tooltip);
  } else if (item.tooltip !== undefined) {
    const tooltip = new vscode.MarkdownString(neutralizeBidi(item.tooltip.value), item.tooltip.supportThemeIcons);
    tooltip.supportHtml = item.tooltip.supportHtml;
    tooltip.isTrusted = item.tooltip.isTrusted;
    item.tooltip = tooltip;
  }
  if (item.accessibilityInformation !== undefined) {
    item.accessibilityInformation = { ...item.accessibilityInformation, label: neutralizeBidi(item.accessibilityInformation.label) };
  }
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
