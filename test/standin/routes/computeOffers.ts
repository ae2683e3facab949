import { ArmError } from '../armErrors';
import { defaultComputeCatalog, familyDisplayName, findSize, quotaIn, resourceSku, type ComputeCatalog } from '../computeCatalog';
import type { Reply, RequestContext, Route } from '../http';
import type { ArmResource, ArmState, JsonObject } from '../state';
import { types } from '../types';
import { encodePath, requireSubscription } from './common';
import { subscriptionPath } from './paths';

export function catalogOf(context: RequestContext): ComputeCatalog {
  return requireSubscription(context).compute ?? defaultComputeCatalog();
}

/** `location eq 'westus'`, the only filter Resource SKUs supports (its 2021-07-01 definition says so). */
function locationFilter(filter: string | null): string | undefined {
  if (filter === null || filter.trim() === '') {
    return undefined;
  }
  const match = /^\s*location\s+eq\s+'([^']*)'\s*$/i.exec(filter);
  if (!match) {
    throw new ArmError(400, 'InvalidParameter', `The filter '${filter}' is not supported. Only the location filter is supported currently.`, { target: '$filter' });
  }
  return match[1].toLowerCase();
}

/** The vCPUs every VM of the subscription in `region` holds: quota counts allocated and deallocated VMs alike. */
export function vCpusInUse(state: ArmState, catalog: ComputeCatalog, subscriptionId: string, region: string, family?: string): number {
  return state.list(types.virtualMachine, `/subscriptions/${subscriptionId}`)
    .filter((vm: ArmResource) => String(vm.location).toLowerCase() === region.toLowerCase())
    .reduce((sum, vm) => {
      const size = findSize(catalog, String((vm.properties.hardwareProfile as JsonObject | undefined)?.vmSize ?? ''));
      if (!size || (family !== undefined && size.family.toLowerCase() !== family.toLowerCase())) {
        return sum;
      }
      return sum + size.vCPUs;
    }, 0);
}

function pagedValues(context: RequestContext, skus: JsonObject[]): Reply {
  const offset = Math.max(0, Number.parseInt(context.query.get('$skiptoken') ?? '0', 10) || 0);
  const size = context.core.pageSize;
  const body: JsonObject = { value: skus.slice(offset, offset + size) };
  if (offset + size < skus.length) {
    const query = new URLSearchParams(context.query);
    query.set('$skiptoken', String(offset + size));
    body.nextLink = `${context.core.baseUrl}${encodePath(context.path)}?${query.toString()}`;
  }
  return { status: 200, body };
}

export const computeOfferRoutes: Route[] = [
  {
    family: 'computeSkus',
    resourceType: 'skus',
    namespace: 'Microsoft.Compute',
    method: 'GET',
    template: `${subscriptionPath}/providers/Microsoft.Compute/skus`,
    // ResourceSkus_List: one entry per size and region it is listed in; restricted sizes stay listed
    // with their restriction, as Azure lists them (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available).
    handle: (context) => {
      const catalog = catalogOf(context);
      const region = locationFilter(context.query.get('$filter'));
      const skus = catalog.sizes.flatMap((size) => size.locations
        .filter((location) => region === undefined || location === region)
        .map((location) => resourceSku(size, location)));
      return pagedValues(context, skus);
    },
  },
];



/**
 * Usage_List for one region: "Total Regional vCPUs" (`cores`) and one entry per VM family of the
 * catalogue, with the vCPUs the subscription's VMs there hold (shape of Usage_List_MaximumSet_Gen.json).
 */
computeOfferRoutes.push({
  family: 'compute',
  resourceType: 'locations/usages',
  namespace: 'Microsoft.Compute',
  method: 'GET',
  template: `${subscriptionPath}/providers/Microsoft.Compute/locations/{location}/usages`,
  handle: (context) => {
    const catalog = catalogOf(context);
    const region = context.params.location.toLowerCase();
    const quota = quotaIn(catalog, region);
    const subscriptionId = context.params.subscriptionId;
    const families = [...new Set(catalog.sizes.map((size) => size.family))];
    const value: JsonObject[] = [
      { unit: 'Count', currentValue: vCpusInUse(context.core.state, catalog, subscriptionId, region), limit: quota.totalVCpus, name: { value: 'cores', localizedValue: 'Total Regional vCPUs' } },
      ...families.map((family) => ({
        unit: 'Count',
        currentValue: vCpusInUse(context.core.state, catalog, subscriptionId, region, family),
        limit: quota.family(family),
        name: { value: family, localizedValue: familyDisplayName(family) },
      })),
    ];
    return pagedValues(context, value);
  },
});
