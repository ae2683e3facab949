import type { PeeringRef, VnetRef } from '../azure/networkApi';
import { MessageNode } from './messageNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import { SubnetNode } from './subnetNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { describePeering, describeVnet, type ItemDescription } from './treeItems';
import type { TreeNode } from './treeNode';

/** A virtual network: address space and region; children are its subnets, then its peerings. */
export class VnetNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly vnet: VnetRef,
    inventory: SubscriptionInventory,
  ) {
    super(parent, vnet.id, resourceInfo(vnet, inventory), inventory);
  }

  protected describe(): ItemDescription {
    return describeVnet(this.vnet, this.inventory.index().flowLogsFor(this.vnet.id));
  }

  override async children(): Promise<TreeNode[]> {
    // Badges read NSG names, flow logs and NIC counts: wait for those lists too (cached after the first load).
    await Promise.all([this.inventory.section('nsgs'), this.inventory.section('watchers'), this.inventory.section('nics')]);
    const vnets = await this.inventory.section('vnets');
    if (!vnets.ok) {
      return [MessageNode.error(this, vnets.problem)];
    }
    const current = vnets.value.find((vnet) => vnet.id === this.vnet.id) ?? this.vnet;
    const rows: TreeNode[] = [
      ...current.subnets.map((subnet) => new SubnetNode(this, subnet, current, this.inventory)),
      ...current.peerings.map((peering) => new PeeringNode(this, peering, this.inventory)),
    ];
    return rows.length === 0 ? [MessageNode.empty(this, 'No subnets or peerings in this virtual network')] : rows;
  }

  invalidate(): void {
    this.inventory.invalidate('vnets');
  }
}

/** A peering with its state (Initiated / Connected / Disconnected) and sync level. */
export class PeeringNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly peering: PeeringRef,
    inventory: SubscriptionInventory,
  ) {
    super(parent, peering.id, resourceInfo(peering, inventory), inventory);
  }

  protected describe(): ItemDescription {
    return describePeering(this.peering);
  }
}
