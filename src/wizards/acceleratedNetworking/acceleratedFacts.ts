/**
 * What the accelerated-networking wizard knows about Azure: the NICs it may change, the VMs behind
 * them (size, availability set, power state, read in src/azure/computeReads.ts), the availability
 * sets those VMs are in, and the VM sizes Resource SKUs lists per subscription and region. Plain
 * data: the checks and the plan builder are pure functions of these. No `vscode` import here.
 */
import type { RawResource, VmSizeFact, VmSizing } from '../../azure/computeReads';

export type { RawResource, VmSizeFact, VmSizing } from '../../azure/computeReads';

/** A network interface the wizard can pick. */
export interface AcceleratedNic {
  /** Lower-cased ARM id. */
  id: string;
  /** The ARM id as Azure spells it. */
  armId: string;
  name: string;
  resourceGroup: string;
  location: string;
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  /** `enableAcceleratedNetworking` as the inventory read it. */
  enabled: boolean;
  /** Lower-cased id of the VM it is attached to. */
  vmId?: string;
  vmName?: string;
  /** Lower-cased subnet ids of its IP configurations. */
  subnetIds: string[];
}

/** A VM a plan stops or checks: what Compute says about it, and where it lives. */
export interface AcceleratedVm extends VmSizing {
  tenantId: string;
  subscriptionId: string;
}

export interface AvailabilitySetFact {
  /** Lower-cased ARM id. */
  id: string;
  name: string;
  /** Lower-cased ids of every VM in the set. */
  memberIds: string[];
}

export interface AcceleratedAnswers {
  /** Lower-cased NIC ids. */
  nicIds: string[];
}

export interface AcceleratedFacts {
  /** At least the chosen NICs. */
  nics: AcceleratedNic[];
  /** The chosen NICs as ARM returns them now, by lower-cased id: what each PUT starts from. */
  bodies: Record<string, RawResource>;
  /** The VMs of the chosen NICs and every other VM of their availability sets, as read now. */
  vms: AcceleratedVm[];
  availabilitySets: AvailabilitySetFact[];
  /** VM sizes from Resource SKUs, by `sizesKey(subscriptionId, region)`. */
  sizes: Record<string, VmSizeFact[]>;
}

/** The key of `AcceleratedFacts.sizes`: `<subscription GUID>/<region>`, lower-cased. */
export function sizesKey(subscriptionId: string, region: string): string {
  return `${subscriptionId}/${region}`.replace(/\s+/g, '').toLowerCase();
}

/** Reference fields of an IP configuration (objects with an `id`, or lists of them). */
const ipConfigurationReferences = ['subnet', 'publicIPAddress', 'gatewayLoadBalancer'] as const;
const ipConfigurationReferenceLists = ['applicationGatewayBackendAddressPools', 'loadBalancerBackendAddressPools', 'loadBalancerInboundNatRules', 'applicationSecurityGroups'] as const;
const ipConfigurationValues = ['privateIPAddress', 'privateIPAddressPrefixLength', 'privateIPAllocationMethod', 'privateIPAddressVersion', 'primary'] as const;
const nicValues = ['enableIPForwarding', 'disableTcpStateTracking', 'workloadType', 'nicType', 'auxiliaryMode', 'auxiliarySku'] as const;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function reference(value: unknown): { id: string } | undefined {
  const id = asRecord(value).id;
  return typeof id === 'string' ? { id } : undefined;
}

function copyValues(from: Record<string, unknown>, to: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    if (from[key] !== undefined && from[key] !== null) {
      to[key] = from[key];
    }
  }
}

/**
 * The PUT body that writes `nic` back as it is with `enableAcceleratedNetworking` set: what Azure
 * CLI's `az network nic update --accelerated-networking` sends, a read-modify-write. Only the
 * writable fields of NetworkInterface (network 2026-01-01) are kept; read-only ones (MAC, VM, tap
 * configurations, provisioning state) are left out, as ARM takes them from the NIC itself.
 */
export function nicUpdateBody(nic: RawResource, enableAcceleratedNetworking: boolean): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const ipConfigurations = Array.isArray(nic.properties.ipConfigurations) ? (nic.properties.ipConfigurations as unknown[]) : [];
  properties.ipConfigurations = ipConfigurations.map((entry) => {
    const configuration = asRecord(entry);
    const from = asRecord(configuration.properties);
    const to: Record<string, unknown> = {};
    for (const key of ipConfigurationReferences) {
      const ref = reference(from[key]);
      if (ref) {
        to[key] = ref;
      }
    }
    for (const key of ipConfigurationReferenceLists) {
      if (Array.isArray(from[key]) && (from[key] as unknown[]).length > 0) {
        to[key] = (from[key] as unknown[]).flatMap((item) => {
          const ref = reference(item);
          return ref ? [ref] : [];
        });
      }
    }
    copyValues(from, to, ipConfigurationValues);
    return { name: configuration.name, properties: to };
  });
  const nsg = reference(nic.properties.networkSecurityGroup);
  if (nsg) {
    properties.networkSecurityGroup = nsg;
  }
  const dns = asRecord(nic.properties.dnsSettings);
  const dnsSettings: Record<string, unknown> = {};
  copyValues(dns, dnsSettings, ['dnsServers', 'internalDnsNameLabel']);
  if (Object.keys(dnsSettings).length > 0) {
    properties.dnsSettings = dnsSettings;
  }
  copyValues(nic.properties, properties, nicValues);
  properties.enableAcceleratedNetworking = enableAcceleratedNetworking;
  return { location: nic.location, ...(nic.tags && Object.keys(nic.tags).length > 0 ? { tags: nic.tags } : {}), properties };
}
