import type { PeeringRef } from '../../../../src/azure/networkApi';
import type { PeeringVnet } from '../../../../src/wizards/peering/peeringVnet';

export const tenantA = 'aaaaaaaa-0000-0000-0000-000000000001';
export const tenantB = 'bbbbbbbb-0000-0000-0000-000000000002';

export function vnetArmId(name: string, subscriptionId = 'sub-hub'): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
}

/** A VNet for the peering wizard; defaults are a hub-like network in tenant A. */
export function peeringVnet(fields: Partial<PeeringVnet> & { name: string }): PeeringVnet {
  const subscriptionId = fields.subscriptionId ?? 'sub-hub';
  const armId = fields.armId ?? vnetArmId(fields.name, subscriptionId);
  return {
    id: armId.toLowerCase(),
    armId,
    location: 'germanywestcentral',
    addressSpace: ['10.0.0.0/16'],
    subscriptionId,
    subscriptionName: 'Hub',
    tenantId: tenantA,
    hasGateway: false,
    peerings: [],
    ...fields,
  };
}

/** A peering on `local` to `remote`; Initiated with Azure's defaults unless told otherwise. */
export function existingPeering(local: PeeringVnet, remote: PeeringVnet, fields: Partial<PeeringRef> & { name: string }): PeeringRef {
  const armId = `${local.armId}/virtualNetworkPeerings/${fields.name}`;
  return {
    id: armId.toLowerCase(),
    armId,
    resourceGroup: 'rg-net',
    properties: { allowVirtualNetworkAccess: true, remoteAddressSpace: { addressPrefixes: remote.addressSpace } },
    vnetId: local.id,
    remoteVnetId: remote.id,
    remoteVnetArmId: remote.armId,
    peeringState: 'Initiated',
    syncLevel: 'FullyInSync',
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
    ...fields,
  };
}
