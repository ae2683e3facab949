import { ArmError, invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { asObject, idKey, refId, type ArmResource, type ArmState } from '../state';
import { requireTapRegion } from '../tapPreview';
import { types } from '../types';
import { bodyProperties, newGuid, page, requireResourceGroup, requireSubscription, requireTop, startDelete, startPut, topId, view } from './common';
import { networkPath, networkSubscriptionPath } from './paths';

const base = { family: 'network', resourceType: 'virtualNetworkTaps', namespace: 'Microsoft.Network' } as const;

/** Finds `…/networkInterfaces/n/ipConfigurations/c` or `…/loadBalancers/l/frontendIPConfigurations/f` inside its parent. */
export function findSubResource(state: ArmState, id: string, parentType: string, collection: string): Record<string, unknown> | undefined {
  const match = new RegExp(`^(.*)/${collection}/[^/]+$`, 'i').exec(id);
  if (!match) {
    return undefined;
  }
  const parent = state.getTyped(parentType, match[1]);
  const items = parent?.properties[collection];
  if (!Array.isArray(items)) {
    return undefined;
  }
  return items.map(asObject).find((item) => typeof item.id === 'string' && idKey(item.id) === idKey(id));
}

export const virtualNetworkTapRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/virtualNetworkTaps`,
    handle: (context) => page(context, context.core.state.list(types.virtualNetworkTap, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/virtualNetworkTaps`,
    handle: (context) => page(context, context.core.state.list(types.virtualNetworkTap, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${networkPath}/virtualNetworkTaps/{tapName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.virtualNetworkTap, 'tapName'), context) }),
  },
  {
    ...base,
    method: 'PUT',
    template: `${networkPath}/virtualNetworkTaps/{tapName}`,
    handle: (context) => {
      const { state } = context.core;
      const group = requireResourceGroup(context);
      const id = topId(group, types.virtualNetworkTap, context.params.tapName);
      const existing = state.getTyped(types.virtualNetworkTap, id);
      const location = context.body.location;
      if (typeof location !== 'string' || location === '') {
        throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
      }
      requireTapRegion(requireSubscription(context), location);
      const properties = bodyProperties(context);
      const port = properties.destinationPort;
      if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
        throw invalidRequest('InvalidDestinationPort', `Virtual network TAP ${id} has destinationPort ${JSON.stringify(port)}; it must be a port number from 1 to 65535 (VXLAN's is 4789).`);
      }
      const nicConfigurationId = refId(properties.destinationNetworkInterfaceIPConfiguration);
      const frontendId = refId(properties.destinationLoadBalancerFrontEndIPConfiguration);
      if (!nicConfigurationId && !frontendId) {
        throw invalidRequest('InvalidRequestFormat', `Cannot parse the request. Virtual network TAP ${id} needs destinationNetworkInterfaceIPConfiguration.id or destinationLoadBalancerFrontEndIPConfiguration.id.`);
      }
      const destinationId = nicConfigurationId ?? frontendId ?? '';
      const destination = nicConfigurationId
        ? findSubResource(state, nicConfigurationId, types.networkInterface, 'ipConfigurations')
        : findSubResource(state, destinationId, types.loadBalancer, 'frontendIPConfigurations');
      const destinationParent = nicConfigurationId
        ? state.getTyped(types.networkInterface, destinationId.replace(/\/ipConfigurations\/[^/]+$/i, ''))
        : state.getTyped(types.loadBalancer, destinationId.replace(/\/frontendIPConfigurations\/[^/]+$/i, ''));
      // "Both resources are in the same region": ARM answers a destination elsewhere as it answers a missing one.
      if (!destination || String(destinationParent?.location ?? '').toLowerCase() !== location.replace(/\s+/g, '').toLowerCase()) {
        throw invalidRequest('InvalidResourceReference', `Resource ${destinationId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
      const resource: ArmResource = {
        id: existing?.id ?? id,
        name: existing?.name ?? context.params.tapName,
        type: types.virtualNetworkTap,
        location,
        tags: (context.body.tags as Record<string, string> | undefined) ?? {},
        properties: {
          destinationPort: 4789,
          ...properties,
          resourceGuid: existing?.properties.resourceGuid ?? newGuid().toUpperCase(),
          networkInterfaceTapConfigurations: existing?.properties.networkInterfaceTapConfigurations ?? [],
        },
      };
      if (nicConfigurationId) {
        resource.properties.destinationNetworkInterfaceIPConfiguration = { id: String(destination.id) };
      }
      return startPut(context, resource, { existed: existing !== undefined });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${networkPath}/virtualNetworkTaps/{tapName}`,
    handle: (context) => {
      const group = requireResourceGroup(context);
      const tap = context.core.state.getTyped(types.virtualNetworkTap, topId(group, types.virtualNetworkTap, context.params.tapName));
      const users = Array.isArray(tap?.properties.networkInterfaceTapConfigurations) ? tap.properties.networkInterfaceTapConfigurations : [];
      if (tap && users.length > 0) {
        throw invalidRequest(
          'InUseVirtualNetworkTapCannotBeDeleted',
          `Virtual network TAP ${tap.id} cannot be deleted because it is in use by tap configuration ${String(refId(users[0]))}. Remove the tap configurations first.`,
        );
      }
      return startDelete(context, tap);
    },
  },
];
