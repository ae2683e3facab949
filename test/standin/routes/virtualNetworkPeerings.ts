import { ArmError, invalidRequest } from '../armErrors';
import { overlappingPrefixes } from '../cidr';
import { authenticate } from '../auth';
import type { RequestContext, Route } from '../http';
import { asObject, asStrings, idKey, refId, type ArmResource, type ArmState } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, newGuid, page, requireChild, requireIdle, requireString, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

/** Our code for an update of a Disconnected peering (Azure's own is not documented). */
export const disconnectedPeeringCode = 'CannotUpdateDisconnectedPeering';

const base = { family: 'network', resourceType: 'virtualNetworks/virtualNetworkPeerings', namespace: 'Microsoft.Network' } as const;
const peeringsPath = `${networkPath}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings`;

function addressPrefixes(vnet: ArmResource): string[] {
  return asStrings(asObject(vnet.properties.addressSpace).addressPrefixes);
}

/** The peering on `from` whose remote is `to`, if any. */
export function peeringBetween(state: ArmState, from: ArmResource, to: ArmResource): ArmResource | undefined {
  return state.list(types.peering, from.id).find((peering) => idKey(refId(peering.properties.remoteVirtualNetwork) ?? '') === idKey(to.id));
}

/**
 * ARM's peering states: a new peering is `Initiated` until the remote VNet has a peering back,
 * then both are `Connected`; deleting one side leaves the other `Disconnected`.
 */
export function settlePeeringState(state: ArmState, local: ArmResource, remote: ArmResource): void {
  const forward = peeringBetween(state, local, remote);
  const backward = peeringBetween(state, remote, local);
  if (!forward) {
    if (backward && backward.properties.peeringState === 'Connected') {
      backward.properties.peeringState = 'Disconnected';
    }
    return;
  }
  if (backward && backward.properties.peeringState !== 'Disconnected' && backward.properties.provisioningState !== 'Updating') {
    forward.properties.peeringState = 'Connected';
    backward.properties.peeringState = 'Connected';
  } else {
    forward.properties.peeringState = 'Initiated';
  }
}

/**
 * A peering whose remote VNet is in another tenant than the caller's token needs an
 * `x-ms-authorization-auxiliary: Bearer <token>` for that tenant; without one ARM refuses with
 * `LinkedAuthorizationFailed` (403).
 */
export function requireLinkedAuthorization(context: RequestContext, peeringId: string, remoteId: string): void {
  const remoteSubscriptionId = /^\/subscriptions\/([^/]+)/i.exec(remoteId)?.[1] ?? '';
  const remoteTenant = context.core.state.subscription(remoteSubscriptionId)?.tenantId.toLowerCase();
  if (remoteTenant === undefined || remoteTenant === context.claims.tid.toLowerCase()) {
    return;
  }
  const header = context.headers?.['x-ms-authorization-auxiliary'];
  const tenants = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .flatMap((value) => {
      try {
        return [authenticate(value).tid.toLowerCase()];
      } catch {
        return [];
      }
    });
  if (!tenants.includes(remoteTenant)) {
    throw new ArmError(
      403,
      'LinkedAuthorizationFailed',
      `The client has permission to perform action 'Microsoft.Network/virtualNetworks/peer/action' on scope '${peeringId}', however the current tenant '${context.claims.tid}' is not authorized to access linked subscription '${remoteSubscriptionId}'.`,
    );
  }
}

/** The address space a peering of `vnet` peered with: its `remoteAddressSpace`, else the remote VNet's current one. */
function peeredPrefixes(state: ArmState, peering: ArmResource): string[] {
  const peered = asStrings(asObject(peering.properties.remoteAddressSpace).addressPrefixes);
  if (peered.length > 0) {
    return peered;
  }
  const remote = state.getTyped(types.virtualNetwork, refId(peering.properties.remoteVirtualNetwork) ?? '');
  return remote ? addressPrefixes(remote) : [];
}

