import assert from 'node:assert/strict';
import { ActionList } from '../../../../src/wizards/shared/actionList';
import { addWatcher, addWatcherGroup, defaultWatcherArmId, defaultWatcherName } from '../../../../src/wizards/shared/networkWatcher';

const place = { subscriptionId: '11111111-2222-3333-4444-555555555555', subscriptionName: 'Dev', tenantId: 'tenant-1', location: 'UKSouth' };

describe('network watcher planning', () => {
  it('names the watcher as Azure does: NetworkWatcher_<region> in NetworkWatcherRG', () => {
    assert.equal(defaultWatcherName('UKSouth'), 'NetworkWatcher_uksouth');
    assert.equal(defaultWatcherArmId(place.subscriptionId, 'germanywestcentral'), `/subscriptions/${place.subscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral`);
  });

  it('creates NetworkWatcherRG, then the watcher depending on it, numbered after what the plan holds', () => {
    const list = new ActionList();
    list.add({ kind: 'put', title: 'something first', resourceId: '/x', resourceType: 'X', apiVersion: '1', dependsOn: [], tenantId: 't', existing: 'absent' });
    const group = addWatcherGroup(list, place);
    const watcher = addWatcher(list, place, [group.id]);
    assert.deepEqual(list.actions.map((action) => action.id), ['a1', 'a2', 'a3']);
    assert.equal(group.resourceId, `/subscriptions/${place.subscriptionId}/resourceGroups/NetworkWatcherRG`);
    assert.equal(group.title, 'Create resource group NetworkWatcherRG in Dev');
    assert.deepEqual(group.body, { location: 'UKSouth' });
    assert.equal(watcher.resourceId, defaultWatcherArmId(place.subscriptionId, 'uksouth'));
    assert.equal(watcher.title, 'Create network watcher NetworkWatcher_uksouth in Dev');
    assert.equal(watcher.apiVersion, '2026-01-01');
    assert.deepEqual(watcher.dependsOn, ['a2']);
    assert.deepEqual(watcher.body, { location: 'UKSouth', properties: {} });
    assert.equal(watcher.tenantId, 'tenant-1');
  });
});
