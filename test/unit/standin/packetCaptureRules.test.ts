import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubFlowLogStorageId, hubSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest, sdkClients } from './standInHarness';

const poll = { updateIntervalInMs: 5 };
const watcherPath = (watcher: string) => `/subscriptions/${hubSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/${watcher}`;
const capturePath = (name: string, watcher = 'NetworkWatcher_germanywestcentral') => `${watcherPath(watcher)}/packetCaptures/${name}?api-version=2026-01-01`;
const jumpbox = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Compute/virtualMachines/vm-jumpbox-01`;
const storageId = (name: string) => `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-logs/providers/Microsoft.Storage/storageAccounts/${name}`;

function captureBody(properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { properties: { target: jumpbox, storageLocation: { storageId: hubFlowLogStorageId }, ...properties } };
}

describe('ARM stand-in: packet capture rules (regions, standard storage, documented limits)', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const put = (name: string, body: unknown, watcher?: string) => rawRequest(standIn, 'PUT', capturePath(name, watcher), { tenantId: demoTenantId, body });

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('refuses a storage account outside the VM\'s region, and a network watcher of another region', async () => {
    const storage = await put('pc-storage-region', captureBody({ storageLocation: { storageId: storageId('sthubflowlogsuks01') } }));
    assert.deepEqual([storage.status, errorCode(storage)], [400, 'PacketCaptureStorageAccountLocationMismatch']);
    assert.match((storage.body.error as { message: string }).message, /sthubflowlogsuks01 is in 'uksouth' but virtual machine vm-jumpbox-01 is in 'germanywestcentral'/);
    const watcher = await rawRequest(standIn, 'PUT', `${watcherPath('NetworkWatcher_uksouth')}?api-version=2026-01-01`, { tenantId: demoTenantId, body: { location: 'uksouth' } });
    assert.ok([200, 201].includes(watcher.status), JSON.stringify(watcher.body));
    const elsewhere = await put('pc-watcher-region', captureBody({ storageLocation: { filePath: 'C:\\captures\\x.cap' } }), 'NetworkWatcher_uksouth');
    assert.deepEqual([elsewhere.status, errorCode(elsewhere)], [400, 'PacketCaptureWatcherLocationMismatch']);
  });

  it('refuses a premium storage account', async () => {
    const { storage } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    await storage.storageAccounts.create('rg-hub-logs', 'sthubpremium01', { location: 'germanywestcentral', sku: { name: 'Premium_LRS' }, kind: 'StorageV2' }, poll);
    const refused = await put('pc-premium', captureBody({ storageLocation: { storageId: storageId('sthubpremium01') } }));
    assert.deepEqual([refused.status, errorCode(refused)], [400, 'PacketCapturePremiumStorageAccountNotSupported']);
  });

  it('keeps time and sizes within the definitions\' limits: 0-18000 s, 0-4294967295 bytes', async () => {
    for (const [properties, path] of [
      [{ timeLimitInSeconds: 18001 }, 'timeLimitInSeconds'],
      [{ timeLimitInSeconds: -1 }, 'timeLimitInSeconds'],
      [{ bytesToCapturePerPacket: 4294967296 }, 'bytesToCapturePerPacket'],
      [{ totalBytesPerSession: 4294967296 }, 'totalBytesPerSession'],
      [{ totalBytesPerSession: -1 }, 'totalBytesPerSession'],
    ] as const) {
      const refused = await put('pc-limits', captureBody(properties));
      assert.deepEqual([refused.status, errorCode(refused)], [400, 'InvalidRequestFormat'], JSON.stringify(properties));
      assert.match((refused.body.error as { message: string }).message, new RegExp(path));
    }
    const widest = await put('pc-limits', captureBody({ timeLimitInSeconds: 18000, bytesToCapturePerPacket: 4294967295, totalBytesPerSession: 4294967295 }));
    assert.equal(widest.status, 201, JSON.stringify(widest.body));
    const created = widest.body.properties as Record<string, unknown>;
    assert.deepEqual([created.timeLimitInSeconds, created.bytesToCapturePerPacket, created.totalBytesPerSession], [18000, 4294967295, 4294967295]);
    const defaults = await put('pc-defaults', captureBody());
    const properties = defaults.body.properties as Record<string, unknown>;
    assert.deepEqual([properties.timeLimitInSeconds, properties.bytesToCapturePerPacket, properties.totalBytesPerSession], [18000, 0, 1073741824], 'the documented defaults: 5 hours, whole packets, 1 GB');
  });
});
