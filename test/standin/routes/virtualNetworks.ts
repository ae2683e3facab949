import { ArmError } from '../armErrors';
import type { Route } from '../http';
import { asObject, asStrings, type ArmResource } from '../state';
import { types } from '../types';
import { bodyProperties, newGuid, page, registerComposer, requireIdle, requireResourceGroup, requireSubscription, requireTop, startPut, topId, view } from './common';
import { markAddressSpaceChanged } from './virtualNetworkPeerings';
import { networkPath, networkSubscriptionPath } from './paths';

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
    // Creates a VNet or changes its address space, location or tags. Subnets and peerings are kept
    // as their own resources: a `subnets` list in the body is not reconciled here.
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
      const changed = before.join(',') !== prefixes.join(',');
      return startPut(context, resource, {
        existed: existing !== undefined,
        holds: id,
        onSucceeded: () => {
          if (existing && changed) {
            markAddressSpaceChanged(state, resource);
          }
        },
      });
    },
  },
];
