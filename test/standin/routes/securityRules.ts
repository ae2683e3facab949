import { invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { idKey, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, page, requireChild, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'networkSecurityGroups/securityRules', namespace: 'Microsoft.Network' } as const;
const rulesPath = `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}/securityRules`;

const protocols = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];

export function checkRule(id: string, properties: JsonObject): void {
  const priority = properties.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 100 || priority > 4096) {
    throw invalidRequest('SecurityRuleInvalidPriority', `Security rule ${id} has invalid Priority. Value provided: ${String(priority)} Allowed range 100-4096.`);
  }
  if (properties.direction !== 'Inbound' && properties.direction !== 'Outbound') {
    throw invalidRequest('SecurityRuleInvalidDirection', `Security rule ${id} has invalid Direction. Value provided: ${String(properties.direction)} Allowed values: Inbound, Outbound.`);
  }
  if (properties.access !== 'Allow' && properties.access !== 'Deny') {
    throw invalidRequest('SecurityRuleInvalidAccess', `Security rule ${id} has invalid Access. Value provided: ${String(properties.access)} Allowed values: Allow, Deny.`);
  }
  if (typeof properties.protocol !== 'string' || !protocols.some((protocol) => protocol.toLowerCase() === String(properties.protocol).toLowerCase())) {
    throw invalidRequest('SecurityRuleInvalidProtocol', `Security rule ${id} has invalid Protocol. Value provided: ${String(properties.protocol)} Allowed values: ${protocols.join(', ')}.`);
  }
}

export const securityRuleRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: rulesPath,
    handle: (context) => page(context, context.core.state.list(types.securityRule, requireTop(context, types.networkSecurityGroup, 'networkSecurityGroupName').id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${rulesPath}/{securityRuleName}`,
    handle: (context) => {
      const nsg = requireTop(context, types.networkSecurityGroup, 'networkSecurityGroupName');
      return { status: 200, body: view(requireChild(context, nsg, types.securityRule, 'securityRuleName'), context) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${rulesPath}/{securityRuleName}`,
    handle: (context) => {
      const nsg = requireTop(context, types.networkSecurityGroup, 'networkSecurityGroupName');
      const existing = findChild(context, nsg, types.securityRule, 'securityRuleName');
      const id = existing?.id ?? childId(nsg, types.securityRule, context.params.securityRuleName);
      const properties = bodyProperties(context);
      checkRule(id, properties);
      const clash = context.core.state
        .list(types.securityRule, nsg.id)
        .find((rule) => idKey(rule.id) !== idKey(id) && rule.properties.priority === properties.priority && rule.properties.direction === properties.direction);
      if (clash) {
        throw invalidRequest(
          'SecurityRuleConflict',
          `Security rule ${clash.name} conflicts with rule ${context.params.securityRuleName}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
        );
      }
      const resource: ArmResource = {
        id,
        name: existing?.name ?? context.params.securityRuleName,
        type: types.securityRule,
        properties: { sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [], ...properties },
      };
      return startPut(context, resource, { existed: existing !== undefined });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${rulesPath}/{securityRuleName}`,
    handle: (context) => {
      const nsg = requireTop(context, types.networkSecurityGroup, 'networkSecurityGroupName');
      return startDelete(context, findChild(context, nsg, types.securityRule, 'securityRuleName'));
    },
  },
];
