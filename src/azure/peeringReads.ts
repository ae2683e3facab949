/**
 * Reads the peering wizard needs beyond the tree's inventory: one peering's state and sync level,
 * read again after Apply until both sides report Connected.
 */
import { nameOf, parentId, resourceGroupOf, subscriptionOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import { toArmProblem } from './armProblem';

export interface PeeringStatus {
  /** The peering's ARM id as given. */
  armId: string;
  name: string;
  /** `Initiated`, `Connected`, `Disconnected`, or `NotFound` when it is gone. */
  peeringState: string;
  syncLevel?: string;
}

/** The current state of one peering (`…/virtualNetworks/<vnet>/virtualNetworkPeerings/<name>`), read with the account of `tenantId`. */
export async function readPeeringStatus(account: ArmAccess, tenantId: string, peeringArmId: string, signal?: AbortSignal): Promise<PeeringStatus> {
  const client = ArmClients.of(account).network(tenantId, subscriptionOf(peeringArmId));
  const name = nameOf(peeringArmId);
  try {
    const peering = await client.virtualNetworkPeerings.get(resourceGroupOf(peeringArmId), nameOf(parentId(peeringArmId)), name, { abortSignal: signal });
    return { armId: peeringArmId, name, peeringState: peering.peeringState ?? 'Unknown', syncLevel: peering.peeringSyncLevel };
  } catch (error) {
    if (toArmProblem(error).status === 404) {
      return { armId: peeringArmId, name, peeringState: 'NotFound' };
    }
    throw error;
  }
}
