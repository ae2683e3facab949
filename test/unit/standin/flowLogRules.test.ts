import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest, sdkClients } from './standInHarness';

const poll = { updateIntervalInMs: 5 };
const flowLogPath = (name: string) => `/subscriptions/${devSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth/flowLogs/${name}?api-version=2026-01-01`;
const vnetId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/virtualNetworks/vnet-dev-spoke`;
const standardStorageId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-logs/providers/Microsoft.Storage/storageAccounts/sthubflowlogsuks01`;
const devStorageId = (name: string) => `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Storage/storageAccounts/${name}`;
const workspaceId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-dev-uks`;
const workspaceGuid = '6f1d2c3b-4a59-4e8d-9c7b-2a1e0f3d5c48';

function flowLogBody(properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { location: 'uksouth', properties: { targetResourceId: vnetId, storageId: standardStorageId, enabled: true, ...properties } };
}

function trafficAnalytics(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    flowAnalyticsConfiguration: {
      networkWatcherFlowAnalyticsConfiguration: { enabled: true, workspaceResourceId: workspaceId, workspaceId: workspaceGuid, workspaceRegion: 'uksouth', trafficAnalyticsInterval: 10, ...overrides },
    },
  };
}

describe('ARM stand-in: flow-log rules (storage, retention, Traffic Analytics, provider registration)', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const put = (name: string, body: unknown) => rawRequest(standIn, 'PUT', flowLogPath(name), { tenantId: demoTenantId, body });

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('refuses a flow log while Microsoft.Insights is still Registering, and accepts it once Registered', async () => {
    const { resources } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    assert.equal((await resources.providers.register('Microsoft.Insights')).registrationState, 'Registering');
    const subnet = { targetResourceId: `${vnetId}/subnets/snet-app` };
    const early = await put('fl-registering', flowLogBody(subnet));
    assert.deepEqual([early.status, errorCode(early)], [409, 'MissingSubscriptionRegistration']);
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registering');
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registered');
    const accepted = await put('fl-registering', flowLogBody(subnet));
    assert.equal(accepted.status, 201);
  });

  it('refuses premium storage accounts (Premium SKUs, FileStorage and BlockBlobStorage kinds)', async () => {
    const { storage } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    await storage.storageAccounts.create('rg-dev-network', 'stdevpremium01', { location: 'uksouth', sku: { name: 'Premium_LRS' }, kind: 'StorageV2' }, poll);
    await storage.storageAccounts.create('rg-dev-network', 'stdevblockblob01', { location: 'uksouth', sku: { name: 'Premium_ZRS' }, kind: 'BlockBlobStorage' }, poll);
    await storage.storageAccounts.create('rg-dev-network', 'stdevfiles01', { location: 'uksouth', sku: { name: 'Premium_LRS' }, kind: 'FileStorage' }, poll);
    for (const name of ['stdevpremium01', 'stdevblockblob01', 'stdevfiles01']) {
      const refused = await put('fl-premium', flowLogBody({ storageId: devStorageId(name) }));
      assert.deepEqual([refused.status, errorCode(refused)], [400, 'FlowLogPremiumStorageAccountNotSupported'], name);
      assert.match(String((refused.body.error as { message: string }).message), new RegExp(name));
    }
    const standard = await put('fl-standard', flowLogBody());
    assert.equal(standard.status, 201, JSON.stringify(standard.body));
  });

  it('keeps retentionPolicy.days within 0 to 365', async () => {
    for (const days of [-1, 366, 400]) {
      const refused = await put('fl-retention', flowLogBody({ retentionPolicy: { enabled: true, days } }));
      assert.deepEqual([refused.status, errorCode(refused)], [400, 'FlowLogRetentionPolicyDaysOutOfRange'], String(days));
    }
    for (const days of [0, 365]) {
      assert.equal((await put('fl-standard', flowLogBody({ retentionPolicy: { enabled: true, days } }))).status, 200, String(days));
    }
  });

  it('checks the Traffic Analytics workspace, its id, its region and the interval', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ workspaceResourceId: `${workspaceId}-missing` }, 'TrafficAnalyticsWorkspaceNotFound'],
      [{ workspaceId: '00000000-0000-0000-0000-000000000000' }, 'InvalidTAWorkspaceId'],
      [{ workspaceRegion: 'germanywestcentral' }, 'InvalidTAWorkspaceRegion'],
      [{ trafficAnalyticsInterval: 30 }, 'InvalidTAInterval'],
    ];
    for (const [overrides, code] of cases) {
      const refused = await put('fl-standard', flowLogBody(trafficAnalytics(overrides)));
      assert.deepEqual([refused.status, errorCode(refused)], [400, code], JSON.stringify(overrides));
    }
    const region = await put('fl-standard', flowLogBody(trafficAnalytics({ workspaceRegion: 'germanywestcentral' })));
    assert.equal((region.body.error as { message: string }).message, `The specified region germanywestcentral for workspace is invalid. Workspace ${workspaceId} located in uksouth region.`);
    for (const interval of [10, 60]) {
      assert.equal((await put('fl-standard', flowLogBody(trafficAnalytics({ trafficAnalyticsInterval: interval })))).status, 200, String(interval));
    }
    assert.equal((await put('fl-standard', flowLogBody(trafficAnalytics({ enabled: false, workspaceId: 'not-checked' })))).status, 200, 'a disabled block is not checked');
  });
});
