import { invalidRequest } from '../armErrors';
import { overlappingPrefixes } from '../cidr';
import type { RequestContext, Route } from '../http';
import { asObject, asStrings, idKey, refId, type ArmResource, type ArmState } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, page, registerComposer, requireChild, requireIdle, requireResourceGroup, requireString, requireSubscription, requireTop, startDelete, startPut, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';
import { hasVirtualNetworkGateway, requireLinkedAuthorization } from './virtualNetworkPeerings';

/*
 * Virtual WAN: virtual WANs and virtual hubs are read-only here (topologies declare them, see
 * `virtualWans` in topology.ts); VNet connections to a hub are created, read and deleted.
 *
 * Virtual network TAP across a Virtual WAN hub: not supported as far as Microsoft documents it.
 * The virtual network TAP overview (learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview,
 * MicrosoftDocs/azure-docs articles/virtual-network/virtual-network-tap-overview.md, ms.date
 * 04/21/2025) allows the destination only "in the same virtual network as the monitored network
 * interface or a peered virtual network", "in peered virtual networks in the same region", with
 * "virtual network peering … enabled before you configure virtual network TAP". A hub connection
 * is not a peering between the spoke VNets (each spoke is connected to the hub's managed VNet,
 * which customers cannot place a collector in), and the page names no Virtual WAN scenario, so a
 * TAP whose source and destination reach each other only through a Virtual WAN hub is outside
 * what is documented. A wizard should refuse it (or warn) rather than rely on it.
 */

const base = { family: 'network', namespace: 'Microsoft.Network' } as const;
const hubPath = `${networkPath}/virtualHubs/{virtualHubName}`;
const connectionsPath = `${hubPath}/hubVirtualNetworkConnections`;

function addressPrefixes(vnet: ArmResource): string[] {
  return asStrings(asObject(vnet.properties.addressSpace).addressPrefixes);
}

/** Every hub connection in the stand-in whose remote VNet is `vnetId`. */
export function connectionsOfVnet(state: ArmState, vnetId: string): ArmResource[] {
  return state.list(types.hubVirtualNetworkConnection).filter((connection) => idKey(refId(connection.properties.remoteVirtualNetwork) ?? '') === idKey(vnetId));
}

registerComposer(types.virtualWan, (wan, context) => {
  wan.properties.virtualHubs = context.core.state
    .list(types.virtualHub)
    .filter((hub) => idKey(refId(hub.properties.virtualWan) ?? '') === idKey(wan.id))
    .map((hub) => ({ id: hub.id }));
  return wan;
});

// HubVirtualNetworkConnection (virtualWan.json) is a SubResource with name and etag: no `type`
// member, so the answer leaves out the type the stand-in files it under.
registerComposer(types.hubVirtualNetworkConnection, (connection) => {
  Reflect.deleteProperty(connection, 'type');
  return connection;
});

/**
 * ARM's rules for connecting `remote` to `hub` (the connection `id`), in the order checked:
 * - the remote VNet must exist ("Remote Virtual Network '…' not found for hub VNET connection '…'",
 *   as reported in Azure/azure-cli-extensions#2487; the code is ours);
 * - a remote VNet of another tenant needs an auxiliary token for it (`LinkedAuthorizationFailed`,
 *   as Azure/azure-cli#27201 shows for `az network vhub connection create`);
 * - a connection's remote VNet does not change;
 * - then the rules of `requireConnectableVnet`.
 */
function requireConnectable(context: RequestContext, hub: ArmResource, id: string, remoteId: string, existing: ArmResource | undefined): ArmResource {
  const { state } = context.core;
  const remote = state.getTyped(types.virtualNetwork, remoteId);
  if (!remote) {
    throw invalidRequest('RemoteVirtualNetworkNotFound', `Remote Virtual Network '${remoteId}' not found for hub VNET connection '${id}'.`);
  }
  requireLinkedAuthorization(context, id, remote.id);
  if (existing && idKey(refId(existing.properties.remoteVirtualNetwork) ?? '') !== idKey(remote.id)) {
    throw invalidRequest('HubVirtualNetworkConnectionRemoteVnetCannotChange', `Hub VNET connection ${existing.id} is connected to ${String(refId(existing.properties.remoteVirtualNetwork))}; its remote virtual network cannot change. Delete the connection and create a new one.`);
  }
  requireConnectableVnet(state, hub, id, remote);
  return remote;
}

