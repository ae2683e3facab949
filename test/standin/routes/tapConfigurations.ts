import { ArmError, invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { idKey, refId, type ArmResource, type ArmState } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, page, requireChild, requireString, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

function subscriptionOfId(id: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '';
}

const base = { family: 'network', resourceType: 'networkInterfaces/tapConfigurations', namespace: 'Microsoft.Network' } as const;
const tapConfigurationsPath = `${networkPath}/networkInterfaces/{networkInterfaceName}/tapConfigurations`;

/**
 * Not confirmed against a public ARM answer: the documented limit is one tap configuration per
 * network interface, but the exact error code ARM uses was not found in public sources.
 */
/** Our code for a tap configuration whose TAP is in another tenant (Azure's is not documented). */
export const crossTenantTapCode = 'VirtualNetworkTapInAnotherTenant';

export const tapConfigurationLimitCode = 'NetworkInterfaceTapConfigurationLimitReached';

/** Keeps a TAP's `networkInterfaceTapConfigurations` list in step with the tap configurations that use it. */
export function refreshTapBackReferences(state: ArmState, tapId: string | undefined): void {
  const tap = tapId ? state.getTyped(types.virtualNetworkTap, tapId) : undefined;
  if (!tap) {
    return;
  }
  tap.properties.networkInterfaceTapConfigurations = state
    .list(types.tapConfiguration)
    .filter((configuration) => idKey(refId(configuration.properties.virtualNetworkTap) ?? '') === idKey(tap.id))
    .map((configuration) => ({ id: configuration.id }));
}

export const tapConfigurationRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: tapConfigurationsPath,
    handle: (context) => page(context, context.core.state.list(types.tapConfiguration, requireTop(context, types.networkInterface, 'networkInterfaceName').id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${tapConfigurationsPath}/{tapConfigurationName}`,
    handle: (context) => {
      const nic = requireTop(context, types.networkInterface, 'networkInterfaceName');
      return { status: 200, body: view(requireChild(context, nic, types.tapConfiguration, 'tapConfigurationName'), context) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${tapConfigurationsPath}/{tapConfigurationName}`,
    handle: (context) => {
      const { state } = context.core;
      const nic = requireTop(context, types.networkInterface, 'networkInterfaceName');
      const existing = findChild(context, nic, types.tapConfiguration, 'tapConfigurationName');
      const id = existing?.id ?? childId(nic, types.tapConfiguration, context.params.tapConfigurationName);
      const properties = bodyProperties(context);
      const tapId = requireString(properties, 'virtualNetworkTap.id', id);
      const tap = state.getTyped(types.virtualNetworkTap, tapId);
      if (!tap) {
        throw new ArmError(400, 'InvalidResourceReference', `Resource ${tapId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`, { details: [] });
      }
      if (String(tap.location ?? '').toLowerCase() !== String(nic.location ?? '').toLowerCase()) {
        // A TAP mirrors only NICs of its own region; ARM answers with the same reference error as for a missing TAP.
        throw new ArmError(400, 'InvalidResourceReference', `Resource ${tap.id} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`, { details: [] });
      }
      const tapTenant = state.subscription(subscriptionOfId(tap.id))?.tenantId.toLowerCase();
      const nicTenant = state.subscription(subscriptionOfId(nic.id))?.tenantId.toLowerCase();
      if (tapTenant !== nicTenant) {
        // "If the monitored network interfaces are in different subscriptions, the subscriptions must be
        // associated to the same Microsoft Entra tenant" (virtual network TAP overview). The code is ours.
        throw invalidRequest(crossTenantTapCode, `Virtual network TAP ${tap.id} is in another Microsoft Entra tenant than network interface ${nic.id}. A TAP mirrors only network interfaces of subscriptions in its own tenant.`);
      }
      const others = state.list(types.tapConfiguration, nic.id).filter((configuration) => idKey(configuration.id) !== idKey(id));
      if (others.length > 0) {
        throw invalidRequest(
          tapConfigurationLimitCode,
          `Network interface ${nic.id} already has tap configuration ${others[0].id}. A network interface can have only one tap configuration.`,
        );
      }
      const previousTap = existing ? refId(existing.properties.virtualNetworkTap) : undefined;
      const resource: ArmResource = {
        id,
        name: existing?.name ?? context.params.tapConfigurationName,
        type: types.tapConfiguration,
        properties: { ...properties, virtualNetworkTap: { id: tap.id } },
      };
      const reply = startPut(context, resource, {
        existed: existing !== undefined,
        onSucceeded: () => {
          refreshTapBackReferences(state, tap.id);
          refreshTapBackReferences(state, previousTap);
        },
      });
      return reply;
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${tapConfigurationsPath}/{tapConfigurationName}`,
    handle: (context) => {
      const nic = requireTop(context, types.networkInterface, 'networkInterfaceName');
      const configuration = findChild(context, nic, types.tapConfiguration, 'tapConfigurationName');
      const tapId = configuration ? refId(configuration.properties.virtualNetworkTap) : undefined;
      return startDelete(context, configuration, () => refreshTapBackReferences(context.core.state, tapId));
    },
  },
];
