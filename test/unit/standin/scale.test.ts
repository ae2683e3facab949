import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { scaleSubscriptionId, scaleTenantId, scaleTopology } from '../../standin/topologies/scale';
import { types } from '../../standin/types';
import { collect, sdkClients } from './standInHarness';

describe('ARM stand-in with the scale topology (20 subscriptions, 200 VNets, 5,000 NICs)', function () {
  this.timeout(20000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: scaleTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('holds the whole estate', () => {
    assert.equal(standIn.state.subscriptions.size, 20);
    assert.equal(standIn.state.count(types.virtualNetwork), 200);
    assert.equal(standIn.state.count(types.networkInterface), 5000);
    assert.equal(standIn.state.count(types.peering), 398);
  });

  it('pages every NIC of a subscription through the SDK, 50 per request', async () => {
    const { network } = sdkClients(standIn, scaleTenantId, scaleSubscriptionId(3));
    const route = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces';
    const before = standIn.requests.count(route);
    const nics = await collect(network.networkInterfaces.listAll());
    assert.equal(nics.length, 250);
    assert.equal(new Set(nics.map((nic) => nic.id)).size, 250, 'no NIC is listed twice across pages');
    assert.equal(standIn.requests.count(route) - before, 5);
  });

  it('shows the hub with a Connected peering to each of the 199 spokes', async () => {
    const { network } = sdkClients(standIn, scaleTenantId, scaleSubscriptionId(0));
    const peerings = await collect(network.virtualNetworkPeerings.list('rg-network', 'vnet-000'));
    assert.equal(peerings.length, 199);
    assert.ok(peerings.every((peering) => peering.peeringState === 'Connected'));
  });
});
