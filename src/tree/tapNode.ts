import type { VirtualNetworkTapRef } from '../azure/networkApi';
import { parentId } from '../azure/armIds';
import { MessageNode } from './messageNode';
import { NicNode } from './nicNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from './subscriptionInventory';
import { describeTap, type ItemDescription } from './treeItems';
import type { TreeNode } from './treeNode';

/** A virtual network TAP: destination and port; children are the NICs mirrored into it. */
export class TapNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly tap: VirtualNetworkTapRef,
    inventory: SubscriptionInventory,
  ) {
    super(parent, tap.id, resourceInfo(tap, inventory), inventory);
  }

  private sourceNicIds(): string[] {
    return [...new Set(this.tap.sourceIds.map(parentId))];
  }

  protected describe(): ItemDescription {
    const nics = this.inventory.index().nicsById;
    return describeTap(this.tap, this.sourceNicIds().map((id) => nics.get(id)?.name ?? id.split('/').pop() ?? id));
  }

  override async children(): Promise<TreeNode[]> {
    await this.inventory.section('nics');
    const nics = this.inventory.index().nicsById;
    const rows: TreeNode[] = [];
    for (const id of this.sourceNicIds()) {
      const nic = nics.get(id);
      if (nic) {
        rows.push(new NicNode(this, nic, this.inventory, `source:${nic.name.toLowerCase()}`));
      }
    }
    return rows.length === 0 ? [MessageNode.empty(this, 'No network interfaces mirror into this TAP (or they are in another subscription)')] : rows;
  }

  invalidate(): void {
    this.inventory.invalidate('taps');
  }
}
