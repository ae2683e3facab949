import assert from 'node:assert/strict';
import { isBlocked, actionsToSend } from '../../../../src/core/plan';
import type { ExistingCapture } from '../../../../src/wizards/packetCapture/captureFacts';
import { planPacketCapture } from '../../../../src/wizards/packetCapture/plan';
import { answers, facts, storageArmId, sub, vm, vmArmId, watcherArmId } from './builders';

const status = (plan: ReturnType<typeof planPacketCapture>, id: string) => plan.checks.find((check) => check.id === id)?.status;

describe('packet capture plan', () => {
  it('creates only the capture when the VM runs, has the agent, and the watcher exists: body per PacketCaptureCreate', () => {
    const plan = planPacketCapture(answers(), facts());
    assert.equal(isBlocked(plan), false);
    assert.equal(plan.kind, 'packetCapture');
    assert.equal(plan.actions.length, 1);
    const [capture] = plan.actions;
    assert.equal(capture.resourceId, `${watcherArmId}/packetCaptures/pc-app`);
    assert.equal(capture.apiVersion, '2026-01-01');
    assert.deepEqual(capture.body, {
      properties: {
        target: vmArmId,
        targetType: 'AzureVM',
        bytesToCapturePerPacket: 0,
        totalBytesPerSession: 1073741824,
        timeLimitInSeconds: 600,
        storageLocation: { storageId: storageArmId, filePath: '/var/captures/pc-app.cap' },
        filters: [{ protocol: 'TCP', localIPAddress: '10.1.2.4', localPort: '443' }],
      },
    });
    assert.deepEqual(plan.checks.map((check) => [check.id, check.status]), [
      ['vmRunning', 'passed'], ['filePath', 'passed'], ['storageRegion', 'passed'], ['storageTier', 'passed'], ['networkWatcher', 'passed'], ['agent', 'passed'], ['captureName', 'passed'],
    ]);
  });

  it('installs the agent extension per OS before the capture when it is missing (a fixed check)', () => {
    const plan = planPacketCapture(answers({ destination: 'file', filePath: 'D:\\captures\\pc.cap' }), facts({ vm: vm({ osType: 'Windows', extensions: [] }) }));
    assert.equal(isBlocked(plan), false);
    const [extension, capture] = plan.actions;
    assert.equal(extension.resourceId, `${vmArmId}/extensions/AzureNetworkWatcherExtension`);
    assert.equal(extension.resourceType, 'Microsoft.Compute/virtualMachines/extensions');
    assert.deepEqual(extension.body, {
      location: 'germanywestcentral',
      properties: { publisher: 'Microsoft.Azure.NetworkWatcher', type: 'NetworkWatcherAgentWindows', typeHandlerVersion: '1.4', autoUpgradeMinorVersion: true },
    });
    assert.deepEqual(capture.dependsOn, [extension.id]);
    const agent = plan.checks.find((check) => check.id === 'agent');
    assert.equal(agent?.status, 'fixed');
    assert.deepEqual(agent?.fixedBy, [extension.id]);
    assert.deepEqual((capture.body?.properties as { storageLocation: unknown }).storageLocation, { filePath: 'D:\\captures\\pc.cap' });
  });

  it('creates NetworkWatcherRG and the regional watcher when missing, in that order', () => {
    const plan = planPacketCapture(answers(), facts({ watcher: undefined }));
    assert.deepEqual(plan.actions.map((action) => action.resourceType), ['Microsoft.Resources/resourceGroups', 'Microsoft.Network/networkWatchers', 'Microsoft.Network/networkWatchers/packetCaptures']);
    assert.equal(plan.actions[1].resourceId, watcherArmId);
    assert.deepEqual(plan.actions[1].dependsOn, [plan.actions[0].id]);
    assert.deepEqual(plan.actions[2].dependsOn, [plan.actions[0].id, plan.actions[1].id]);
    assert.equal(status(plan, 'networkWatcher'), 'fixed');
    assert.deepEqual(plan.actions.slice(0, 2).map((action) => action.undo?.kind), ['none', 'none'], 'Undo keeps NetworkWatcherRG and the watcher');
    assert.equal(plan.actions[2].undo?.kind ?? 'delete', 'delete', 'the capture itself is undone');
    const withGroup = planPacketCapture(answers(), facts({ watcher: undefined, watcherGroupLocation: 'germanywestcentral' }));
    assert.deepEqual(withGroup.actions.map((action) => action.resourceType), ['Microsoft.Network/networkWatchers', 'Microsoft.Network/networkWatchers/packetCaptures']);
  });

  it('refuses a deallocated VM, storage in another region, and a bad Linux path, naming the resources', () => {
    const stopped = planPacketCapture(answers(), facts({ vm: vm({ powerState: 'deallocated' }) }));
    assert.equal(isBlocked(stopped), true);
    assert.match(stopped.checks.find((check) => check.id === 'vmRunning')?.detail ?? '', /vm-app-01 is deallocated/);
    const farStorage = planPacketCapture(answers({ storageArmId: storageArmId.replace('gwc01', 'uks01') }), facts());
    assert.equal(status(farStorage, 'storageRegion'), 'failed');
    assert.match(farStorage.checks.find((check) => check.id === 'storageRegion')?.detail ?? '', /sthubflowlogsuks01 is in uksouth but vm-app-01 is in germanywestcentral/);
    assert.equal(status(planPacketCapture(answers({ filePath: '/tmp/x.cap' }), facts()), 'filePath'), 'failed');
  });

  it('refuses a premium storage account up front, naming it and why, and passes a standard one', () => {
    const premiumId = storageArmId.replace('gwc01', 'prem01');
    const withPremium = facts({ storageAccounts: [...facts().storageAccounts, { armId: premiumId, name: 'sthubflowlogsprem01', location: 'germanywestcentral', subscriptionId: sub, resourceGroup: 'rg-hub-logs', kind: 'BlockBlobStorage', sku: 'Premium_LRS' }] });
    const refused = planPacketCapture(answers({ storageArmId: premiumId }), withPremium);
    assert.equal(isBlocked(refused), true);
    assert.equal(status(refused, 'storageTier'), 'failed');
    assert.match(refused.checks.find((check) => check.id === 'storageTier')?.detail ?? '', /sthubflowlogsprem01 is a premium BlockBlobStorage account \(Premium_LRS\).*not store packet captures in premium/);
    assert.equal(status(planPacketCapture(answers(), withPremium), 'storageTier'), 'passed');
  });

  it('keeps a running capture with the same settings (nothing to send) and refuses a different one of that name', () => {
    const existing: ExistingCapture = {
      armId: `${watcherArmId}/packetCaptures/pc-app`,
      name: 'pc-app',
      target: vmArmId,
      status: 'Running',
      storageId: storageArmId,
      filePath: '/var/captures/pc-app.cap',
      timeLimitInSeconds: 600,
      bytesToCapturePerPacket: 0,
      totalBytesPerSession: 1073741824,
      filters: [{ protocol: 'TCP', localIPAddress: '10.1.2.4', localPort: '443' }],
    };
    const same = planPacketCapture(answers(), facts({ existingCapture: existing }));
    assert.equal(isBlocked(same), false);
    assert.equal(same.actions[0].existing, 'same');
    assert.deepEqual(actionsToSend(same), []);
    const other = planPacketCapture(answers({ timeLimitSeconds: 60 }), facts({ existingCapture: existing }));
    assert.equal(status(other, 'captureName'), 'failed');
    const stoppedOne = planPacketCapture(answers(), facts({ existingCapture: { ...existing, status: 'Stopped' } }));
    assert.equal(status(stoppedOne, 'captureName'), 'failed');
    assert.match(stoppedOne.checks.find((check) => check.id === 'captureName')?.detail ?? '', /already exists in NetworkWatcher_germanywestcentral \(Stopped/);
  });

  it('sends no filters for Any with empty fields', () => {
    const plan = planPacketCapture(answers({ filters: [{ protocol: 'Any' }] }), facts());
    assert.deepEqual((plan.actions[0].body?.properties as { filters: unknown }).filters, []);
  });
});
