import assert from 'node:assert/strict';
import { applyBenchTopology, tapConfigurationActions, writeLimitBoundMs } from '../../../bench/applyBench';
import { actionsToSend } from '../../../src/core/plan';

describe('apply benchmark', () => {
  it('bounds N writes by the burst, then one refill interval per write, plus one request', () => {
    const limit = { bucket: 200, refillPerSecond: 10 };
    assert.equal(writeLimitBoundMs(500, limit, 100), 30_100);
    assert.equal(writeLimitBoundMs(201, limit, 100), 1_100, 'one write past the burst waits one tenth of a second, rounded up to a second');
    assert.equal(writeLimitBoundMs(150, limit, 100), 100, 'inside the burst only the latency counts');
    assert.equal(writeLimitBoundMs(1200, { bucket: 200, refillPerSecond: 25 }, 0), 40_000);
  });

  it('plans one independent tap configuration PUT per source NIC of the generated estate', () => {
    const topology = applyBenchTopology(20);
    const group = topology.subscriptions[0].resourceGroups[0];
    assert.equal(group.networkInterfaces?.length, 21, '20 sources and the collector');
    assert.equal(new Set(group.networkInterfaces?.map((nic) => nic.privateIpAddress)).size, 21, 'addresses are unique');
    assert.equal(new Set(group.networkInterfaces?.map((nic) => nic.macAddress)).size, 21, 'MACs are unique');
    const actions = tapConfigurationActions(20);
    assert.equal(actionsToSend({ kind: 'tap', title: '', summary: [], checks: [], warnings: [], actions }).length, 20);
    assert.ok(actions.every((action) => action.dependsOn.length === 0 && action.apiVersion === '2026-01-01'));
    assert.match(actions[3].resourceId, /\/networkInterfaces\/nic-src-0003\/tapConfigurations\/tapcfg-bench$/);
    assert.deepEqual(actions[0].body, { properties: { virtualNetworkTap: { id: `/subscriptions/${topology.subscriptions[0].subscriptionId}/resourceGroups/rg-bench-network/providers/Microsoft.Network/virtualNetworkTaps/vtap-bench` } } });
  });
});
