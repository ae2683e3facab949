import assert from 'node:assert/strict';
import type { NetworkApi, NetworkWatcherRef, SecurityRuleRef } from '../../../../src/azure/networkApi';
import type { EstateSubscription } from '../../../../src/inventory/estate';
import { SubscriptionInventory } from '../../../../src/inventory/subscriptionInventory';
import { readTightenEstate } from '../../../../src/wizards/tighten/tightenEstate';
import { armId, flowLog, nic, nsg, peering, subnet, subscription, vnet } from '../../tree/builders';

const hubArmId = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub';
const webSubnet = armId.subnet('vnet-a', 'snet-web').toLowerCase();
const nsgWeb = armId.nsg('nsg-web').toLowerCase();
const nsgNic = armId.nsg('nsg-nic').toLowerCase();

function rule(fields: Partial<SecurityRuleRef>): SecurityRuleRef {
  return { name: 'r', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '*', sourcePorts: '*', destination: '*', destinationPorts: '443', ...fields };
}

/** vnet-a (peered with vnet-hub) with snet-web behind nsg-web; nic-web-01 there with its own nsg-nic; nic-app-01 in another subnet. */
function api(): NetworkApi {
  const watcher: NetworkWatcherRef = { id: 'w', armId: 'W', name: 'NetworkWatcher_germanywestcentral', resourceGroup: 'NetworkWatcherRG', location: 'germanywestcentral', properties: {} };
  return {
    listTenants: async () => [],
    listSubscriptions: async () => [],
    listVnets: async () => [
      vnet({ subnets: [subnet({ networkSecurityGroupId: nsgWeb }), subnet({ name: 'snet-app', addressPrefixes: ['10.1.2.0/24'] })], peerings: [peering({ remoteVnetId: hubArmId.toLowerCase(), remoteVnetArmId: hubArmId })] }),
      vnet({ name: 'vnet-hub', addressSpace: ['10.0.0.0/16'] }),
    ],
    listNics: async () => [
      nic({ networkSecurityGroupId: nsgNic, macAddress: '00-0D-3A-7A-10-01' }),
      nic({ name: 'nic-app-01', subnetIds: [armId.subnet('vnet-a', 'snet-app').toLowerCase()], privateIpAddresses: ['10.1.2.4'] }),
    ],
    listNsgs: async () => [
      nsg({ rules: [rule({ name: 'allow-https', source: 'Internet' })], subnetIds: [webSubnet] }),
      nsg({ name: 'nsg-nic', rules: [rule({ name: 'allow-all', protocol: '*', destinationPorts: '*', source: '10.0.0.0/16, 10.1.0.0/16' })], nicIds: [armId.nic('nic-web-01').toLowerCase()] }),
    ],
    listNetworkWatchers: async () => [watcher],
    listVirtualNetworkTaps: async () => [],
    listFlowLogs: async () => [flowLog(), flowLog({ name: 'fl-hub', target: hubArmId }), flowLog({ name: 'fl-off', target: armId.nsg('nsg-web'), enabled: false })],
    listPacketCaptures: async () => [],
  };
}

async function estate() {
  const entry: EstateSubscription = { subscription: subscription(), account: {} as EstateSubscription['account'], inventory: new SubscriptionInventory(api(), subscription()) };
  return readTightenEstate([entry], (_what, error) => error);
}

describe('Tighten NSG estate', () => {
  it('finds the interfaces behind an NSG with both NSGs on their path and the VirtualNetwork tag of their VNet and its peers', async () => {
    const read = await estate();
    assert.deepEqual(read.nsgs.map((candidate) => candidate.name), ['nsg-nic', 'nsg-web']);
    const [web] = read.interfacesOf(nsgWeb);
    assert.equal(read.interfacesOf(nsgWeb).length, 1, 'nic-app-01 is in a subnet without nsg-web');
    assert.equal(web.name, 'nic-web-01');
    assert.equal(web.mac, '000D3A7A1001');
    assert.deepEqual(web.context.virtualNetworkPrefixes, ['10.1.0.0/16', '10.0.0.0/16']);
    assert.equal(web.path.subnetNsg?.id, nsgWeb);
    assert.deepEqual(web.path.subnetNsg?.rules.map((candidate) => candidate.sourceAddressPrefixes), [['Internet']]);
    assert.deepEqual(web.path.nicNsg?.rules[0].sourceAddressPrefixes, ['10.0.0.0/16', '10.1.0.0/16']);
    assert.equal(read.nicIdOfMac('000d3a7a1001'), armId.nic('nic-web-01').toLowerCase());
  });

  it('names the NSG of a row: the NSG, a subnet’s, a NIC’s own before its subnet’s; none for a VNet', async () => {
    const read = await estate();
    assert.equal(read.nsgOfRow(armId.nsg('nsg-web')), nsgWeb);
    assert.equal(read.nsgOfRow(armId.subnet('vnet-a', 'snet-web')), nsgWeb);
    assert.equal(read.nsgOfRow(armId.nic('nic-web-01')), nsgNic);
    assert.equal(read.nsgOfRow(armId.nic('nic-app-01')), undefined);
    assert.equal(read.nsgOfRow(armId.vnet('vnet-a')), undefined);
  });

  it('reads the enabled flow logs that log the interfaces, and takes the NSG’s rules from the body read now', async () => {
    const read = await estate();
    assert.deepEqual(read.flowLogsOf(nsgWeb).map((candidate) => candidate.name), ['fl-a'], 'the VNet flow log; not the hub’s, not the disabled one');
    const facts = read.facts(nsgWeb, { id: armId.nsg('nsg-web'), location: 'germanywestcentral', properties: { securityRules: [{ name: 'now', properties: { priority: 300, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22' } }] } }, { from: 0, to: 1, source: 'test' });
    assert.deepEqual(facts.interfaces[0].path.subnetNsg?.rules.map((candidate) => candidate.name), ['now']);
    assert.deepEqual(facts.interfaces[0].path.nicNsg?.rules.map((candidate) => candidate.name), ['allow-all'], 'the other NSG as the inventory lists it');
    assert.ok(facts.subnetPrefixes.includes('10.1.2.0/24'));
    assert.deepEqual(facts.vnetPrefixes, ['10.1.0.0/16', '10.0.0.0/16']);
  });
});
