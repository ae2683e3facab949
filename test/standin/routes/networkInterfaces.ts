import type { Route } from '../http';
import { types } from '../types';
import { page, registerComposer, requireResourceGroup, requireSubscription, requireTop, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';

registerComposer(types.networkInterface, (nic, context) => {
  nic.properties.tapConfigurations = context.core.state.list(types.tapConfiguration, nic.id).map((tap) => view(tap, context));
  return nic;
});

const base = { family: 'network', resourceType: 'networkInterfaces', namespace: 'Microsoft.Network' } as const;

export const networkInterfaceRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/networkInterfaces`,
    handle: (context) => page(context, context.core.state.list(types.networkInterface, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkInterfaces`,
    handle: (context) => page(context, context.core.state.list(types.networkInterface, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkInterfaces/{networkInterfaceName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.networkInterface, 'networkInterfaceName'), context) }),
  },
];
