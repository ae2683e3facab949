import assert from 'node:assert/strict';
import { flowLogCoverage, InventoryIndex } from '../../../src/inventory/inventoryIndex';
import { armId, flowLog, nic, subnet } from '../tree/builders';

describe('InventoryIndex and flow-log coverage', () => {
  const subnetId = armId.subnet('vnet-a', 'snet-web').toLowerCase();
  const vnetId = armId.vnet('vnet-a').toLowerCase();
  const nsgId = armId.nsg('nsg-web').toLowerCase();
  const watcher = { id: 'w', armId: 'w', name: 'w', resourceGroup: 'g', location: 'germanywestcentral', properties: {} };

  it('groups NICs by each subnet they have an IP configuration in', () => {
    const index = new InventoryIndex({ nics: [nic({ name: 'a' }), nic({ name: 'b', subnetIds: [subnetId, 'other'] }), nic({ name: 'c', subnetIds: [] })] });
    assert.deepEqual(index.nicsBySubnet.get(subnetId)?.map((item) => item.name), ['a', 'b']);
    assert.deepEqual(index.nicsBySubnet.get('other')?.map((item) => item.name), ['b']);
    assert.equal(index.nicsById.size, 3);
    assert.deepEqual(index.flowLogsFor(vnetId), []);
    assert.ok(subnet());
  });

  it('prefers a flow log on the subnet, then on its VNet, then on its NSG, and ignores disabled ones', () => {
    const coverage = (flowLogs: ReturnType<typeof flowLog>[]) => flowLogCoverage(new InventoryIndex({ watchers: [{ watcher, flowLogs, packetCaptures: [] }] }), subnetId, vnetId, nsgId);
    assert.equal(coverage([]).kind, 'none');
    assert.equal(coverage([flowLog({ target: armId.nsg('nsg-web') })]).kind, 'nsg');
    assert.equal(coverage([flowLog({ target: armId.nsg('nsg-web') }), flowLog({ name: 'v', target: armId.vnet('vnet-a') })]).kind, 'vnet');
    assert.equal(coverage([flowLog({ name: 'v' }), flowLog({ name: 's', target: armId.subnet('vnet-a', 'snet-web') })]).kind, 'subnet');
    assert.equal(coverage([flowLog({ enabled: false })]).kind, 'none');
  });
});
