import type { SubnetRef, VnetRef } from '../azure/networkApi';
import { flowLogCoverage } from '../inventory/inventoryIndex';
import { MessageNode } from './messageNode';
import { NicNode } from './nicNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { describeSubnet, type ItemDescription } from './treeItems';
import type { TreeNode } from './treeNode';

/** A subnet: prefix, NSG, flow-log badge; its children are the NICs with an IP configuration in it. */
export class SubnetNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly subnet: SubnetRef,
    readonly vnet: VnetRef,
    inventory: SubscriptionInventory,
  ) {
    super(parent, subnet.id, resourceInfo(subnet, inventory), inventory);
  }

  protected describe(): ItemDescription {
    const index = this.inventory.index();
    const nsgName = this.subnet.networkSecurityGroupId ? (index.nsgsById.get(this.subnet.networkSecurityGroupId)?.name ?? this.subnet.networkSecurityGroupId.split('/').pop()) : undefined;
    const coverage = flowLogCoverage(index, this.subnet.id, this.vnet.id, this.subnet.networkSecurityGroupId);
    return describeSubnet(this.subnet, nsgName, coverage, index.nicsBySubnet.get(this.subnet.id)?.length ?? 0);
  }

  override async children(): Promise<TreeNode[]> {
    const nics = await this.inventory.section('nics');
    if (!nics.ok) {
      return [nics.problem.code === 'Cancelled' ? MessageNode.cancelled(this) : MessageNode.error(this, nics.problem)];
    }
    const here = this.inventory.index().nicsBySubnet.get(this.subnet.id) ?? [];
    return here.length === 0 ? [MessageNode.empty(this, 'No network interfaces in this subnet')] : here.map((nic) => new NicNode(this, nic, this.inventory));
  }

  invalidate(): void {
    this.inventory.invalidate('nics');
  }
}
