import type { VirtualNetworkTapRef } from '../azure/networkApi';
import { nameOf, parentId, subscriptionOf } from '../azure/armIds';
import { MessageNode } from './messageNode';
import { NicNode } from './nicNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { describeTap, type ItemDescription } from './treeItems';
import type { TreeNode } from './treeNode';

/**
 * A virtual network TAP: destination and port; children are the NICs mirrored into it, which may
 * be in other subscriptions of the tenant (each shown with its own subscription's inventory).
 */
export class TapNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly tap: VirtualNetworkTapRef,
    inventory: SubscriptionInventory,
    /** Another subscription's inventory, when the tree lists that subscription. */
    private readonly inventoryOf: (subscriptionId: string) => SubscriptionInventory | undefined = () => undefined,
  ) {
    super(parent, tap.id, resourceInfo(tap, inventory), inventory);
  }

  private sourceNicIds(): string[] {
    return [...new Set(this.tap.sourceIds.map(parentId))];
  }

  /** The inventory that lists a source NIC: this TAP's own, or that of the NIC's subscription. */
  private inventoryFor(nicId: string): SubscriptionInventory | undefined {
    const subscriptionId = subscriptionOf(nicId);
    return subscriptionId === subscriptionOf(this.tap.id) ? this.inventory : this.inventoryOf(subscriptionId);
  }

  protected describe(): ItemDescription {
    return describeTap(
      this.tap,
      this.sourceNicIds().map((id) => this.inventoryFor(id)?.index().nicsById.get(id)?.name ?? nameOf(id)),
    );
  }

  override async children(): Promise<TreeNode[]> {
    const rows: TreeNode[] = [];
    const unlisted: string[] = [];
    const notFound: string[] = [];
    const unreadable: string[] = [];
    for (const id of this.sourceNicIds()) {
      const inventory = this.inventoryFor(id);
      if (inventory === undefined) {
        unlisted.push(nameOf(id));
        continue;
      }
      const nics = await inventory.section('nics');
      const nic = nics.ok ? inventory.index().nicsById.get(id) : undefined;
      if (!nics.ok) {
        unreadable.push(`${nameOf(id)} (the network interfaces of ${inventory.subscription.displayName} could not be listed: ${nics.problem.code}; refresh that subscription)`);
      } else if (nic === undefined) {
        notFound.push(nameOf(id));
      } else {
        rows.push(new NicNode(this, nic, inventory, `source:${nic.id}`));
      }
    }
    // One row for every source not shown: message rows of one parent share an id.
    const notes = [
      ...(unlisted.length > 0 ? [`${unlisted.join(', ')}, in ${unlisted.length === 1 ? "a subscription the tree doesn't list" : "subscriptions the tree doesn't list"}`] : []),
      ...(notFound.length > 0 ? [`${notFound.join(', ')}, not in ${notFound.length === 1 ? 'its' : 'their'} subscription's list of network interfaces (refresh it to read it again)`] : []),
      ...unreadable,
    ];
    if (notes.length > 0) {
      rows.push(MessageNode.empty(this, `${rows.length === 0 ? 'Mirrors' : 'Also mirrors'} ${notes.join('; ')}`));
    }
    return rows.length === 0 ? [MessageNode.empty(this, 'No network interfaces mirror into this TAP')] : rows;
  }

  invalidate(): void {
    this.inventory.invalidate('taps');
  }
}
