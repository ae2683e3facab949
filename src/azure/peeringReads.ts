/**
 * Reads the peering wizard needs beyond the tree's inventory: one peering's state and sync level,
 * read again after Apply until both sides report Connected.
 */
import type { TokenCredential } from '@azure/core-auth';
import { NetworkManagementClient } from '@azure/arm-network';
import { nameOf, parentId, resourceGroupOf, subscriptionOf } from './armIds';
import { armClientOptions } from './armNetworkApi';

export interface PeeringStatus {
  /** The peering's ARM id as given. */
  armId: string;
  name: string;
  /** `Initiated`, `Connected`, `Disconnected`, or `NotFound` when it is gone. */
  peeringState: string;
  syncLevel?: string;
}

/** The current state of one peering (`…/virtualNetworks/<vnet>/virtualNetworkPeerings/<name>`). */
export async function readPeeringStatus(credential: TokenCredential, endpoint: string, peeringArmId: string, signal?: AbortSignal): Promise<PeeringStatus> {
  const client = new NetworkManagementClient(credential, subscriptionOf(peeringArmId), armClientOptions(endpoint));
  const name = nameOf(peeringArmId);
  try {
    const peering = await client.virtualNetworkPeerings.get(resourceGroupOf(peeringArmId), nameOf(parentId(peeringArmId)), name, { abortSignal: signal });
    return { armId: peeringArmId, name, peeringState: peering.peeringState ?? 'Unknown', syncLevel: peering.peeringSyncLevel };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return { armId: peeringArmId, name, peeringState: 'NotFound' };
    }
    throw error;
  }
}
