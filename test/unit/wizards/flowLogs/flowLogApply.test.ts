import assert from 'node:assert/strict';
import { ArmActionRunner } from '../../../../src/azure/armActionRunner';
import { FlowLogReads } from '../../../../src/azure/flowLogsReads';
import { ScopedCredential, UnsignedTestCredential } from '../../../../src/azure/credentials';
import type { FlowLogAnswers, FlowLogFacts, FlowLogTarget } from '../../../../src/wizards/flowLogs/flowLogFacts';
import { planFlowLogs } from '../../../../src/wizards/flowLogs/plan';
import { applyPlan } from '../../../../src/wizards/shared/applyPlan';
import { startStandIn, type StandIn } from '../../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, devVnetId } from '../../../standin/topologies/demo';

/** The plan's request bodies as Azure (the stand-in) takes them, sent by the real action runner. */
describe('Flow-log plan applied to the ARM stand-in', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let runner: ArmActionRunner;
  let reads: FlowLogReads;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    const credential = new UnsignedTestCredential(demoTenantId);
    const credentialForTenant = (tenantId: string) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenantId);
    runner = new ArmActionRunner({ resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem, updateIntervalInMs: 5, registrationPollMs: 5 });
    reads = new FlowLogReads({ resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem });
  });

  after(async () => {
    await standIn.close();
  });

  const target: FlowLogTarget = { id: devVnetId.toLowerCase(), armId: devVnetId, name: 'vnet-dev-spoke', kind: 'vnet', location: 'uksouth', subscriptionId: devSubscriptionId, tenantId: demoTenantId, vnetId: devVnetId.toLowerCase(), nicCount: 2 };

  async function facts(): Promise<FlowLogFacts> {
    return {
      subscriptions: [
        {
          subscriptionId: devSubscriptionId,
          tenantId: demoTenantId,
          displayName: 'dev',
          insightsState: await reads.providerState(devSubscriptionId, demoTenantId, 'Microsoft.Insights'),
          // NetworkWatcher_uksouth is deleted below: the plan creates it again in NetworkWatcherRG.
          watchers: [],
          watcherGroupLocation: await reads.resourceGroupLocation(devSubscriptionId, demoTenantId, 'NetworkWatcherRG'),
        },
      ],
      flowLogs: [],
    };
  }

  it('registers Microsoft.Insights, creates the storage account and the flow log; Azure accepts every body', async () => {
    assert.equal(await reads.storageNameProblem(devSubscriptionId, demoTenantId, 'stdevapply01'), undefined);
    // NetworkWatcherRG exists with a watcher; delete that watcher so the plan creates one.
    const watcherId = `/subscriptions/${devSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth`;
    standIn.state.delete(watcherId);
    const answers: FlowLogAnswers = { targets: [target], storage: { kind: 'new', name: 'stdevapply01', subscriptionId: devSubscriptionId, tenantId: demoTenantId, resourceGroup: 'rg-dev-network', location: 'uksouth' }, retentionDays: 7 };
    const plan = planFlowLogs(answers, await facts());
    assert.deepEqual(plan.actions.map((action) => action.resourceType), ['Microsoft.Network/networkWatchers', 'Microsoft.Resources/providers', 'Microsoft.Storage/storageAccounts', 'Microsoft.Network/networkWatchers/flowLogs']);
    const report = await applyPlan(plan, runner);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    const flowLog = standIn.state.get(`${watcherId}/flowLogs/fl-vnet-dev-spoke`);
    assert.ok(flowLog);
    assert.deepEqual(flowLog.properties.retentionPolicy, { days: 7, enabled: true });
    assert.equal(String(flowLog.properties.storageId).toLowerCase(), `/subscriptions/${devSubscriptionId}/resourcegroups/rg-dev-network/providers/microsoft.storage/storageaccounts/stdevapply01`);
    assert.match((await reads.storageNameProblem(devSubscriptionId, demoTenantId, 'stdevapply01')) ?? '', /already taken/);
    const accounts = await reads.listStorageAccounts(devSubscriptionId, demoTenantId);
    assert.deepEqual(accounts.map((account) => [account.name, account.location, account.kind, account.defaultAction, account.bypass]), [['stdevapply01', 'uksouth', 'StorageV2', 'Allow', 'AzureServices']]);
    assert.equal(await reads.providerState(devSubscriptionId, demoTenantId, 'Microsoft.Insights'), 'Registered');
    assert.deepEqual((await reads.listWorkspaces(devSubscriptionId, demoTenantId)).map((workspace) => workspace.name), ['law-dev-uks']);
  });

  it('reports a flow log whose long-running operation fails as failed', async () => {
    standIn.faults.addFromJson({ kind: 'failOperation', match: 'fl-failing', method: 'PUT', count: 5 });
    const answers: FlowLogAnswers = { targets: [{ ...target, id: `${target.id}/subnets/snet-app`, armId: `${devVnetId}/subnets/snet-app`, name: 'vnet-dev-spoke/snet-app', kind: 'subnet' }], storage: { kind: 'existing', account: (await reads.listStorageAccounts(devSubscriptionId, demoTenantId))[0] }, retentionDays: 0, flowLogNames: { [`${target.id}/subnets/snet-app`]: 'fl-failing' } };
    const facts = await (async () => ({ subscriptions: [{ subscriptionId: devSubscriptionId, tenantId: demoTenantId, displayName: 'dev', insightsState: 'Registered', watchers: [{ armId: `/subscriptions/${devSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth`, name: 'NetworkWatcher_uksouth', resourceGroup: 'NetworkWatcherRG', location: 'uksouth' }], watcherGroupLocation: 'uksouth' }], flowLogs: [] }))();
    const report = await applyPlan(planFlowLogs(answers, facts), runner);
    standIn.faults.reset();
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['failed'], JSON.stringify(report.outcomes));
  });

  it('reads no NetworkWatcherRG as missing', async () => {
    assert.equal(await reads.resourceGroupLocation(devSubscriptionId, demoTenantId, 'rg-does-not-exist'), undefined);
    assert.equal(await reads.resourceGroupLocation(devSubscriptionId, demoTenantId, 'NetworkWatcherRG'), 'uksouth');
  });
});
