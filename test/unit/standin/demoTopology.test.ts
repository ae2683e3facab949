import assert from 'node:assert/strict';
import { cidrsOverlap } from '../../standin/cidr';
import { startStandIn, type StandIn } from '../../standin/server';
import {
  demoTenantId,
  demoTopology,
  devHubConnectionId,
  devVnetId,
  secopsFlowLogStorageId,
  secopsHubVnetId,
  secopsNetworkWatcherId,
  secopsSensorsNsgId,
  secopsSensorsSubnetId,
  secopsSubscriptionId,
  virtualWanHubId,
  virtualWanId,
} from '../../standin/topologies/demo';
import { collect, sdkClients } from './standInHarness';

describe('demo estate: the security operations subscription and the Virtual WAN', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const clients = () => sdkClients(standIn, demoTenantId, secopsSubscriptionId);

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('serves a hub VNet with a sensors subnet behind an NSG, and nothing that sends or receives traffic yet', async () => {
    const { network } = clients();
    const [vnet, ...others] = await collect(network.virtualNetworks.listAll());
    assert.deepEqual(others, []);
    assert.deepEqual([vnet.id, vnet.location, vnet.addressSpace?.addressPrefixes], [secopsHubVnetId, 'germanywestcentral', ['10.40.0.0/16']]);
    assert.deepEqual(vnet.subnets?.map((subnet) => [subnet.name, subnet.addressPrefix, subnet.networkSecurityGroup?.id]), [
      ['snet-sensors', '10.40.1.0/24', secopsSensorsNsgId],
      ['snet-mgmt', '10.40.2.0/24', undefined],
    ]);
    assert.equal(vnet.subnets?.[0].id, secopsSensorsSubnetId);
    assert.deepEqual(vnet.virtualNetworkPeerings, [], 'no peerings until a set-up creates them');
    assert.deepEqual(await collect(network.networkInterfaces.listAll()), [], 'no collector VM yet');
    assert.deepEqual(await collect(network.virtualNetworkTaps.listAll()), []);
    const nsg = await network.networkSecurityGroups.get('rg-secops-network', 'nsg-secops-sensors');
    assert.ok(nsg.securityRules?.some((rule) => rule.protocol === 'Udp' && rule.destinationPortRange === '4789' && rule.access === 'Allow'), 'VXLAN from virtual network TAP is let in');
  });

  it('has a Network Watcher and a flow-log storage account in germanywestcentral, like the other subscriptions', async () => {
    const { network, storage } = clients();
    const watchers = await collect(network.networkWatchers.listAll());
    assert.deepEqual(watchers.map((watcher) => [watcher.id, watcher.location]), [[secopsNetworkWatcherId, 'germanywestcentral']]);
    const accounts = await collect(storage.storageAccounts.list());
    assert.deepEqual(accounts.map((account) => [account.id, account.location, account.kind, account.sku?.name]), [[secopsFlowLogStorageId, 'germanywestcentral', 'StorageV2', 'Standard_LRS']]);
  });

  it('has an existing Virtual WAN hub in germanywestcentral that dev\'s spoke VNet is connected to', async () => {
    const { network } = clients();
    const wan = await network.virtualWans.get('rg-secops-wan', 'vwan-contoso');
    assert.deepEqual([wan.id, wan.typePropertiesType, wan.virtualHubs?.map((hub) => hub.id)], [virtualWanId, 'Standard', [virtualWanHubId]]);
    const hub = await network.virtualHubs.get('rg-secops-wan', 'vhub-germanywestcentral');
    assert.deepEqual([hub.location, hub.addressPrefix, hub.virtualWan?.id], ['germanywestcentral', '10.90.0.0/23', virtualWanId]);
    const connections = await collect(network.hubVirtualNetworkConnections.list('rg-secops-wan', 'vhub-germanywestcentral'));
    assert.deepEqual(connections.map((connection) => [connection.id, connection.remoteVirtualNetwork?.id]), [[devHubConnectionId, devVnetId]]);
  });

  it('keeps every VNet apart from the others and from the hub prefix, but for the sandbox that deliberately overlaps prod', () => {
    const vnets = demoTopology().subscriptions.flatMap((subscription) => subscription.resourceGroups.flatMap((group) => (group.virtualNetworks ?? []).map((vnet) => ({ name: vnet.name, prefixes: vnet.addressPrefixes }))));
    const overlaps: string[] = [];
    for (const [index, left] of vnets.entries()) {
      for (const right of vnets.slice(index + 1)) {
        if (left.prefixes.some((a) => right.prefixes.some((b) => cidrsOverlap(a, b)))) {
          overlaps.push([left.name, right.name].sort().join(' & '));
        }
      }
      if (left.prefixes.some((prefix) => cidrsOverlap(prefix, '10.90.0.0/23'))) {
        overlaps.push(`${left.name} & vhub-germanywestcentral`);
      }
    }
    assert.deepEqual(overlaps, ['vnet-dev-sandbox & vnet-prod-spoke']);
  });
});