/**
 * ARM refuses a peering between `vnet` and `remote` when either one's address space overlaps a VNet
 * the other is already peered with (peerings in any state, as a stale peering to a deleted VNet
 * still counts), with 400 `VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`. The message follows the
 * ones quoted in Azure/ResourceModules#731 and microsoft/AzureTRE#1927 and #4641: "Virtual networks
 * <first> and <second> cannot be peered because address space of the first virtual network overlaps
 * with address space of virtual network <third> already peered with the second virtual network.
 * Overlapping address prefixes: …".
 */
function requireNoOverlapWithPeered(state: ArmState, vnet: ArmResource, remote: ArmResource, id: string): void {
  for (const [first, second] of [[vnet, remote], [remote, vnet]] as const) {
    for (const peering of state.list(types.peering, second.id)) {
      const thirdId = refId(peering.properties.remoteVirtualNetwork) ?? '';
      if (idKey(thirdId) === idKey(first.id)) {
        continue;
      }
      const overlap = overlappingPrefixes(addressPrefixes(first), peeredPrefixes(state, peering));
      if (overlap.length > 0) {
        throw invalidRequest(
          'VnetAddressSpaceOverlapsWithAlreadyPeeredVnet',
          `Cannot create or update peering ${id}. Virtual networks ${first.id} and ${second.id} cannot be peered because address space of the first virtual network overlaps with address space of virtual network ${state.getTyped(types.virtualNetwork, thirdId)?.id ?? thirdId} already peered with the second virtual network. Overlapping address prefixes: ${overlap.join(', ')}. For more information please refer to https://aka.ms/VnetPeeringInfo`,
        );
      }
    }
  }
}

