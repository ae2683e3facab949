import { ArmError } from '../armErrors';
import type { RequestContext, Route } from '../http';
import { asObject, type ArmResource } from '../state';
import { types } from '../types';
import { page, registerComposer, requireResourceGroup, requireSubscription, requireTop, topId, view } from './common';
import { groupPath, subscriptionPath } from './paths';

const base = { family: 'compute', resourceType: 'availabilitySets', namespace: 'Microsoft.Compute' } as const;
const setPath = `${groupPath}/providers/Microsoft.Compute/availabilitySets`;

// Whether the set already runs on hardware with accelerated networking is the stand-in's own
// bookkeeping (see checkAcceleratedNetworkingPlacement); Azure does not show it.
registerComposer(types.availabilitySet, (set) => {
  delete set.onAcceleratedNetworkingHardware;
  return set;
});

/**
 * AvailabilitySets_CreateOrUpdate (synchronous, 200): fault domains 1 to 3 and update domains 1 to
 * 20 (https://learn.microsoft.com/azure/virtual-machines/availability-set-overview); `Aligned` for
 * managed disks. Members join when a VM is created in the set, never through this call.
 */
function putAvailabilitySet(context: RequestContext) {
  const { state } = context.core;
  const group = requireResourceGroup(context);
  const id = topId(group, types.availabilitySet, context.params.availabilitySetName);
  const existing = state.getTyped(types.availabilitySet, id);
  const location = String(context.body.location ?? '').replace(/\s+/g, '').toLowerCase();
  if (location === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const properties = asObject(context.body.properties);
  const faultDomains = Number(properties.platformFaultDomainCount ?? existing?.properties.platformFaultDomainCount ?? 2);
  const updateDomains = Number(properties.platformUpdateDomainCount ?? existing?.properties.platformUpdateDomainCount ?? 5);
  if (!Number.isInteger(faultDomains) || faultDomains < 1 || faultDomains > 3) {
    throw new ArmError(400, 'InvalidParameter', `The specified fault domain count ${faultDomains} must fall in the range 1 to 3.`, { target: 'platformFaultDomainCount' });
  }
  if (!Number.isInteger(updateDomains) || updateDomains < 1 || updateDomains > 20) {
    throw new ArmError(400, 'InvalidParameter', `The specified update domain count ${updateDomains} must fall in the range 1 to 20.`, { target: 'platformUpdateDomainCount' });
  }
  const members = existing ? existing.properties.virtualMachines : [];
  if (existing && (existing.properties.platformFaultDomainCount !== faultDomains || existing.properties.platformUpdateDomainCount !== updateDomains) && Array.isArray(members) && members.length > 0) {
    throw new ArmError(409, 'OperationNotAllowed', `Changing property 'platformFaultDomainCount' or 'platformUpdateDomainCount' is not allowed while the availability set '${existing.name}' has virtual machines.`);
  }
  const set: ArmResource = {
    id: existing?.id ?? id,
    name: existing?.name ?? context.params.availabilitySetName,
    type: types.availabilitySet,
    location,
    tags: (context.body.tags as Record<string, string> | undefined) ?? {},
    sku: { name: String(asObject(context.body.sku).name ?? asObject(existing?.sku).name ?? 'Classic') },
    onAcceleratedNetworkingHardware: existing?.onAcceleratedNetworkingHardware ?? false,
    properties: { platformUpdateDomainCount: updateDomains, platformFaultDomainCount: faultDomains, virtualMachines: members },
  };
  state.put(set);
  return { status: 200, body: view(set, context) };
}

export const availabilitySetRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Compute/availabilitySets`,
    handle: (context) => page(context, context.core.state.list(types.availabilitySet, `/subscriptions/${requireSubscription(context).subscriptionId}`)),
  },
  {
    ...base,
    method: 'GET',
    template: setPath,
    handle: (context) => page(context, context.core.state.list(types.availabilitySet, requireResourceGroup(context).id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${setPath}/{availabilitySetName}`,
    handle: (context) => ({ status: 200, body: view(requireTop(context, types.availabilitySet, 'availabilitySetName'), context) }),
  },
  { ...base, method: 'PUT', template: `${setPath}/{availabilitySetName}`, handle: putAvailabilitySet },
];