/**
 * The rules a VNet itself must meet to be connected to `hub` by the connection `id`, checked for a
 * connection created through ARM and for one a topology declares:
 * - "A virtual network can be connected to only one virtual hub" (Virtual WAN FAQ,
 *   learn.microsoft.com/azure/virtual-wan/virtual-wan-faq; MicrosoftDocs/azure-docs#79893);
 * - "Your virtual network doesn't have any virtual network gateways. If your virtual network has a
 *   gateway (either VPN or ExpressRoute), you must remove all gateways" (Virtual WAN tutorials,
 *   learn.microsoft.com/azure/virtual-wan/virtual-wan-expressroute-portal, prerequisites);
 * - "The address range that you specify for the virtual hub can't overlap with any of your
 *   existing virtual networks that you connect to" (same prerequisites);
 * - a hub connection is a VNet peering under the hood (MicrosoftDocs/azure-docs#107338), so a VNet
 *   overlapping a VNet already connected to the hub is refused as an overlap with an already
 *   peered VNet.
 * Only the LinkedAuthorizationFailed and the peering overlap codes are seen in public answers; the
 * others are ours (listed in the stand-in README).
 */
export function requireConnectableVnet(state: ArmState, hub: ArmResource, id: string, remote: ArmResource): void {
  const other = connectionsOfVnet(state, remote.id).find((connection) => idKey(connection.id) !== idKey(id));
  if (other) {
    throw invalidRequest(
      'VirtualNetworkAlreadyConnectedToVirtualHub',
      `Virtual network ${remote.id} cannot be connected to virtual hub ${hub.id} because it is already connected to virtual hub ${other.id.replace(/\/hubVirtualNetworkConnections\/[^/]+$/i, '')} by connection ${other.id}. A virtual network can be connected to only one virtual hub.`,
    );
  }
  if (hasVirtualNetworkGateway(state, remote)) {
    throw invalidRequest(
      'VirtualNetworkWithGatewayCannotBeConnectedToVirtualHub',
      `Virtual network ${remote.id} cannot be connected to virtual hub ${hub.id} because it has a virtual network gateway. Remove the VPN or ExpressRoute gateway first; a connected virtual network uses the hub's gateways.`,
    );
  }
  const hubPrefix = typeof hub.properties.addressPrefix === 'string' ? [hub.properties.addressPrefix] : [];
  const withHub = overlappingPrefixes(addressPrefixes(remote), hubPrefix);
  if (withHub.length > 0) {
    throw invalidRequest(
      'VirtualNetworkAddressSpaceOverlapsWithVirtualHub',
      `Virtual network ${remote.id} cannot be connected to virtual hub ${hub.id} because its address space overlaps the hub's address prefix. Overlapping address prefixes: ${withHub.join(', ')}.`,
    );
  }
  for (const connection of state.list(types.hubVirtualNetworkConnection, hub.id)) {
    const connected = state.getTyped(types.virtualNetwork, refId(connection.properties.remoteVirtualNetwork) ?? '');
    if (!connected || idKey(connection.id) === idKey(id)) {
      continue;
    }
    const overlap = overlappingPrefixes(addressPrefixes(remote), addressPrefixes(connected));
    if (overlap.length > 0) {
      throw invalidRequest(
        'VnetAddressSpaceOverlapsWithAlreadyPeeredVnet',
        `Cannot create or update hub VNET connection ${id}. Virtual network ${remote.id} cannot be connected to virtual hub ${hub.id} because its address space overlaps with address space of virtual network ${connected.id} already connected to the hub. Overlapping address prefixes: ${overlap.join(', ')}.`,
      );
    }
  }
}

