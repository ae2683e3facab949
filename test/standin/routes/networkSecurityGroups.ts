import type { Route } from '../http';
import { types } from '../types';
import { page, registerComposer, requireResourceGroup, requireSubscription, requireTop, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';

registerComposer(types.networkSecurityGroup, (nsg, context) => {
  nsg.properties.securityRules = context.core.state.list(types.securityRule, nsg.id).map((rule) => view(rule, context));
  return nsg;
});

/** The six rules Azure adds to every network security group. */
export function defaultSecurityRules(nsgId: string): Array<Record<string, unknown>> {
  const rule = (name: string, description: string, direction: string, priority: number, source: string, destination: string, access: string) => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
    properties: {
      provisioningState: 'Succeeded',
      description,
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
    },
  });
  return [
    rule('AllowVnetInBound', 'Allow inbound traffic from all VMs in VNET', 'Inbound', 65000, 'VirtualNetwork', 'VirtualNetwork', 'Allow'),
    rule('AllowAzureLoadBalancerInBound', 'Allow inbound traffic from azure load balancer', 'Inbound', 65001, 'AzureLoadBalancer', '*', 'Allow'),
    rule('DenyAllInBound', 'Deny all inbound traffic', 'Inbound', 65500, '*', '*', 'Deny'),
    rule('AllowVnetOutBound', 'Allow outbound traffic from all VMs to all VMs in VNET', 'Outbound', 65000, 'VirtualNetwork', 'VirtualNetwork', 'Allow'),
    rule('AllowInternetOutBound', 'Allow outbound traffic from all VMs to Internet', 'Outbound', 65001, '*', 'Internet', 'Allow'),
    rule('DenyAllOutBound', 'Deny all outbound traffic', 'Outbound', 65500, '*', '*', 'Deny'),
  ];
}

const base = { family: 'network', resourceType: 'networkSecurityGroups', namespace: 'Microsoft.Network' } as const;

export const networkSecurityGroupRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/networkSecurityGroups`,
    handle: (context) => page(context, context.core.state.list(types.networkSecurityGroup, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkSecurityGroups`,
    handle: (context) => page(context, context.core.state.list(types.networkSecurityGroup, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.networkSecurityGroup, 'networkSecurityGroupName'), context) }),
  },
];
