import type * as vscode from 'vscode';
import type { FlowLogRef, NsgRef, SecurityRuleRef } from '../azure/networkApi';
import { MessageNode } from './messageNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { describeNsg, describeRule, type ItemDescription } from './treeItems';
import { treeItemFrom, type TreeNode } from './treeNode';
import { FlowLogNode } from './watcherNode';

/** A network security group; children are its rules (by direction and priority) and the flow logs on it. */
export class NsgNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly nsg: NsgRef,
    inventory: SubscriptionInventory,
  ) {
    super(parent, nsg.id, resourceInfo(nsg, inventory), inventory);
  }

  private flowLogs(): FlowLogRef[] {
    return this.inventory.index().flowLogsFor(this.nsg.id);
  }

  protected describe(): ItemDescription {
    return describeNsg(this.nsg, this.flowLogs());
  }

  override async children(): Promise<TreeNode[]> {
    await this.inventory.section('watchers');
    const rows: TreeNode[] = [
      ...this.nsg.rules.map((rule) => new SecurityRuleNode(this, rule)),
      ...this.flowLogs().map((flowLog) => new FlowLogNode(this, flowLog, this.inventory, 'flowLog')),
    ];
    return rows.length === 0 ? [MessageNode.empty(this, 'No security rules (only the default rules apply)')] : rows;
  }

  invalidate(): void {
    this.inventory.invalidate('nsgs');
  }
}

export class SecurityRuleNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: NsgNode,
    readonly rule: SecurityRuleRef,
  ) {
    this.id = `${parent.id}/securityrules/${rule.name.toLowerCase()}`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeRule(this.rule));
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}
