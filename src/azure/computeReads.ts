/**
 * What Microsoft.Compute offers a subscription in a region, read with `@azure/arm-compute`: VM sizes
 * from Resource SKUs (vCPUs, accelerated networking, restrictions), vCPU usages and limits, the
 * newest version of a marketplace image, and one VM's size, availability set, NICs and power
 * state. One instance per signed-in account.
 *
 * Resource SKUs: https://learn.microsoft.com/rest/api/compute/resource-skus/list (only the
 * `location eq '…'` filter is supported); usages: https://learn.microsoft.com/rest/api/compute/usage/list;
 * image versions: https://learn.microsoft.com/rest/api/compute/virtual-machine-images/list
 * (`$orderby=name desc&$top=1` is the newest). A NIC is read as ARM returns it (generic GET by id),
 * so a plan can send it back with one property changed.
 */
import type { ResourceSku } from '@azure/arm-compute';
import { nameOf, resourceGroupOf, subscriptionOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';

/** One VM size as Resource SKUs describes it for a region. */
export interface VmSizeFact {
  /** `Standard_D2s_v5`. */
  name: string;
  /** `standardDSv5Family`, the family usages count vCPUs by. */
  family: string;
  vCPUs: number;
  memoryGB: number;
  /** Capability `AcceleratedNetworkingEnabled`. */
  acceleratedNetworking: boolean;
  /** Capability `MaxNetworkInterfaces`. */
  maxNetworkInterfaces: number;
  /** Capability `PremiumIO`: the size takes Premium SSD disks; unknown when Resource SKUs does not say. */
  premiumIO?: boolean;
  /** Why this subscription may not deploy it in the region (`NotAvailableForSubscription`, `QuotaId`), if it may not. */
  restriction?: string;
}

/** One usage of a region: `cores` (Total Regional vCPUs) or a family such as `standardDSv5Family`. */
export interface UsageFact {
  name: string;
  /** What the portal shows: "Total Regional vCPUs". */
  localizedName: string;
  current: number;
  limit: number;
}

/** A resource as a generic GET by id returns it: what a read-modify-write PUT starts from. */
export interface RawResource {
  id: string;
  location: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}

/** A VM as the accelerated-networking and collector plans need it. */
export interface VmSizing {
  armId: string;
  name: string;
  location: string;
  /** `Standard_D2s_v5`. */
  size: string;
  /** Lower-cased ARM id of its availability set, if it is in one. */
  availabilitySetId?: string;
  /** Lower-cased ARM ids of its NICs. */
  nicIds: string[];
  /** `running`, `deallocated`, `stopped`, … (the `PowerState/…` code), or `unknown`. */
  powerState: string;
  /** The principal of its system-assigned managed identity, when it has one. */
  principalId?: string;
}

function capability(sku: ResourceSku, name: string): string | undefined {
  return sku.capabilities?.find((entry) => entry.name?.toLowerCase() === name.toLowerCase())?.value;
}

function numberCapability(sku: ResourceSku, name: string): number {
  const value = Number(capability(sku, name));
  return Number.isFinite(value) ? value : 0;
}

/** The restriction that keeps this subscription from `region` (a zone-only restriction does not). */
function restrictionOf(sku: ResourceSku, region: string): string | undefined {
  const restriction = (sku.restrictions ?? []).find((entry) => entry.type === 'Location' && (entry.values ?? []).some((value) => value.toLowerCase() === region));
  return restriction === undefined ? undefined : (restriction.reasonCode ?? 'Restricted');
}

export class ComputeReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess) {
    this.clients = ArmClients.of(account);
  }

  /** The VM sizes Resource SKUs lists for `region`, sorted by vCPUs then name. */
  async vmSizes(subscriptionId: string, tenantId: string, region: string, signal?: AbortSignal): Promise<VmSizeFact[]> {
    const location = region.toLowerCase();
    const sizes: VmSizeFact[] = [];
    const client = this.clients.compute(tenantId, subscriptionId);
    for await (const sku of client.resourceSkus.list({ filter: `location eq '${location}'`, abortSignal: signal })) {
      if (sku.resourceType?.toLowerCase() !== 'virtualmachines' || !sku.name) {
        continue;
      }
      if (!(sku.locations ?? []).some((entry) => entry.toLowerCase() === location)) {
        continue;
      }
      const restriction = restrictionOf(sku, location);
      sizes.push({
        name: sku.name,
        family: sku.family ?? '',
        vCPUs: numberCapability(sku, 'vCPUs'),
        memoryGB: numberCapability(sku, 'MemoryGB'),
        acceleratedNetworking: capability(sku, 'AcceleratedNetworkingEnabled')?.toLowerCase() === 'true',
        maxNetworkInterfaces: numberCapability(sku, 'MaxNetworkInterfaces'),
        ...(capability(sku, 'PremiumIO') === undefined ? {} : { premiumIO: capability(sku, 'PremiumIO')?.toLowerCase() === 'true' }),
        ...(restriction === undefined ? {} : { restriction }),
      });
    }
    return sizes.sort((a, b) => a.vCPUs - b.vCPUs || a.name.localeCompare(b.name));
  }

  /** vCPU usages and limits of `region` (`cores` and each family). */
  async usages(subscriptionId: string, tenantId: string, region: string, signal?: AbortSignal): Promise<UsageFact[]> {
    const usages: UsageFact[] = [];
    for await (const usage of this.clients.compute(tenantId, subscriptionId).usage.list(region.toLowerCase(), { abortSignal: signal })) {
      usages.push({ name: usage.name?.value ?? '', localizedName: usage.name?.localizedValue ?? usage.name?.value ?? '', current: usage.currentValue, limit: usage.limit });
    }
    return usages;
  }

  /** The newest version of a marketplace image in `region`, or undefined when the publisher, offer or SKU has none there. */
  async latestImageVersion(subscriptionId: string, tenantId: string, region: string, image: { publisher: string; offer: string; sku: string }, signal?: AbortSignal): Promise<string | undefined> {
    const versions = await this.clients.compute(tenantId, subscriptionId).virtualMachineImages.list(region.toLowerCase(), image.publisher, image.offer, image.sku, { orderby: 'name desc', top: 1, abortSignal: signal });
    return versions[0]?.name;
  }

  /** One VM's size, availability set, NICs, power state and managed identity. */
  async vmSizing(vmArmId: string, tenantId: string, signal?: AbortSignal): Promise<VmSizing> {
    const client = this.clients.compute(tenantId, subscriptionOf(vmArmId));
    const vm = await client.virtualMachines.get(resourceGroupOf(vmArmId), nameOf(vmArmId), { expand: 'instanceView', abortSignal: signal });
    const power = vm.instanceView?.statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
    const availabilitySetId = vm.availabilitySet?.id?.toLowerCase();
    return {
      armId: vm.id ?? vmArmId,
      name: vm.name ?? nameOf(vmArmId),
      location: (vm.location ?? '').toLowerCase(),
      size: vm.hardwareProfile?.vmSize ?? '',
      ...(availabilitySetId ? { availabilitySetId } : {}),
      nicIds: (vm.networkProfile?.networkInterfaces ?? []).flatMap((nic) => (nic.id ? [nic.id.toLowerCase()] : [])),
      powerState: power ?? 'unknown',
      ...(vm.identity?.principalId ? { principalId: vm.identity.principalId } : {}),
    };
  }

  /** The VMs of an availability set (lower-cased ARM ids). */
  async availabilitySetMembers(availabilitySetArmId: string, tenantId: string, signal?: AbortSignal): Promise<string[]> {
    const client = this.clients.compute(tenantId, subscriptionOf(availabilitySetArmId));
    const set = await client.availabilitySets.get(resourceGroupOf(availabilitySetArmId), nameOf(availabilitySetArmId), { abortSignal: signal });
    return (set.virtualMachines ?? []).flatMap((vm) => (vm.id ? [vm.id.toLowerCase()] : []));
  }

  /** A network interface as ARM returns it at `apiVersion` (read-only fields included). */
  async networkInterface(nicArmId: string, tenantId: string, apiVersion: string, signal?: AbortSignal): Promise<RawResource> {
    const resource = await this.clients.resources(tenantId, subscriptionOf(nicArmId)).resources.getById(nicArmId.replace(/^\/+/, ''), apiVersion, { abortSignal: signal });
    return {
      id: resource.id ?? nicArmId,
      location: (resource.location ?? '').toLowerCase(),
      ...(resource.tags ? { tags: resource.tags } : {}),
      properties: (resource.properties ?? {}) as Record<string, unknown>,
    };
  }
}
