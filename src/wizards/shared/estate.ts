import { subscriptionOf } from '../../azure/armIds';
import type { EstateSubscription } from '../../tree/lensTreeProvider';

/** The shown subscription that holds `armIdOrSubscriptionId` (an ARM id, or a bare subscription GUID). */
export function estateEntryOf(estate: readonly EstateSubscription[], armIdOrSubscriptionId: string): EstateSubscription | undefined {
  const subscriptionId = armIdOrSubscriptionId.startsWith('/') ? subscriptionOf(armIdOrSubscriptionId) : armIdOrSubscriptionId.toLowerCase();
  return estate.find((entry) => entry.subscription.subscriptionId.toLowerCase() === subscriptionId);
}
