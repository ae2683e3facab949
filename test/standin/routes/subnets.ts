import type { Route } from '../http';
import { types } from '../types';
import { page, requireChild, requireTop, view } from './common';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'virtualNetworks/subnets', namespace: 'Microsoft.Network' } as const;
const subnetsPath = `${networkPath}/virtualNetworks/{virtualNetworkName}/subnets`;

export const subnetRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: subnetsPath,
    handle: (context) => page(context, context.core.state.list(types.subnet, requireTop(context, types.virtualNetwork, 'virtualNetworkName').id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${subnetsPath}/{subnetName}`,
    handle: (context) => {
      const vnet = requireTop(context, types.virtualNetwork, 'virtualNetworkName');
      return { status: 200, body: view(requireChild(context, vnet, types.subnet, 'subnetName'), context) };
    },
  },
];
