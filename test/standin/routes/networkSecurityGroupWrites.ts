import { randomUUID } from 'node:crypto';
import { ArmError, invalidRequest } from '../armErrors';
import type { RequestContext, Route } from '../http';
import { asObject, idKey, newEtag, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, requireResourceGroup, startDelete, startPut, topId } from './common';
import { defaultSecurityRules } from './networkSecurityGroups';
import { networkPath } from './paths';
import { checkRule } from './securityRules';

const base = { family: 'network', resourceType: 'networkSecurityGroups', namespace: 'Microsoft.Network' } as const;

/**
 * NetworkSecurityGroups_CreateOrUpdate (long-running): the body's `securityRules` replace the
 * group's rules, each checked as a rule PUT checks it, no two with the same priority and direction
 * (`SecurityRuleConflict`, https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules);
 * Azure adds its default rules; what the provider owns (attached subnets and NICs) is kept.
 */
function putNetworkSecurityGroup(context: RequestContext) {
  const { state } = context.core;
  const group = requireResourceGroup(context);
  const id = topId(group, types.networkSecurityGroup, context.params.networkSecurityGroupName);
  const existing = state.getTyped(types.networkSecurityGroup, id);
  const location = String(context.body.location ?? '').replace(/\s+/g, '').toLowerCase();
  if (location === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  if (existing && String(existing.location).toLowerCase() !== location) {
    throw new ArmError(400, 'InvalidResourceLocation', `The resource '${context.params.networkSecurityGroupName}' already exists in location '${String(existing.location)}' in resource group '${group.name}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
  }
  const properties = bodyProperties(context);
  const requested = Array.isArray(properties.securityRules) ? (properties.securityRules as JsonObject[]) : [];
  const nsgId = existing?.id ?? id;
  const rules: ArmResource[] = requested.map((rule) => {
    const name = String(rule.name ?? '');
    const ruleId = `${nsgId}/securityRules/${name}`;
    if (name === '') {
      throw invalidRequest('InvalidRequestFormat', `Cannot parse the request. A security rule of ${nsgId} has no name.`);
    }
    const ruleProperties = asObject(rule.properties);
    checkRule(ruleId, ruleProperties);
    return {
      id: ruleId,
      name,
      type: types.securityRule,
      etag: newEtag(),
      properties: { provisioningState: 'Succeeded', sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [], ...ruleProperties },
    };
  });
  rules.forEach((rule, index) => {
    const clash = rules.find((other, at) => at < index && other.properties.priority === rule.properties.priority && other.properties.direction === rule.properties.direction);
    if (clash) {
      throw invalidRequest('SecurityRuleConflict', `Security rule ${clash.name} conflicts with rule ${rule.name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`);
    }
  });
  const previous = existing ? structuredClone(existing) : undefined;
  const previousRules = state.list(types.securityRule, nsgId).map((rule) => structuredClone(rule));
  const resource: ArmResource = {
    id: nsgId,
    name: existing?.name ?? context.params.networkSecurityGroupName,
    type: types.networkSecurityGroup,
    location,
    tags: (context.body.tags as Record<string, string> | undefined) ?? {},
    properties: {
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      defaultSecurityRules: defaultSecurityRules(nsgId),
      subnets: existing?.properties.subnets ?? [],
      networkInterfaces: existing?.properties.networkInterfaces ?? [],
    },
  };
  for (const rule of previousRules) {
    state.delete(rule.id);
  }
  for (const rule of rules) {
    state.put(rule);
  }
  return startPut(context, resource, {
    existed: existing !== undefined,
    onFailed: () => {
      for (const rule of state.list(types.securityRule, nsgId)) {
        state.delete(rule.id);
      }
      if (previous) {
        state.put(previous);
        previousRules.forEach((rule) => state.put(rule));
      }
    },
  });
}

/** Deleting an NSG still attached to a subnet or NIC: `InUseNetworkSecurityGroupCannotBeDeleted`, as the network provider answers. */
function deleteNetworkSecurityGroup(context: RequestContext) {
  const group = requireResourceGroup(context);
  const nsg = context.core.state.getTyped(types.networkSecurityGroup, topId(group, types.networkSecurityGroup, context.params.networkSecurityGroupName));
  const users = [...((nsg?.properties.networkInterfaces as JsonObject[] | undefined) ?? []), ...((nsg?.properties.subnets as JsonObject[] | undefined) ?? [])];
  if (nsg && users.length > 0) {
    throw invalidRequest('InUseNetworkSecurityGroupCannotBeDeleted', `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.map((user) => String(user.id)).join(', ')}.`);
  }
  return startDelete(context, nsg);
}

/** Drops `resourceId` from a back-reference list (`networkInterfaces` of an NSG, `ipConfigurations` of a subnet). */
export function dropBackReference(resource: ArmResource | undefined, key: string, resourceId: string): void {
  if (resource && Array.isArray(resource.properties[key])) {
    resource.properties[key] = (resource.properties[key] as JsonObject[]).filter((reference) => { const key = idKey(String(reference.id)); return key !== idKey(resourceId) && !key.startsWith(`${idKey(resourceId)}/`); });
  }
}

export const networkSecurityGroupWriteRoutes: Route[] = [
  { ...base, method: 'PUT', template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}`, handle: putNetworkSecurityGroup },
  { ...base, method: 'DELETE', template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}`, handle: deleteNetworkSecurityGroup },
];
