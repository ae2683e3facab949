import assert from 'node:assert/strict';
import { measureEstate, spreadOverResourceGroups } from '../../../bench/treeBench';
import { scaleTopology } from '../../standin/topologies/scale';
import type { ResourceGroupSpec, Topology } from '../../standin/topology';

function small(): Topology {
  return scaleTopology({ subscriptions: 2, virtualNetworks: 6, networkInterfaces: 40 });
}

/** Lower-cased ids of every VNet, subnet and NSG the topology declares. */
function declaredIds(topology: Topology): Set<string> {
  const ids = new Set<string>();
  for (const subscription of topology.subscriptions) {
    for (const group of subscription.resourceGroups) {
      const prefix = `/subscriptions/${subscription.subscriptionId}/resourceGroups/${group.name}/providers/Microsoft.Network`;
      for (const vnet of group.virtualNetworks ?? []) {
        ids.add(`${prefix}/virtualNetworks/${vnet.name}`.toLowerCase());
        for (const subnet of vnet.subnets) {
          ids.add(`${prefix}/virtualNetworks/${vnet.name}/subnets/${subnet.name}`.toLowerCase());
        }
      }
      for (const nsg of group.networkSecurityGroups ?? []) {
        ids.add(`${prefix}/networkSecurityGroups/${nsg.name}`.toLowerCase());
      }
    }
  }
  return ids;
}

describe('tree benchmark', () => {
  describe('spreadOverResourceGroups', () => {
    it('moves every VNet, NSG and NIC into the requested number of groups and keeps the rest', () => {
      const spread = spreadOverResourceGroups(small(), 4);
      const first = spread.subscriptions[0];
      const networkGroups = first.resourceGroups.filter((group) => group.name.startsWith('rg-network-'));
      assert.deepEqual(
        networkGroups.map((group) => group.name),
        ['rg-network-00', 'rg-network-01', 'rg-network-02', 'rg-network-03'],
      );
      assert.ok(!first.resourceGroups.some((group) => group.name === 'rg-network'));
      assert.ok(first.resourceGroups.some((group) => group.name === 'NetworkWatcherRG'), 'the watchers stay where they were');
      const count = (topology: Topology, pick: (group: ResourceGroupSpec) => unknown[] | undefined): number =>
        topology.subscriptions.flatMap((subscription) => subscription.resourceGroups.flatMap((group) => pick(group) ?? [])).length;
      const picks: ((group: ResourceGroupSpec) => unknown[] | undefined)[] = [(group) => group.virtualNetworks, (group) => group.networkInterfaces, (group) => group.networkSecurityGroups];
      for (const pick of picks) {
        assert.equal(count(spread, pick), count(small(), pick));
      }
    });

    it('rewrites every subnet, NSG and peering reference to the group the resource moved to', () => {
      const spread = spreadOverResourceGroups(small(), 3);
      const ids = declaredIds(spread);
      const references: string[] = [];
      for (const subscription of spread.subscriptions) {
        for (const group of subscription.resourceGroups) {
          for (const nic of group.networkInterfaces ?? []) {
            references.push(nic.subnetId);
          }
          for (const vnet of group.virtualNetworks ?? []) {
            references.push(...vnet.subnets.flatMap((subnet) => (subnet.networkSecurityGroupId ? [subnet.networkSecurityGroupId] : [])));
            references.push(...(vnet.peerings ?? []).map((peering) => peering.remoteVirtualNetworkId));
          }
        }
      }
      assert.ok(references.length > 40);
      assert.deepEqual(references.filter((id) => !ids.has(id.toLowerCase())), []);
      assert.ok(references.some((id) => /\/resourceGroups\/rg-network-02\//.test(id)));
    });

    it('refuses a group count below one', () => {
      assert.throws(() => spreadOverResourceGroups(small(), 0), /at least 1/);
    });
  });

  describe('measureEstate', () => {
    it('loads every subscription through the tree code with the same requests whether the network sits in 1 or 5 groups', async function () {
      this.timeout(20_000);
      // Small pages so that paging is part of what is compared.
      const oneGroup = await measureEstate('one group', small(), { latencyMs: 0, pageSize: 5 });
      const spread = await measureEstate('five groups', spreadOverResourceGroups(small(), 5), { latencyMs: 0, pageSize: 5 });
      assert.deepEqual(
        oneGroup.subscriptions.map((item) => [item.name, item.vnets, item.nics]),
        [
          ['Scale Hub', 3, 20],
          ['Scale Workload 01', 3, 20],
        ],
      );
      assert.deepEqual(
        spread.subscriptions.map((item) => [item.name, item.vnets, item.nics]),
        oneGroup.subscriptions.map((item) => [item.name, item.vnets, item.nics]),
      );
      assert.ok(spread.resourceGroups > oneGroup.resourceGroups);
      assert.deepEqual(
        spread.subscriptions.map((item) => item.requests),
        oneGroup.subscriptions.map((item) => item.requests),
      );
      // 20 NICs at 5 per page: the subscription-wide list's first page, then one Resource Graph
      // query for all of them; no per-group lists.
      assert.equal(oneGroup.subscriptions[0].byRoute['GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces'], 1);
      assert.equal(oneGroup.subscriptions[0].byRoute['POST /providers/Microsoft.ResourceGraph/resources'], 1);
      const pagesOnly = await measureEstate('one group, pages only', small(), { latencyMs: 0, pageSize: 5, useResourceGraph: false });
      assert.equal(pagesOnly.subscriptions[0].byRoute['GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces'], 4);
      assert.deepEqual(pagesOnly.subscriptions.map((item) => item.nics), [20, 20]);
      assert.ok(!Object.keys(spread.subscriptions[0].byRoute).some((route) => route.includes('{resourceGroupName}/providers/Microsoft.Network/networkInterfaces')));
    });
  });
});
