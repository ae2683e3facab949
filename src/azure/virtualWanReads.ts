/**
 * Virtual WAN hubs of a subscription with the virtual networks connected to each
 * (VirtualHubs_List and HubVirtualNetworkConnections_List of Microsoft.Network), for set-ups whose
 * spokes reach a central network through a Virtual WAN hub. One instance per signed-in account.
 */
import { resourceGroupOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';

export interface VirtualHubFact {
  /** Lower-cased ARM id. */
  id: string;
  armId: string;
  name: string;
  location: string;
  /** The Virtual WAN it belongs to, as Azure spells it. */
  virtualWanArmId?: string;
  addressPrefix?: string;
  /** Lower-cased ids of the virtual networks connected to it. */
  connectedVnetIds: string[];
}

export class VirtualWanReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess) {
    this.clients = ArmClients.of(account);
  }

  /** Every virtual hub of the subscription, each with its connected networks. */
  async virtualHubs(subscriptionId: string, tenantId: string, signal?: AbortSignal): Promise<VirtualHubFact[]> {
    const client = this.clients.network(tenantId, subscriptionId);
    const hubs: VirtualHubFact[] = [];
    for await (const hub of client.virtualHubs.list({ abortSignal: signal })) {
      if (!hub.id || !hub.name) {
        continue;
      }
      const connected: string[] = [];
      for await (const connection of client.hubVirtualNetworkConnections.list(resourceGroupOf(hub.id), hub.name, { abortSignal: signal })) {
        const remote = connection.remoteVirtualNetwork?.id;
        if (remote) {
          connected.push(remote.toLowerCase());
        }
      }
      hubs.push({
        id: hub.id.toLowerCase(),
        armId: hub.id,
        name: hub.name,
        location: (hub.location ?? '').toLowerCase(),
        ...(hub.virtualWan?.id ? { virtualWanArmId: hub.virtualWan.id } : {}),
        ...(hub.addressPrefix ? { addressPrefix: hub.addressPrefix } : {}),
        connectedVnetIds: connected,
      });
    }
    return hubs.sort((a, b) => a.name.localeCompare(b.name));
  }
}
