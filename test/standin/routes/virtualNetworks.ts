import { ArmError } from '../armErrors';
import type { Route } from '../http';
import { asObject, asStrings, newEtag, type ArmResource } from '../state';
import { types } from '../types';
import { bodyProperties, newGuid, page, registerComposer, requireIdle, requireResourceGroup, requireSubscription, requireTop, startPut, topId, view } from './common';
import { markAddressSpaceChanged } from './virtualNetworkPeerings';
import { networkPath, networkSubscriptionPath } from './paths';

/** An IPv4 CIDR block as its first address (a 32-bit number) and length; undefined when it is not one. */
function ipv4Block(text: string): { start: number; length: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match || match.slice(1, 5).some((part) => Number(part) > 255) || Number(match[5]) > 32) {
    return undefined;
  }
  const address = match.slice(1, 5).reduce((sum, part) => sum * 256 + Number(part), 0);
  const length = Number(match[5]);
  const size = 2 ** (32 - length);
  return { start: address - (address % size), length };
}

/** Whether `inner` lies inside `outer` (both IPv4 CIDR blocks). */
function blockInside(inner: string, outer: string): boolean {
  const a = ipv4Block(inner);
  const b = ipv4Block(outer);
  return a !== undefined && b !== undefined && a.length >= b.length && a.start - (a.start % 2 ** (32 - b.length)) === b.start;
}

/**
 * The subnets of a new VNet's body as subnet resources. ARM refuses a subnet outside the VNet's
 * address space with NetcfgSubnetRangeOutsideVnet
 * (https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#add-a-subnet).
 */
function inlineSubnets(vnetId: string, listed: unknown, addressSpace: string[]): ArmResource[] {
  const subnets = Array.isArray(listed) ? (listed as unknown[]).map(asObject) : [];
  return subnets.map((subnet) => {
    const name = typeof subnet.name === 'string' ? subnet.name : '';
    if (name === '') {
      throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. Property 'subnets[].name' of resource ${vnetId} is required.`, { details: [] });
    }
    const properties = asObject(subnet.properties);
    const prefix = typeof properties.addressPrefix === 'string' ? properties.addressPrefix : asStrings(properties.addressPrefixes)[0];
    if (prefix === undefined || ipv4Block(prefix) === undefined) {
      throw new ArmError(400, 'InvalidAddressPrefixFormat', `Address prefix ${prefix ?? '(none)'} of resource ${vnetId}/subnets/${name} is not formatted correctly.`, { details: [] });
    }
    if (!addressSpace.some((space) => blockInside(prefix, space))) {
      throw new ArmError(400, 'NetcfgSubnetRangeOutsideVnet', `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnetId.split('/').pop()}'.`, { details: [] });
    }
    const id = `${vnetId}/subnets/${name}`;
    return {
      id,
      name,
      type: types.subnet,
      etag: newEtag(),
      properties: { provisioningState: 'Succeeded', addressPrefix: prefix, ipConfigurations: [], delegations: [], privateEndpointNetworkPolicies: 'Disabled', privateLinkServiceNetworkPolicies: 'Enabled' },
    };
  });
}

registerComposer(types.virtualNetwork, (vnet, context) => {
  const { state } = context.core;
  vnet.properties.subnets = state.list(types.subnet, vnet.id).map((subnet) => view(subnet, context));
  vnet.properties.virtualNetworkPeerings = state.list(types.peering, vnet.id).map((peering) => view(peering, context));
  return vnet;
});

const base = { family: 'network', resourceType: 'virtualNetworks', namespace: 'Microsoft.Network' } as const;

export const virtualNetworkRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/virtualNetworks`,
    handle: (context) => page(context, context.core.state.list(types.virtualNetwork, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/virtualNetworks`,
    handle: (context) => page(context, context.core.state.list(types.virtualNetwork, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/virtualNetworks/{virtualNetworkName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.virtualNetwork, 'virtualNetworkName'), context) }),
  },
  {
    // Creates a VNet or changes its address space, location or tags. A new VNet's `subnets` list is
    // created with it (name and address prefix; each inside the address space, as ARM requires).
    // Subnets and peerings are kept as their own resources: an existing VNet's list is not reconciled.
    ...base,
    method: 'PUT',
    template: `${networkPath}/virtualNetworks/{virtualNetworkName}`,
    handle: (context) => {
      const { state } = context.core;
      const group = requireResourceGroup(context);
      const id = topId(group, types.virtualNetwork, context.params.virtualNetworkName);
      const existing = state.getTyped(types.virtualNetwork, id);
      requireIdle(context, id);
      const properties = bodyProperties(context);
      const prefixes = asStrings(asObject(properties.addressSpace).addressPrefixes);
      if (prefixes.length === 0) {
        throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. Property 'addressSpace.addressPrefixes' of resource ${id} is required.`, { details: [] });
      }
      const before = existing ? asStrings(asObject(existing.properties.addressSpace).addressPrefixes) : [];
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? context.params.virtualNetworkName,
        type: types.virtualNetwork,
        location: typeof context.body.location === 'string' ? context.body.location : (existing?.location ?? group.location),
        tags: (context.body.tags as Record<string, string> | undefined) ?? existing?.tags,
        properties: {
          ...(existing?.properties ?? {}),
          addressSpace: { addressPrefixes: prefixes },
          resourceGuid: existing?.properties.resourceGuid ?? newGuid(),
          enableDdosProtection: false,
        },
      };
      const subnets = existing ? [] : inlineSubnets(id, properties.subnets, prefixes);
      const changed = before.join(',') !== prefixes.join(',');
      return startPut(context, resource, {
        existed: existing !== undefined,
        holds: id,
        onSucceeded: () => {
          if (existing && changed) {
            markAddressSpaceChanged(state, resource);
          }
          for (const subnet of subnets) {
            state.put(subnet);
          }
        },
      });
    },
  },
];
