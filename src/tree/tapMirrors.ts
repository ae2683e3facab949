import { nameOf, subscriptionOf } from '../azure/armIds';
import type { NicRef } from '../azure/networkApi';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import type { MirroredElsewhere, NicTapTarget } from './treeItems';

// A NIC may be mirrored into a TAP of another subscription (a hub's collectors): its row and its
// subscription's TAP folder say where, so a "0" TAP folder does not read as "nothing mirrored".

/** The TAPs a NIC mirrors into, each with its subscription's name when that is not the NIC's. */
export function nicTapTargets(nic: NicRef, inventory: SubscriptionInventory): NicTapTarget[] {
  const own = inventory.subscription.subscriptionId.toLowerCase();
  return nic.tapIds.map((id) => {
    const subscriptionId = subscriptionOf(id);
    const name = inventory.index().tapsById.get(id)?.name ?? nameOf(id);
    return subscriptionId === own || subscriptionId === '' ? { name } : { name, subscriptionName: inventory.nameOfSubscription(subscriptionId) };
  });
}

/** This subscription's NICs mirrored into TAPs of other subscriptions, by TAP (most NICs first); empty until its NICs are listed. */
export function mirroredElsewhere(inventory: SubscriptionInventory): MirroredElsewhere[] {
  const nics = inventory.cached('nics');
  if (!nics?.ok) {
    return [];
  }
  const own = inventory.subscription.subscriptionId.toLowerCase();
  const byTap = new Map<string, MirroredElsewhere>();
  for (const nic of nics.value) {
    for (const tapId of nic.tapIds) {
      const subscriptionId = subscriptionOf(tapId);
      if (subscriptionId === own || subscriptionId === '') {
        continue;
      }
      const group = byTap.get(tapId) ?? { tapName: nameOf(tapId), subscriptionName: inventory.nameOfSubscription(subscriptionId), nicCount: 0 };
      group.nicCount++;
      byTap.set(tapId, group);
    }
  }
  return [...byTap.values()].sort((a, b) => b.nicCount - a.nicCount || a.tapName.localeCompare(b.tapName));
}
