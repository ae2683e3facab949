import { subscriptionOf } from '../../azure/armIds';
import type { EstateSubscription } from '../../inventory/estate';
import type { SectionName } from '../../inventory/inventoryIndex';

/**
 * Lists these sections of a subscription's inventory again, so a plan sees Azure as it is now;
 * the others keep their cache, and a load the tree has under way is not cancelled.
 */
export async function reloadSections(entry: EstateSubscription, ...names: SectionName[]): Promise<void> {
  entry.inventory.invalidate(...names);
  await Promise.all(names.map((name) => entry.inventory.section(name)));
}

/** The shown subscription that holds `armIdOrSubscriptionId` (an ARM id, or a bare subscription GUID). */
export function estateEntryOf(estate: readonly EstateSubscription[], armIdOrSubscriptionId: string): EstateSubscription | undefined {
  const subscriptionId = armIdOrSubscriptionId.startsWith('/') ? subscriptionOf(armIdOrSubscriptionId) : armIdOrSubscriptionId.toLowerCase();
  return estate.find((entry) => entry.subscription.subscriptionId.toLowerCase() === subscriptionId);
}
