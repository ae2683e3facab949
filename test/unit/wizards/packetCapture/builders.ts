/** Packet-capture wizard fixtures: vm-app-01 in prod (Linux, running, agent installed), its watcher and two storage accounts. */
import type { CaptureAnswers, CaptureFacts, VmFact } from '../../../../src/wizards/packetCapture/captureFacts';

export const sub = '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24';
export const vmArmId = `/subscriptions/${sub}/resourceGroups/rg-prod-app/providers/Microsoft.Compute/virtualMachines/vm-app-01`;
export const storageArmId = '/subscriptions/3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13/resourceGroups/rg-hub-logs/providers/Microsoft.Storage/storageAccounts/sthubflowlogsgwc01';
export const watcherArmId = `/subscriptions/${sub}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral`;

export function vm(overrides: Partial<VmFact> = {}): VmFact {
  return {
    armId: vmArmId,
    name: 'vm-app-01',
    subscriptionId: sub,
    tenantId: 'tenant',
    resourceGroup: 'rg-prod-app',
    location: 'germanywestcentral',
    osType: 'Linux',
    powerState: 'running',
    privateIps: ['10.1.2.4'],
    extensions: [{ name: 'AzureNetworkWatcherExtension', publisher: 'Microsoft.Azure.NetworkWatcher', type: 'NetworkWatcherAgentLinux', provisioningState: 'Succeeded' }],
    ...overrides,
  };
}

export function facts(overrides: Partial<CaptureFacts> = {}): CaptureFacts {
  return {
    vm: vm(),
    watcher: { armId: watcherArmId, name: 'NetworkWatcher_germanywestcentral', resourceGroup: 'NetworkWatcherRG', location: 'germanywestcentral' },
    subscriptionName: 'Contoso Workload Prod',
    storageAccounts: [
      { armId: storageArmId, name: 'sthubflowlogsgwc01', location: 'germanywestcentral', subscriptionId: '3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13', resourceGroup: 'rg-hub-logs' },
      { armId: storageArmId.replace('gwc01', 'uks01'), name: 'sthubflowlogsuks01', location: 'uksouth', subscriptionId: '3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13', resourceGroup: 'rg-hub-logs' },
    ],
    ...overrides,
  };
}

export function answers(overrides: Partial<CaptureAnswers> = {}): CaptureAnswers {
  return {
    vmArmId,
    destination: 'both',
    storageArmId,
    filePath: '/var/captures/pc-app.cap',
    filters: [{ protocol: 'TCP', localIPAddress: '10.1.2.4', localPort: '443' }],
    timeLimitSeconds: 600,
    bytesPerPacket: 0,
    bytesPerSession: 1073741824,
    name: 'pc-app',
    ...overrides,
  };
}
