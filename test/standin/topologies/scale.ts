import { armIds, type NetworkInterfaceSpec, type SubscriptionSpec, type Topology, type VirtualNetworkSpec } from '../topology';

export interface ScaleOptions {
  subscriptions?: number;
  virtualNetworks?: number;
  networkInterfaces?: number;
}

export const scaleTenantId = '0d5f3e2a-9c41-4b7e-8a6d-2f1e3c5b7a90';
const regions = ['westeurope', 'northeurope', 'eastus', 'westus2'];

/** A deterministic subscription id for index `index`. */
export function scaleSubscriptionId(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `5ca1e000-0000-4000-8000-${hex}`;
}

/**
 * A large estate for paging and load: by default 20 subscriptions, 200 VNets and 5,000 NICs.
 * VNet k uses `10.<k>.0.0/16` (from 256 on, `172.<16+k-256>.0.0/16`), so none overlap; every
 * spoke is peered with the hub (VNet 0) from both sides, so all peerings are Connected.
 */
export function scaleTopology(options: ScaleOptions = {}): Topology {
  const subscriptionCount = options.subscriptions ?? 20;
  const vnetCount = options.virtualNetworks ?? 200;
  const nicCount = options.networkInterfaces ?? 5000;
  const subscriptions: SubscriptionSpec[] = [];
  for (let index = 0; index < subscriptionCount; index += 1) {
    subscriptions.push({
      subscriptionId: scaleSubscriptionId(index),
      displayName: index === 0 ? 'Scale Hub' : `Scale Workload ${String(index).padStart(2, '0')}`,
      tenantId: scaleTenantId,
      resourceGroups: [
        { name: 'rg-network', location: regions[index % regions.length], networkSecurityGroups: [], virtualNetworks: [], networkInterfaces: [] },
        { name: 'NetworkWatcherRG', location: regions[0], networkWatchers: regions.map((region) => ({ name: `NetworkWatcher_${region}`, location: region })) },
      ],
    });
  }
  subscriptions[0].resourceGroups.push({ name: 'rg-logs', location: regions[0], storageAccounts: regions.map((region) => ({ name: `stscale${region}`, location: region })) });
  const hubSubscription = scaleSubscriptionId(0);
  const hubVnetId = armIds.virtualNetwork(hubSubscription, 'rg-network', 'vnet-000');
  const vnets: Array<{ spec: VirtualNetworkSpec; subscriptionId: string; secondOctets: [number, number] }> = [];
  for (let k = 0; k < vnetCount; k += 1) {
    const subscription = subscriptions[k % subscriptionCount];
    const group = subscription.resourceGroups[0];
    const name = `vnet-${String(k).padStart(3, '0')}`;
    const octets: [number, number] = k < 256 ? [10, k] : [172, 16 + (k - 256)];
    const nsgName = `nsg-${String(k).padStart(3, '0')}`;
    group.networkSecurityGroups?.push({
      name: nsgName,
      rules: [{ name: 'allow-https', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPort: '443', source: 'VirtualNetwork' }],
    });
    const spec: VirtualNetworkSpec = {
      name,
      addressPrefixes: [`${octets[0]}.${octets[1]}.0.0/16`],
      subnets: [
        { name: 'snet-a', addressPrefix: `${octets[0]}.${octets[1]}.0.0/20`, networkSecurityGroupId: armIds.networkSecurityGroup(subscription.subscriptionId, 'rg-network', nsgName) },
        { name: 'snet-b', addressPrefix: `${octets[0]}.${octets[1]}.16.0/20` },
      ],
      peerings: k === 0 ? [] : [{ name: 'to-hub', remoteVirtualNetworkId: hubVnetId }],
    };
    if (k > 0) {
      // The hub's side of each peering, so both sides end Connected.
      vnets[0]?.spec.peerings?.push({ name: `to-${name}`, remoteVirtualNetworkId: armIds.virtualNetwork(subscription.subscriptionId, 'rg-network', name) });
    }
    group.virtualNetworks?.push(spec);
    vnets.push({ spec, subscriptionId: subscription.subscriptionId, secondOctets: octets });
  }
  for (let n = 0; n < nicCount; n += 1) {
    const vnet = vnets[n % vnets.length];
    const subscription = subscriptions.find((item) => item.subscriptionId === vnet.subscriptionId);
    const slot = Math.floor(n / vnets.length);
    const subnet = slot % 2 === 0 ? 'snet-a' : 'snet-b';
    const host = 4 + Math.floor(slot / 2);
    const base = subnet === 'snet-a' ? 0 : 16;
    const name = `nic-${String(n).padStart(4, '0')}`;
    const nic: NetworkInterfaceSpec = {
      name,
      subnetId: armIds.subnet(vnet.subscriptionId, 'rg-network', vnet.spec.name, subnet),
      privateIpAddress: `${vnet.secondOctets[0]}.${vnet.secondOctets[1]}.${base + Math.floor(host / 256)}.${host % 256}`,
      macAddress: `00-0D-3A-${hexByte(n >> 16)}-${hexByte(n >> 8)}-${hexByte(n)}`,
      virtualMachineId: armIds.virtualMachine(vnet.subscriptionId, 'rg-network', `vm-${String(n).padStart(4, '0')}`),
      acceleratedNetworking: n % 3 === 0,
    };
    subscription?.resourceGroups[0].networkInterfaces?.push(nic);
  }
  return { tenants: [{ tenantId: scaleTenantId, displayName: 'Scale Test Tenant', defaultDomain: 'scaletest.onmicrosoft.com' }], subscriptions };
}

function hexByte(value: number): string {
  return (value & 0xff).toString(16).toUpperCase().padStart(2, '0');
}
