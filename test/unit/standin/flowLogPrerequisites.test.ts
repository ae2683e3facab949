import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { StorageManagementClient } from '@azure/arm-storage';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, collect, errorCode, rawRequest, sdkClients } from './standInHarness';

const poll = { updateIntervalInMs: 5 };

describe('ARM stand-in: flow-log prerequisites (storage accounts, workspaces, providers)', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const storage = (subscriptionId: string) => new StorageManagementClient(new TestCredential({ tenantId: demoTenantId }), subscriptionId, clientOptions(standIn));

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  afterEach(() => standIn.faults.reset());

  it('answers checkNameAvailability with Azure\'s rules: invalid, taken anywhere, or free', async () => {
    const client = storage(devSubscriptionId);
    const invalid = await client.storageAccounts.checkNameAvailability({ name: 'Bad-Name', type: 'Microsoft.Storage/storageAccounts' });
    assert.equal(invalid.nameAvailable, false);
    assert.equal(invalid.reason, 'AccountNameInvalid');
    const taken = await client.storageAccounts.checkNameAvailability({ name: 'sthubflowlogsgwc01', type: 'Microsoft.Storage/storageAccounts' });
    assert.deepEqual([taken.nameAvailable, taken.reason], [false, 'AlreadyExists']);
    const free = await client.storageAccounts.checkNameAvailability({ name: 'stdevflowlogs01', type: 'Microsoft.Storage/storageAccounts' });
    assert.equal(free.nameAvailable, true);
  });

  it('creates a storage account as a long-running operation, reads it back with its firewall, and deletes it', async () => {
    const client = storage(devSubscriptionId);
    const raw = await rawRequest(standIn, 'PUT', `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Storage/storageAccounts/stdevraw01?api-version=2026-09-01`, {
      tenantId: demoTenantId,
      body: { location: 'uksouth', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
    });
    assert.equal(raw.status, 202);
    assert.match(String(raw.headers.location), /\/providers\/Microsoft\.Storage\/locations\/uksouth\/asyncoperations\//);
    const created = await client.storageAccounts.create('rg-dev-network', 'stdevflowlogs02', { location: 'uksouth', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, poll);
    assert.equal(created.name, 'stdevflowlogs02');
    assert.equal(created.provisioningState, 'Succeeded');
    const read = await client.storageAccounts.getProperties('rg-dev-network', 'stdevflowlogs02');
    assert.equal(read.networkRuleSet?.defaultAction, 'Allow');
    assert.equal(read.networkRuleSet?.bypass, 'AzureServices');
    const listed = await collect(client.storageAccounts.list());
    assert.ok(listed.some((account) => account.name === 'stdevflowlogs02'));
    await client.storageAccounts.delete('rg-dev-network', 'stdevflowlogs02');
    await client.storageAccounts.delete('rg-dev-network', 'stdevraw01');
    assert.equal((await collect(client.storageAccounts.list())).length, 0);
  });

  it('refuses invalid and taken storage account names', async () => {
    const path = (name: string) => `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Storage/storageAccounts/${name}?api-version=2026-09-01`;
    const body = { location: 'uksouth', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' };
    const invalid = await rawRequest(standIn, 'PUT', path('ab'), { tenantId: demoTenantId, body });
    assert.deepEqual([invalid.status, errorCode(invalid)], [400, 'AccountNameInvalid']);
    const taken = await rawRequest(standIn, 'PUT', path('sthubflowlogsuks01'), { tenantId: demoTenantId, body });
    assert.deepEqual([taken.status, errorCode(taken)], [409, 'StorageAccountAlreadyTaken']);
  });

  it('lists Log Analytics workspaces of a subscription', async () => {
    const client = new OperationalInsightsManagementClient(new TestCredential({ tenantId: demoTenantId }), devSubscriptionId, clientOptions(standIn));
    const workspaces = await collect(client.workspaces.list());
    assert.deepEqual(workspaces.map((workspace) => [workspace.name, workspace.location, workspace.customerId]), [['law-dev-uks', 'uksouth', '6f1d2c3b-4a59-4e8d-9c7b-2a1e0f3d5c48']]);
    const hub = new OperationalInsightsManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));
    assert.deepEqual(await collect(hub.workspaces.list()), []);
  });

  it('refuses a flow log until Microsoft.Insights is registered, then accepts it', async () => {
    const { resources } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'NotRegistered');
    const path = `/subscriptions/${devSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth/flowLogs/fl-test?api-version=2026-01-01`;
    const storageId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-logs/providers/Microsoft.Storage/storageAccounts/sthubflowlogsuks01`;
    const body = { location: 'uksouth', properties: { targetResourceId: `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/virtualNetworks/vnet-dev-spoke`, storageId, enabled: true } };
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body });
    assert.deepEqual([refused.status, errorCode(refused)], [409, 'MissingSubscriptionRegistration']);
    assert.equal((await resources.providers.register('Microsoft.Insights')).registrationState, 'Registering');
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registering', 'in flight for a moment');
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registered');
    const accepted = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body });
    assert.equal(accepted.status, 201);
    await resources.providers.unregister('Microsoft.Insights');
  });
});
