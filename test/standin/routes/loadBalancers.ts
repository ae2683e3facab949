import type { Route } from '../http';
import { types } from '../types';
import { page, requireResourceGroup, requireSubscription, requireTop, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';

const base = { family: 'network', resourceType: 'loadBalancers', namespace: 'Microsoft.Network' } as const;

export const loadBalancerRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/loadBalancers`,
    handle: (context) => page(context, context.core.state.list(types.loadBalancer, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/loadBalancers`,
    handle: (context) => page(context, context.core.state.list(types.loadBalancer, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/loadBalancers/{loadBalancerName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.loadBalancer, 'loadBalancerName'), context) }),
  },
];
