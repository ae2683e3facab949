import type { Route } from '../http';
import { types } from '../types';
import { page, registerComposer, requireResourceGroup, requireSubscription, requireTop, view } from './common';
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
];
