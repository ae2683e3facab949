import ipaddr from 'ipaddr.js';
import { invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { idKey, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, page, requireChild, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'networkSecurityGroups/securityRules', namespace: 'Microsoft.Network' } as const;
const rulesPath = `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}/securityRules`;

const protocols = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];

/** `*`, a port, or a `low-high` range within 0–65535. */
function isPortRange(value: string): boolean {
  if (value === '*') {
    return true;
  }
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!match) {
    return false;
  }
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return low <= high && high <= 65535;
}

/** A service tag (`VirtualNetwork`, `Storage.WestEurope`) or `*`, rather than an address. */
function isTagOrAny(value: string): boolean {
  return value === '*' || /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/.test(value);
}

/** An address, or a CIDR block written with its network address (Azure refuses `50.206.209.68/27`). */
function isAddressPrefix(value: string): boolean {
  try {
    if (!value.includes('/')) {
      return ipaddr.isValid(value);
    }
    const [address, length] = ipaddr.parseCIDR(value);
    const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
    return network.toString() === address.toString() && length >= 0;
  } catch {
    return false;
  }
}

function stringsOf(single: unknown, many: unknown): { single: string[]; many: string[] } {
  return {
    single: typeof single === 'string' ? [single] : [],
    many: Array.isArray(many) ? many.filter((value): value is string => typeof value === 'string') : [],
  };
}

/**
 * Port ranges and address prefixes as the network provider checks them: `SecurityRuleInvalidPortRange`,
 * `SecurityRuleInvalidAddressPrefix`, and `SecurityRuleParameterContainsUnsupportedValue` for a tag or
 * `*` in an address list (only the single-valued field takes those). Messages as Azure words them.
 */
function checkRanges(id: string, properties: JsonObject): void {
  for (const [single, many] of [['sourcePortRange', 'sourcePortRanges'], ['destinationPortRange', 'destinationPortRanges']] as const) {
    const values = stringsOf(properties[single], properties[many]);
    const wrong = [...values.single, ...values.many].find((value) => !isPortRange(value));
    if (wrong !== undefined) {
      throw invalidRequest('SecurityRuleInvalidPortRange', `Security rule has invalid Port range. Value provided: ${wrong}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`);
    }
  }
  for (const [single, many, parameter] of [['sourceAddressPrefix', 'sourceAddressPrefixes', 'SourceAddressPrefix'], ['destinationAddressPrefix', 'destinationAddressPrefixes', 'DestinationAddressPrefix']] as const) {
    const values = stringsOf(properties[single], properties[many]);
    const tagInList = values.many.find(isTagOrAny);
    if (tagInList !== undefined) {
      throw invalidRequest('SecurityRuleParameterContainsUnsupportedValue', `Security rule parameter ${parameter} for rule with Id ${id} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${tagInList}.`);
    }
    const wrong = [...values.single.filter((value) => !isTagOrAny(value)), ...values.many].find((value) => !isAddressPrefix(value));
    if (wrong !== undefined) {
      throw invalidRequest('SecurityRuleInvalidAddressPrefix', `Security rule ${id} has invalid Address prefix. Value provided: ${wrong}`);
    }
  }
}

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
  checkRanges(id, properties);
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
