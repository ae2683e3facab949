import assert from 'node:assert/strict';
import { createTestToken } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { types } from '../../standin/types';
import { collect, errorCode, rawRequest, sdkClients } from './standInHarness';

const tenantId = '5d0c7a52-8e1b-4c3f-9a6d-2b4e6f8a0c11';
const subscriptionId = '9e8d7c6b-5a49-4382-b1f0-e2d3c4b5a697';
const partnerTenantId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const partnerSubscriptionId = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const partnerVnetId = armIds.virtualNetwork(partnerSubscriptionId, 'rg-partner', 'vnet-partner');
const group = 'rg-wan';
const vnet = (name: string) => armIds.virtualNetwork(subscriptionId, group, name);
const hubId = (name: string) => armIds.virtualHub(subscriptionId, group, name);
const connectionPath = (hub: string, name: string) => `${hubId(hub)}/hubVirtualNetworkConnections/${name}?api-version=2026-01-01`;

function topology(): Topology {
  const plain = (name: string, prefix: string) => ({ name, addressPrefixes: [prefix], subnets: [{ name: 'snet-app', addressPrefix: prefix.replace(/\/\d+$/, '/24') }] });
  return {
    tenants: [{ tenantId, displayName: 'Fabrikam', defaultDomain: 'fabrikam.example' }, { tenantId: partnerTenantId, displayName: 'Partner', defaultDomain: 'partner.example' }],
    subscriptions: [
      {
        subscriptionId: partnerSubscriptionId,
        displayName: 'Partner',
        tenantId: partnerTenantId,
        resourceGroups: [{ name: 'rg-partner', location: 'westeurope', virtualNetworks: [plain('vnet-partner', '10.20.0.0/16')] }],
      },
      {
        subscriptionId,
        displayName: 'Fabrikam Network',
        tenantId,
        resourceGroups: [
          {
            name: group,
            location: 'westeurope',
            virtualNetworks: [
              plain('vnet-a', '10.10.0.0/16'),
              plain('vnet-b', '10.11.0.0/16'),
              plain('vnet-overlaps-a', '10.10.128.0/17'),
              plain('vnet-in-hub-range', '10.100.1.0/24'),
              plain('vnet-with-gateway', '10.12.0.0/16'),
            ],
            virtualWans: [
              {
                name: 'vwan-core',
                hubs: [
                  { name: 'vhub-weu', addressPrefix: '10.100.0.0/23', connections: [{ name: 'conn-a', remoteVirtualNetworkId: vnet('vnet-a') }] },
                  { name: 'vhub-neu', location: 'northeurope', addressPrefix: '10.101.0.0/23' },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('ARM stand-in: Virtual WAN hubs and VNet connections through @azure/arm-network', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const network = () => sdkClients(standIn, tenantId, subscriptionId).network;
  const put = (hub: string, name: string, body: unknown) => rawRequest(standIn, 'PUT', connectionPath(hub, name), { tenantId, body });

  before(async () => {
    standIn = await startStandIn({ topology: topology() });
    // A VPN gateway in vnet-with-gateway's GatewaySubnet.
    const gatewayId = `${armIds.resourceGroup(subscriptionId, group)}/providers/Microsoft.Network/virtualNetworkGateways/vgw-1`;
    standIn.state.put({ id: `${vnet('vnet-with-gateway')}/subnets/GatewaySubnet`, name: 'GatewaySubnet', type: types.subnet, properties: { provisioningState: 'Succeeded', addressPrefix: '10.12.255.0/27', ipConfigurations: [{ id: `${gatewayId}/ipConfigurations/default` }] } });
  });

  after(async () => {
    await standIn.close();
  });

  it('gets and lists virtual WANs and hubs, the WAN naming its hubs', async () => {
    const client = network();
    const wan = await client.virtualWans.get(group, 'vwan-core');
    const rawWan = await rawRequest(standIn, 'GET', `${armIds.virtualWan(subscriptionId, group, 'vwan-core')}?api-version=2026-01-01`, { tenantId });
    assert.deepEqual([rawWan.body.type, (rawWan.body.properties as { type?: string }).type], ['Microsoft.Network/virtualWans', 'Standard']);
    assert.deepEqual(wan.virtualHubs?.map((hub) => hub.id), [hubId('vhub-weu'), hubId('vhub-neu')]);
    assert.deepEqual((await collect(client.virtualWans.list())).map((item) => item.name), ['vwan-core']);
    assert.deepEqual((await collect(client.virtualWans.listByResourceGroup(group))).map((item) => item.name), ['vwan-core']);
    const hub = await client.virtualHubs.get(group, 'vhub-neu');
    assert.deepEqual([hub.location, hub.addressPrefix, hub.virtualWan?.id, hub.routingState, hub.virtualRouterIps], ['northeurope', '10.101.0.0/23', wan.id, 'Provisioned', ['10.101.0.4', '10.101.0.5']]);
    assert.deepEqual((await collect(client.virtualHubs.list())).map((item) => item.name), ['vhub-weu', 'vhub-neu']);
    assert.deepEqual((await collect(client.virtualHubs.listByResourceGroup(group))).map((item) => item.name), ['vhub-weu', 'vhub-neu']);
    const missing = await rawRequest(standIn, 'GET', `${hubId('vhub-none')}?api-version=2026-01-01`, { tenantId });
    assert.deepEqual([missing.status, errorCode(missing)], [404, 'ResourceNotFound']);
  });

  it('connects a VNet to a hub (long-running), reads and lists the connection, and deletes it', async () => {
    const client = network();
    const created = await client.hubVirtualNetworkConnections.createOrUpdate(group, 'vhub-weu', 'conn-b', { remoteVirtualNetwork: { id: vnet('vnet-b') }, enableInternetSecurity: false }, { updateIntervalInMs: 5 });
    assert.deepEqual([created.provisioningState, created.remoteVirtualNetwork?.id, created.enableInternetSecurity], ['Succeeded', vnet('vnet-b'), false]);
    const raw = await rawRequest(standIn, 'GET', connectionPath('vhub-weu', 'conn-b'), { tenantId });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.type, undefined, 'HubVirtualNetworkConnection has no type member');
    assert.deepEqual((await collect(client.hubVirtualNetworkConnections.list(group, 'vhub-weu'))).map((item) => item.name), ['conn-a', 'conn-b']);
    await client.hubVirtualNetworkConnections.delete(group, 'vhub-weu', 'conn-b', { updateIntervalInMs: 5 });
    const gone = await rawRequest(standIn, 'GET', connectionPath('vhub-weu', 'conn-b'), { tenantId });
    assert.deepEqual([gone.status, errorCode(gone)], [404, 'NotFound']);
    // Once deleted, the VNet can connect to the other hub.
    const moved = await put('vhub-neu', 'conn-b', { properties: { remoteVirtualNetwork: { id: vnet('vnet-b') } } });
    assert.equal(moved.status, 201);
    // Until that connection's operation ends, the VNet takes no other write (it is peered with the hub underneath).
    const busy = await rawRequest(standIn, 'PUT', `${vnet('vnet-b')}/virtualNetworkPeerings/b-to-a?api-version=2026-01-01`, { tenantId, body: { properties: { remoteVirtualNetwork: { id: vnet('vnet-a') } } } });
    assert.deepEqual([busy.status, errorCode(busy)], [409, 'AnotherOperationInProgress']);
  });

  it('refuses what ARM refuses: a second hub, a gateway, the hub range, a connected VNet overlap, a missing VNet, an unknown member', async () => {
    const secondHub = await put('vhub-neu', 'conn-a2', { properties: { remoteVirtualNetwork: { id: vnet('vnet-a') } } });
    assert.deepEqual([secondHub.status, errorCode(secondHub)], [400, 'VirtualNetworkAlreadyConnectedToVirtualHub']);
    const sameHubAgain = await put('vhub-weu', 'conn-a-copy', { properties: { remoteVirtualNetwork: { id: vnet('vnet-a') } } });
    assert.deepEqual([sameHubAgain.status, errorCode(sameHubAgain)], [400, 'VirtualNetworkAlreadyConnectedToVirtualHub']);
    const gateway = await put('vhub-weu', 'conn-gw', { properties: { remoteVirtualNetwork: { id: vnet('vnet-with-gateway') } } });
    assert.deepEqual([gateway.status, errorCode(gateway)], [400, 'VirtualNetworkWithGatewayCannotBeConnectedToVirtualHub']);
    const hubRange = await put('vhub-weu', 'conn-range', { properties: { remoteVirtualNetwork: { id: vnet('vnet-in-hub-range') } } });
    assert.deepEqual([hubRange.status, errorCode(hubRange)], [400, 'VirtualNetworkAddressSpaceOverlapsWithVirtualHub']);
    assert.match(String((hubRange.body.error as { message: string }).message), /10\.100\.1\.0\/24, 10\.100\.0\.0\/23/);
    const overlap = await put('vhub-weu', 'conn-overlap', { properties: { remoteVirtualNetwork: { id: vnet('vnet-overlaps-a') } } });
    assert.deepEqual([overlap.status, errorCode(overlap)], [400, 'VnetAddressSpaceOverlapsWithAlreadyPeeredVnet']);
    // The same VNet overlaps nothing on the other hub.
    const elsewhere = await put('vhub-neu', 'conn-overlap', { properties: { remoteVirtualNetwork: { id: vnet('vnet-overlaps-a') } } });
    assert.equal(elsewhere.status, 201);
    const missing = await put('vhub-weu', 'conn-missing', { properties: { remoteVirtualNetwork: { id: vnet('vnet-none') } } });
    assert.deepEqual([missing.status, errorCode(missing)], [400, 'RemoteVirtualNetworkNotFound']);
    const unknown = await put('vhub-weu', 'conn-x', { properties: { remoteVirtualNetwork: { id: vnet('vnet-b') }, useRemoteGateways: true } });
    assert.deepEqual([unknown.status, errorCode(unknown)], [400, 'InvalidRequestFormat']);
    const noHub = await put('vhub-none', 'conn-x', { properties: { remoteVirtualNetwork: { id: vnet('vnet-b') } } });
    assert.deepEqual([noHub.status, errorCode(noHub)], [404, 'ResourceNotFound']);
    for (const name of ['conn-a2', 'conn-gw', 'conn-range', 'conn-missing', 'conn-x']) {
      assert.equal(standIn.state.getTyped(types.hubVirtualNetworkConnection, `${hubId('vhub-weu')}/hubVirtualNetworkConnections/${name}`), undefined);
    }
  });

  it('needs a token of the remote tenant for a VNet in another tenant', async () => {
    const body = { properties: { remoteVirtualNetwork: { id: partnerVnetId } } };
    const refused = await put('vhub-weu', 'conn-partner', body);
    assert.deepEqual([refused.status, errorCode(refused)], [403, 'LinkedAuthorizationFailed']);
    const linked = await rawRequest(standIn, 'PUT', connectionPath('vhub-weu', 'conn-partner'), {
      tenantId,
      body,
      headers: { 'x-ms-authorization-auxiliary': `Bearer ${createTestToken({ tenantId: partnerTenantId }).token}` },
    });
    assert.equal(linked.status, 201);
  });

  it('refuses a topology whose declared connection breaks the same rules', async () => {
    const declaring = (connections: Array<{ hub: string; name: string; vnet: string }>): Topology => {
      const world = topology();
      const wan = world.subscriptions[1].resourceGroups[0].virtualWans![0];
      for (const hub of wan.hubs!) {
        hub.connections = connections.filter((connection) => connection.hub === hub.name).map((connection) => ({ name: connection.name, remoteVirtualNetworkId: vnet(connection.vnet) }));
      }
      return world;
    };
    const refused = async (connections: Array<{ hub: string; name: string; vnet: string }>, message: RegExp) => {
      await assert.rejects(startStandIn({ topology: declaring(connections) }), message);
    };
    await refused([{ hub: 'vhub-weu', name: 'conn-range', vnet: 'vnet-in-hub-range' }], /^Error: Topology error: hub connection .*\/virtualHubs\/vhub-weu\/hubVirtualNetworkConnections\/conn-range: .*overlaps the hub's address prefix/);
    await refused([{ hub: 'vhub-weu', name: 'conn-a', vnet: 'vnet-a' }, { hub: 'vhub-neu', name: 'conn-a', vnet: 'vnet-a' }], /can be connected to only one virtual hub/);
    await refused([{ hub: 'vhub-weu', name: 'conn-a', vnet: 'vnet-a' }, { hub: 'vhub-weu', name: 'conn-overlap', vnet: 'vnet-overlaps-a' }], /overlaps with address space of virtual network .*vnet-a already connected to the hub/);
    await refused([{ hub: 'vhub-weu', name: 'conn-none', vnet: 'vnet-none' }], /hub connection .*conn-none refers to .*vnet-none, which is not in the topology/);
  });

  it('keeps a connection on its VNet: an update naming another VNet is refused', async () => {
    const changed = await put('vhub-weu', 'conn-a', { properties: { remoteVirtualNetwork: { id: vnet('vnet-b') } } });
    assert.deepEqual([changed.status, errorCode(changed)], [400, 'HubVirtualNetworkConnectionRemoteVnetCannotChange']);
    const same = await put('vhub-weu', 'conn-a', { properties: { remoteVirtualNetwork: { id: vnet('vnet-a') }, enableInternetSecurity: false } });
    assert.equal(same.status, 200);
  });
});
