import type { NicRef } from '../azure/networkApi';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { nicTapTargets } from './tapMirrors';
import { describeNic, type ItemDescription } from './treeItems';
import type { TreeNode } from './treeNode';

/** A network interface: private IP, VM, accelerated networking, TAP badge. Selectable with others. */
export class NicNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly nic: NicRef,
    inventory: SubscriptionInventory,
    /** Set when the NIC is shown somewhere other than under its subnet (e.g. as a TAP source). */
    idSuffix?: string,
  ) {
    super(parent, idSuffix === undefined ? nic.id : `${parent.id}#${idSuffix}`, resourceInfo(nic, inventory), inventory);
  }

  protected describe(): ItemDescription {
    return describeNic(this.nic, nicTapTargets(this.nic, this.inventory));
  }
}