export const virtualWanRoutes: Route[] = [
  {
    ...base,
    resourceType: 'virtualWans',
    method: 'GET',
    template: `${networkSubscriptionPath}/virtualWans`,
    handle: (context) => page(context, context.core.state.list(types.virtualWan, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    resourceType: 'virtualWans',
    method: 'GET',
    template: `${networkPath}/virtualWans`,
    handle: (context) => page(context, context.core.state.list(types.virtualWan, requireResourceGroup(context).id)),
  },
  {
    ...base,
    resourceType: 'virtualWans',
    method: 'GET',
    template: `${networkPath}/virtualWans/{virtualWANName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.virtualWan, 'virtualWANName'), context) }),
  },
  {
    ...base,
    resourceType: 'virtualHubs',
    method: 'GET',
    template: `${networkSubscriptionPath}/virtualHubs`,
    handle: (context) => page(context, context.core.state.list(types.virtualHub, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    resourceType: 'virtualHubs',
    method: 'GET',
    template: `${networkPath}/virtualHubs`,
    handle: (context) => page(context, context.core.state.list(types.virtualHub, requireResourceGroup(context).id)),
  },
  {
    ...base,
    resourceType: 'virtualHubs',
    method: 'GET',
    template: hubPath,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.virtualHub, 'virtualHubName'), context) }),
  },
  {
    ...base,
    resourceType: 'virtualHubs/hubVirtualNetworkConnections',
    method: 'GET',
    template: connectionsPath,
    handle: (context) => page(context, context.core.state.list(types.hubVirtualNetworkConnection, requireTop(context, types.virtualHub, 'virtualHubName').id)),
  },
  {
    ...base,
    resourceType: 'virtualHubs/hubVirtualNetworkConnections',
    method: 'GET',
    template: `${connectionsPath}/{connectionName}`,
    handle: (context) => {
      const hub = requireTop(context, types.virtualHub, 'virtualHubName');
      return { status: 200, body: view(requireChild(context, hub, types.hubVirtualNetworkConnection, 'connectionName'), context) };
    },
  },
  {
    ...base,
    resourceType: 'virtualHubs/hubVirtualNetworkConnections',
    method: 'PUT',
    template: `${connectionsPath}/{connectionName}`,
    handle: (context) => {
      const hub = requireTop(context, types.virtualHub, 'virtualHubName');
      const existing = findChild(context, hub, types.hubVirtualNetworkConnection, 'connectionName');
      const id = existing?.id ?? childId(hub, types.hubVirtualNetworkConnection, context.params.connectionName);
      const properties = bodyProperties(context);
      const remoteId = requireString(properties, 'remoteVirtualNetwork.id', id);
      const remote = requireConnectable(context, hub, id, remoteId, existing);
      // The connection peers the VNet with the hub: a write to the VNet must not run alongside.
      requireIdle(context, remote.id);
      const resource: ArmResource = {
        id,
        name: existing?.name ?? context.params.connectionName,
        type: types.hubVirtualNetworkConnection,
        properties: {
          allowHubToRemoteVnetTransit: true,
          allowRemoteVnetToUseHubVnetGateways: true,
          enableInternetSecurity: true,
          ...properties,
          remoteVirtualNetwork: { id: remote.id },
        },
      };
      return startPut(context, resource, { existed: existing !== undefined, holds: remote.id });
    },
  },
  {
    ...base,
    resourceType: 'virtualHubs/hubVirtualNetworkConnections',
    method: 'DELETE',
    template: `${connectionsPath}/{connectionName}`,
    handle: (context) => {
      const hub = requireTop(context, types.virtualHub, 'virtualHubName');
      const connection = findChild(context, hub, types.hubVirtualNetworkConnection, 'connectionName');
      const remoteId = refId(connection?.properties.remoteVirtualNetwork);
      if (connection && remoteId) {
        requireIdle(context, remoteId);
      }
      return startDelete(context, connection, undefined, remoteId);
    },
  },
];

