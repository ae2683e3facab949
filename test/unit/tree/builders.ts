import type { FlowLogRef, NicRef, NsgRef, PeeringRef, SubnetRef, SubscriptionRef, VirtualNetworkTapRef, VnetRef } from '../../../src/azure/networkApi';

const sub = '/subscriptions/11111111-2222-3333-4444-555555555555';
const net = `${sub}/resourceGroups/rg-net/providers/Microsoft.Network`;

function ids(armId: string): { id: string; armId: string; name: string; resourceGroup: string; properties: unknown } {
  return { id: armId.toLowerCase(), armId, name: armId.split('/').pop()!, resourceGroup: 'rg-net', properties: {} };
}

export const armId = {
  vnet: (name: string) => `${net}/virtualNetworks/${name}`,
  subnet: (vnet: string, name: string) => `${net}/virtualNetworks/${vnet}/subnets/${name}`,
  nsg: (name: string) => `${net}/networkSecurityGroups/${name}`,
  nic: (name: string) => `${net}/networkInterfaces/${name}`,
  tap: (name: string) => `${net}/virtualNetworkTaps/${name}`,
  flowLog: (name: string) => `${net}/networkWatchers/NetworkWatcher_germanywestcentral/flowLogs/${name}`,
};

export function subscription(fields: Partial<SubscriptionRef> = {}): SubscriptionRef {
  return { id: sub, subscriptionId: sub.split('/')[2], displayName: 'Contoso Prod', tenantId: 'tenant-1', state: 'Enabled', properties: {}, ...fields };
}

export function subnet(fields: Partial<SubnetRef> & { name?: string } = {}): SubnetRef {
  const name = fields.name ?? 'snet-web';
  return { ...ids(armId.subnet('vnet-a', name)), vnetId: armId.vnet('vnet-a').toLowerCase(), addressPrefixes: ['10.1.1.0/24'], ...fields };
}

export function peering(fields: Partial<PeeringRef> = {}): PeeringRef {
  return {
    ...ids(`${armId.vnet('vnet-a')}/virtualNetworkPeerings/a-to-hub`),
    vnetId: armId.vnet('vnet-a').toLowerCase(),
    remoteVnetArmId: `/subscriptions/x/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`,
    remoteVnetId: `/subscriptions/x/resourcegroups/rg-hub/providers/microsoft.network/virtualnetworks/vnet-hub`,
    peeringState: 'Connected',
    syncLevel: 'FullyInSync',
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
    ...fields,
  };
}

export function vnet(fields: Partial<VnetRef> & { name?: string } = {}): VnetRef {
  return { ...ids(armId.vnet(fields.name ?? 'vnet-a')), location: 'germanywestcentral', addressSpace: ['10.1.0.0/16'], subnets: [], peerings: [], ...fields };
}

export function nic(fields: Partial<NicRef> & { name?: string } = {}): NicRef {
  return {
    ...ids(armId.nic(fields.name ?? 'nic-web-01')),
    location: 'germanywestcentral',
    subnetIds: [armId.subnet('vnet-a', 'snet-web').toLowerCase()],
    privateIpAddresses: ['10.1.1.4'],
    primaryPrivateIp: '10.1.1.4',
    virtualMachineName: 'vm-web-01',
    virtualMachineId: '/subscriptions/x/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-web-01',
    acceleratedNetworking: false,
    tapIds: [],
    ...fields,
  };
}

export function nsg(fields: Partial<NsgRef> & { name?: string } = {}): NsgRef {
  return { ...ids(armId.nsg(fields.name ?? 'nsg-web')), location: 'germanywestcentral', rules: [], subnetIds: [], nicIds: [], ...fields };
}

export function flowLog(fields: Partial<FlowLogRef> & { name?: string; target?: string } = {}): FlowLogRef {
  const target = fields.target ?? armId.vnet('vnet-a');
  const storage = `${sub}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogs`;
  return {
    ...ids(armId.flowLog(fields.name ?? 'fl-a')),
    watcherId: 'w',
    location: 'germanywestcentral',
    targetId: target.toLowerCase(),
    targetArmId: target,
    storageId: storage.toLowerCase(),
    storageArmId: storage,
    enabled: true,
    trafficAnalytics: false,
    ...fields,
  };
}

export function tap(fields: Partial<VirtualNetworkTapRef> = {}): VirtualNetworkTapRef {
  const destination = `${armId.nic('nic-collector')}/ipConfigurations/ipconfig1`;
  return { ...ids(armId.tap('vtap-a')), location: 'germanywestcentral', destinationArmId: destination, destinationId: destination.toLowerCase(), destinationPort: 4789, sourceIds: [], ...fields };
}
