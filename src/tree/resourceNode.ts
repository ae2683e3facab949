import type * as vscode from 'vscode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import type { ItemDescription } from './treeItems';
import { treeItemFrom, type ResourceInfo, type TreeNode } from './treeNode';

/** A row for one Azure resource of a subscription's inventory. */
export abstract class ResourceNode implements TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly id: string,
    readonly resource: ResourceInfo,
    protected readonly inventory: SubscriptionInventory,
  ) {}

  protected abstract describe(): ItemDescription;

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, this.describe());
  }

  async children(_signal: AbortSignal): Promise<TreeNode[]> {
    return [];
  }
}

/** The resource info of an inventory item. */
export function resourceInfo(item: { armId: string; name: string; properties: unknown }, inventory: SubscriptionInventory): ResourceInfo {
  return { armId: item.armId, name: item.name, tenantId: inventory.subscription.tenantId, properties: item.properties };
}
