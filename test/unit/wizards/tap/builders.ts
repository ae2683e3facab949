import type { NsgRef, PeeringRef, SecurityRuleRef, SubnetRef, VnetRef } from '../../../../src/azure/networkApi';
import type { TapAnswers } from '../../../../src/wizards/tap/plan';
import type { TapDestination, TapEstate, TapRef, TapSourceNic } from '../../../../src/wizards/tap/tapModel';

export const subscriptionId = '11111111-2222-3333-4444-555555555555';
const group = (name: string) => `/subscriptions/${subscriptionId}/resourceGroups/${name}/providers/Microsoft.Network`;

export const armId = {
  vnet: (name: string) => `${group('rg-net')}/virtualNetworks/${name}`,
  subnet: (vnet: string, name: string) => `${group('rg-net')}/virtualNetworks/${vnet}/subnets/${name}`,
  nsg: (name: string) => `${group('rg-net')}/networkSecurityGroups/${name}`,
  nic: (name: string) => `${group('rg-app')}/networkInterfaces/${name}`,
  lb: (name: string) => `${group('rg-net')}/loadBalancers/${name}`,
  tap: (name: string) => `${group('rg-net')}/virtualNetworkTaps/${name}`,
  vm: (name: string) => `/subscriptions/${subscriptionId}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${name}`,
};
export const key = (id: string): string => id.toLowerCase();

function base(id: string, resourceGroup = 'rg-net'): { id: string; armId: string; name: string; resourceGroup: string; properties: unknown } {
  return { id: key(id), armId: id, name: id.split('/').pop() ?? id, resourceGroup, properties: {} };
}

export function rule(fields: Partial<SecurityRuleRef> = {}): SecurityRuleRef {
  return { name: 'rule', priority: 100, direction: 'Inbound', access: 'Allow', protocol: '*', source: '*', sourcePorts: '*', destination: '*', destinationPorts: '*', ...fields };
}

export function nsg(name: string, rules: SecurityRuleRef[], subnetIds: string[] = []): NsgRef {
  return { ...base(armId.nsg(name)), location: 'eastus', rules, subnetIds: subnetIds.map(key), nicIds: [] };
}

export function subnet(vnet: string, name: string, nsgName?: string): SubnetRef {
  return { ...base(armId.subnet(vnet, name)), vnetId: key(armId.vnet(vnet)), addressPrefixes: [], networkSecurityGroupId: nsgName ? key(armId.nsg(nsgName)) : undefined };
}

export function peering(from: string, to: string, peeringState = 'Connected'): PeeringRef {
  return {
    ...base(`${armId.vnet(from)}/virtualNetworkPeerings/${from}-to-${to}`),
    vnetId: key(armId.vnet(from)),
    remoteVnetId: key(armId.vnet(to)),
    remoteVnetArmId: armId.vnet(to),
    peeringState,
    allowForwardedTraffic: true,
    allowGatewayTransit: false,
    useRemoteGateways: false,
  };
}

export function vnet(name: string, subnets: SubnetRef[], peerings: PeeringRef[] = [], location = 'eastus'): VnetRef {
  return { ...base(armId.vnet(name)), location, addressSpace: [], subnets, peerings };
}

export function sourceNic(name: string, fields: Partial<TapSourceNic> & { vnet?: string; subnet?: string } = {}): TapSourceNic {
  const { vnet: vnetName = 'vnet-spoke', subnet: subnetName = 'snet-web', ...rest } = fields;
  return {
    ...base(armId.nic(name), 'rg-app'),
    subscriptionId,
    tenantId: 'tenant-1',
    location: 'eastus',
    subnetIds: [key(armId.subnet(vnetName, subnetName))],
    privateIps: ['10.1.1.5'],
    vmArmId: armId.vm(name.replace(/^nic-/, 'vm-')),
    vmName: name.replace(/^nic-/, 'vm-'),
    acceleratedNetworking: false,
    tapConfigurations: [],
    ...rest,
  };
}

export function nicDestination(fields: Partial<TapDestination> = {}): TapDestination {
  const parent = armId.nic('nic-collector-01');
  return {
    kind: 'nic',
    id: key(`${parent}/ipConfigurations/ipconfig1`),
    armId: `${parent}/ipConfigurations/ipconfig1`,
    label: 'nic-collector-01 › ipconfig1',
    parentArmId: parent,
    parentName: 'nic-collector-01',
    subscriptionId,
    tenantId: 'tenant-1',
    resourceGroup: 'rg-net',
    location: 'eastus',
    privateIp: '10.0.1.4',
    ipVersion: 'IPv4',
    subnetId: key(armId.subnet('vnet-hub', 'snet-collectors')),
    ...fields,
  };
}

export function lbDestination(fields: Partial<TapDestination> = {}): TapDestination {
  const parent = armId.lb('ilb-collectors');
  return {
    ...nicDestination(),
    kind: 'loadBalancer',
    id: key(`${parent}/frontendIPConfigurations/fe-collectors`),
    armId: `${parent}/frontendIPConfigurations/fe-collectors`,
    label: 'ilb-collectors › fe-collectors',
    parentArmId: parent,
    parentName: 'ilb-collectors',
    privateIp: '10.0.1.10',
    sku: 'Standard',
    isPublic: false,
    ...fields,
  };
}

export function tap(name: string, fields: Partial<TapRef> = {}): TapRef {
  const destination = nicDestination();
  return { ...base(armId.tap(name)), subscriptionId, tenantId: 'tenant-1', location: 'eastus', destinationId: destination.id, destinationArmId: destination.armId, destinationPort: 4789, sourceIds: [], ...fields };
}

/**
 * A hub VNet (collector NIC and ILB in snet-collectors behind nsg-collectors) peered Connected both
 * ways with vnet-spoke (nic-web-02, nic-app-01), plus vnet-lonely (not peered) and vtap-collectors.
 */
export function estate(fields: Partial<TapEstate> = {}): TapEstate {
  return {
    destinations: [nicDestination(), lbDestination()],
    nics: [sourceNic('nic-web-02'), sourceNic('nic-app-01', { subnet: 'snet-app', privateIps: ['10.1.2.4'] }), sourceNic('nic-lonely-01', { vnet: 'vnet-lonely', subnet: 'snet-a', privateIps: ['10.9.0.4'] })],
    vnets: [
      vnet('vnet-hub', [subnet('vnet-hub', 'snet-collectors', 'nsg-collectors')], [peering('vnet-hub', 'vnet-spoke')]),
      vnet('vnet-spoke', [subnet('vnet-spoke', 'snet-web'), subnet('vnet-spoke', 'snet-app')], [peering('vnet-spoke', 'vnet-hub')]),
      vnet('vnet-lonely', [subnet('vnet-lonely', 'snet-a')]),
    ],
    nsgs: [nsg('nsg-collectors', [rule({ name: 'allow-ssh', priority: 110, protocol: 'Tcp', destinationPorts: '22' })], [armId.subnet('vnet-hub', 'snet-collectors')])],
    taps: [tap('vtap-collectors')],
    ...fields,
  };
}

export function answers(fields: Partial<TapAnswers> = {}): TapAnswers {
  return {
    destinationKind: 'nic',
    destinationId: nicDestination().id,
    tap: { kind: 'existing', id: key(armId.tap('vtap-collectors')) },
    sourceIds: [key(armId.nic('nic-web-02')), key(armId.nic('nic-app-01'))],
    configurationName: 'tapcfg-vtap-collectors',
    addNsgRule: true,
    restartVms: false,
    ...fields,
  };
}