/** True when `vnet`'s GatewaySubnet holds a virtual network gateway's IP configuration. */
export function hasVirtualNetworkGateway(state: ArmState, vnet: ArmResource): boolean {
  const subnet = state.list(types.subnet, vnet.id).find((candidate) => candidate.name.toLowerCase() === 'gatewaysubnet');
  const configurations = Array.isArray(subnet?.properties.ipConfigurations) ? subnet.properties.ipConfigurations : [];
  return configurations.some((configuration) => /\/providers\/microsoft\.network\/virtualnetworkgateways\//i.test(refId(configuration) ?? ''));
}

/**
 * ARM's rules for `useRemoteGateways: true` on the peering `id` of `vnet`: the remote VNet has a
 * gateway (`RemoteVnetHasNoGateways`, as Azure answers it), the remote's peering back exists and
 * allows gateway transit, and no other peering of `vnet` already uses remote gateways.
 */
function requireRemoteGateway(state: ArmState, vnet: ArmResource, remote: ArmResource, id: string): void {
  if (!hasVirtualNetworkGateway(state, remote)) {
    throw invalidRequest('RemoteVnetHasNoGateways', `Peering ${id} cannot have UseRemoteGateway flag set to true because remote virtual network ${remote.id} referenced by the peering does not have any gateways.`);
  }
  const back = peeringBetween(state, remote, vnet);
  if (back?.properties.allowGatewayTransit !== true) {
    throw invalidRequest(
      'RemotePeeringDoesNotAllowGatewayTransit',
      `Peering ${id} cannot have UseRemoteGateways flag set to true, because corresponding remote peering ${back?.id ?? `on ${remote.id}`} ${back ? 'has AllowGatewayTransit flag set to false' : 'does not exist'}.`,
    );
  }
  const other = state.list(types.peering, vnet.id).find((peering) => idKey(peering.id) !== idKey(id) && peering.properties.useRemoteGateways === true);
  if (other) {
    throw invalidRequest('AnotherPeeringAlreadyUsesRemoteGateways', `Peering ${id} cannot have UseRemoteGateways flag set to true, because another peering ${other.id} already has UseRemoteGateways flag set to true.`);
  }
}

/**
 * After `vnet`'s address space changed: peerings pointing at it see the new space as
 * `remoteVirtualNetworkAddressSpace` but keep the peered `remoteAddressSpace` until synced
 * (`LocalNotInSync`); its own peerings wait on those remote sides (`RemoteNotInSync`).
 */
export function markAddressSpaceChanged(state: ArmState, vnet: ArmResource): void {
  const current = { addressPrefixes: addressPrefixes(vnet) };
  for (const peering of state.list(types.peering)) {
    if (idKey(refId(peering.properties.remoteVirtualNetwork) ?? '') !== idKey(vnet.id)) {
      continue;
    }
    peering.properties.remoteVirtualNetworkAddressSpace = structuredClone(current);
    const peered = asStrings(asObject(peering.properties.remoteAddressSpace).addressPrefixes);
    const inSync = peered.length === current.addressPrefixes.length && peered.every((prefix, index) => prefix === current.addressPrefixes[index]);
    peering.properties.peeringSyncLevel = combineSync(peering.properties.peeringSyncLevel, 'local', !inSync);
    const owner = state.getTyped(types.virtualNetwork, peering.id.split('/').slice(0, -2).join('/'));
    const back = owner ? peeringBetween(state, vnet, owner) : undefined;
    if (back) {
      back.properties.peeringSyncLevel = combineSync(back.properties.peeringSyncLevel, 'remote', !inSync);
    }
  }
}

/** Sets or clears the local or remote half of a peering sync level. */
function combineSync(level: unknown, half: 'local' | 'remote', stale: boolean): string {
  const text = typeof level === 'string' ? level : 'FullyInSync';
  let local = text === 'LocalNotInSync' || text === 'LocalAndRemoteNotInSync';
  let remote = text === 'RemoteNotInSync' || text === 'LocalAndRemoteNotInSync';
  if (half === 'local') {
    local = stale;
  } else {
    remote = stale;
  }
  return local && remote ? 'LocalAndRemoteNotInSync' : local ? 'LocalNotInSync' : remote ? 'RemoteNotInSync' : 'FullyInSync';
}

export function regionalCommunity(location: string | undefined): string {
  let hash = 0;
  for (const char of location ?? '') {
    hash = (hash * 31 + char.charCodeAt(0)) % 1000;
  }
  return `12076:${50000 + hash}`;
}

export const virtualNetworkPeeringRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: peeringsPath,
    handle: (context) => page(context, context.core.state.list(types.peering, requireTop(context, types.virtualNetwork, 'virtualNetworkName').id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${peeringsPath}/{virtualNetworkPeeringName}`,
    handle: (context) => {
      const vnet = requireTop(context, types.virtualNetwork, 'virtualNetworkName');
      return { status: 200, body: view(requireChild(context, vnet, types.peering, 'virtualNetworkPeeringName'), context) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${peeringsPath}/{virtualNetworkPeeringName}`,
    handle: (context) => {
      const { state } = context.core;
      const vnet = requireTop(context, types.virtualNetwork, 'virtualNetworkName');
      const existing = findChild(context, vnet, types.peering, 'virtualNetworkPeeringName');
      const id = existing?.id ?? childId(vnet, types.peering, context.params.virtualNetworkPeeringName);
      requireIdle(context, vnet.id);
      const properties = bodyProperties(context);
      if (existing?.properties.peeringState === 'Disconnected') {
        // "If the peering is in a Disconnected state … delete the peering and re-create it"
        // (virtual network peering troubleshooting, Microsoft Learn). The code is ours.
        throw invalidRequest(
          disconnectedPeeringCode,
          `Cannot update peering ${existing.id} because it is Disconnected: its remote peering was deleted. Delete this peering and create it again to reconnect the virtual networks.`,
        );
      }
      const remoteId = requireString(properties, 'remoteVirtualNetwork.id', id);
      const remote = state.getTyped(types.virtualNetwork, remoteId);
      if (!remote) {
        throw new ArmError(
          400,
          'InvalidResourceReference',
          `Resource ${remoteId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
          { details: [] },
        );
      }
      if (idKey(remote.id) === idKey(vnet.id)) {
        throw invalidRequest('CannotPeerVirtualNetworkWithItself', `Cannot create or update peering ${id}. A virtual network cannot be peered with itself.`);
      }
      const overlap = overlappingPrefixes(addressPrefixes(vnet), addressPrefixes(remote));
      if (overlap.length > 0) {
        throw invalidRequest(
          'VnetAddressSpacesOverlap',
          `Cannot create or update peering ${id}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${overlap.join(', ')}. For more information please refer to https://aka.ms/VnetPeeringInfo`,
        );
      }
      requireLinkedAuthorization(context, id, remote.id);
      requireNoOverlapWithPeered(state, vnet, remote, id);
      const other = peeringBetween(state, vnet, remote);
      if (other && idKey(other.id) !== idKey(id)) {
        throw invalidRequest('VnetPeeringAlreadyExists', `Cannot create or update peering ${id}. Peering ${other.id} between virtual networks ${vnet.id} and ${remote.id} already exists.`);
      }
      if (properties.useRemoteGateways === true) {
        requireRemoteGateway(state, vnet, remote, id);
      }
      // VirtualNetworkPeeringSync.json: `syncRemoteAddressSpace=true` makes the peering take the remote's current address space.
      const syncing = context.query.get('syncRemoteAddressSpace')?.toLowerCase() === 'true';
      const remoteSpace = { addressPrefixes: addressPrefixes(remote) };
      // An update without the sync flag keeps the address space the peering already uses.
      const peeredSpace = existing && !syncing ? asObject(existing.properties.remoteAddressSpace) : remoteSpace;
      const syncLevel = existing && !syncing ? String(existing.properties.peeringSyncLevel ?? 'FullyInSync') : combineSync(existing?.properties.peeringSyncLevel, 'local', false);
      const resource: ArmResource = {
        id,
        name: existing?.name ?? context.params.virtualNetworkPeeringName,
        type: types.peering,
        properties: {
          allowVirtualNetworkAccess: true,
          allowForwardedTraffic: false,
          allowGatewayTransit: false,
          useRemoteGateways: false,
          doNotVerifyRemoteGateways: false,
          ...properties,
          remoteVirtualNetwork: { id: remote.id },
          remoteAddressSpace: structuredClone(peeredSpace),
          remoteVirtualNetworkAddressSpace: structuredClone(remoteSpace),
          remoteBgpCommunities: { virtualNetworkCommunity: '12076:20002', regionalCommunity: regionalCommunity(remote.location) },
          peeringState: existing?.properties.peeringState ?? 'Initiated',
          peeringSyncLevel: syncLevel,
          resourceGuid: existing?.properties.resourceGuid ?? newGuid(),
        },
      };
      return startPut(context, resource, {
        existed: existing !== undefined,
        holds: vnet.id,
        onSucceeded: () => {
          settlePeeringState(state, vnet, remote);
          const back = syncing ? peeringBetween(state, remote, vnet) : undefined;
          if (back) {
            back.properties.peeringSyncLevel = combineSync(back.properties.peeringSyncLevel, 'remote', false);
          }
        },
      });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${peeringsPath}/{virtualNetworkPeeringName}`,
    handle: (context) => {
      const { state } = context.core;
      const vnet = requireTop(context, types.virtualNetwork, 'virtualNetworkName');
      const peering = findChild(context, vnet, types.peering, 'virtualNetworkPeeringName');
      const remote = peering ? state.getTyped(types.virtualNetwork, refId(peering.properties.remoteVirtualNetwork) ?? '') : undefined;
      if (peering) {
        requireIdle(context, vnet.id);
      }
      return startDelete(
        context,
        peering,
        () => {
          if (remote) {
            settlePeeringState(state, vnet, remote);
          }
        },
        vnet.id,
      );
    },
  },
];
