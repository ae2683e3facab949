import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScriptedAnswer } from './scriptedUi';
import type { PlanCheck } from '../../src/core/plan';
import { devSubscriptionId, devVnetId, hubSubscriptionId, hubVnetId, prodSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { suiteLog } from './suiteLog';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const storageApi = '2026-09-01';
const devWatcherId = `/subscriptions/${devSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth`;
const devFlowLogId = `${devWatcherId}/flowLogs/fl-vnet-dev-spoke`;
const newStorageName = 'stdevflowlogs01';
const newStorageId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Storage/storageAccounts/${newStorageName}`;
const nsgFlowLogId = `/subscriptions/${prodSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral/flowLogs/fl-nsg-prod-web`;
const insightsId = `/subscriptions/${devSubscriptionId}/providers/Microsoft.Insights`;

interface FlowLogBody {
  properties: {
    enabled: boolean;
    storageId: string;
    targetResourceId: string;
    retentionPolicy: { days: number; enabled: boolean };
    format: { type: string; version: number };
    flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration?: { enabled?: boolean; workspaceResourceId?: string; trafficAnalyticsInterval?: number } };
  };
}

async function flowLog(armId: string): Promise<FlowLogBody | undefined> {
  const answer = await armGet(armId, network);
  return answer.status === 200 ? (answer.body as FlowLogBody) : undefined;
}

/** The questions on dev's VNet row with a new storage account, 7-day retention and Traffic Analytics every 10 minutes. */
const newStorageAnswers: ScriptedAnswer[] = [
  { id: 'flowLogs.storage', pick: 'Create new storage account…' },
  { id: 'flowLogs.storageName', input: newStorageName },
  { id: 'flowLogs.retention', input: '7' },
  { id: 'flowLogs.trafficAnalytics', pick: 'law-dev-uks' },
  { id: 'flowLogs.interval', pick: 'Every 10 minutes' },
  { id: 'flowLogs.name', input: 'fl-vnet-dev-spoke' },
];

/** Puts back what the suite changed: dev's flow log and storage account, the Insights registration, the NSG flow log. */
async function restoreDemo(): Promise<void> {
  const deleted = await call('DELETE', `${standInUrl}${devFlowLogId}?api-version=${network}`, undefined, demoToken());
  if (deleted.status === 202) {
    await waitForOperation(deleted);
  }
  await call('DELETE', `${standInUrl}${newStorageId}?api-version=${storageApi}`, undefined, demoToken());
  await call('POST', `${standInUrl}${insightsId}/unregister?api-version=2025-04-01`, undefined, demoToken());
  const nsgFlowLog = await armGet(nsgFlowLogId, network);
  const body = nsgFlowLog.body as FlowLogBody & { location: string };
  if (nsgFlowLog.status === 200 && !body.properties.enabled) {
    // A PUT may not carry the read-only properties a GET answers (the stand-in checks the definitions).
    const { targetResourceGuid: _guid, provisioningState: _state, ...writable } = body.properties as FlowLogBody['properties'] & { targetResourceGuid?: string; provisioningState?: string };
    await waitForOperation(await call('PUT', `${standInUrl}${nsgFlowLogId}?api-version=${network}`, { location: body.location, properties: { ...writable, enabled: true } }, demoToken()));
  }
}

describe('Flow logs wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  async function runOnVnetRow(subscriptionId: string, vnetId: string): Promise<void> {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${subscriptionId}`);
    await api.inventory.children(`/subscriptions/${subscriptionId}#vnets`);
    await api.inventory.runOnRows('trafficLens.enableFlowLogs', [vnetId.toLowerCase()]);
  }

  /** Flow logs on vnet-hub to `storage`, cancelled at the review: the plan's failed checks (Apply must not have been offered). */
  async function refusedHubPlan(storage: string): Promise<PlanCheck[]> {
    api.wizards.answer([
      { id: 'flowLogs.storage', pick: storage },
      { id: 'flowLogs.retention', input: '30' },
      { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
      { id: 'flowLogs.name', input: 'fl-vnet-hub' },
    ]);
    api.wizards.choose(['cancel']);
    await runOnVnetRow(hubSubscriptionId, hubVnetId);
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was not offered');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    return plan.checks.filter((check) => check.status === 'failed');
  }

  wizardSuite((started) => (api = started), { cleanUp: restoreDemo });

  it('shows but refuses a plan whose storage account is in another region', async () => {
    const failed = await refusedHubPlan('sthubflowlogsuks01');
    assert.deepEqual(failed.map((check) => check.id), ['storageRegion']);
    assert.match(failed[0].detail, /vnet-hub is in germanywestcentral, but storage account sthubflowlogsuks01 is in uksouth/);
    assert.equal(await flowLog(`${hubVnetId.replace(/\/resourceGroups\/.*$/, '')}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral/flowLogs/fl-vnet-hub`), undefined);
  });

  it('refuses a premium storage account in the plan, naming it and why, before anything is sent', async () => {
    const premiumId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-logs/providers/Microsoft.Storage/storageAccounts/sthubpremium01`;
    await waitForOperation(await call('PUT', `${standInUrl}${premiumId}?api-version=${storageApi}`, { location: 'germanywestcentral', sku: { name: 'Premium_LRS' }, kind: 'BlockBlobStorage' }, demoToken()));
    try {
      const failed = await refusedHubPlan('sthubpremium01');
      assert.deepEqual(failed.map((check) => check.id), ['storageTier']);
      assert.match(failed[0].detail, /Storage account sthubpremium01 is a premium BlockBlobStorage account \(Premium_LRS\).*Azure refuses premium storage accounts for flow logs/);
    } finally {
      await call('DELETE', `${standInUrl}${premiumId}?api-version=${storageApi}`, undefined, demoToken());
    }
  });

  it('goes Back from the refused review to pick the storage account of the VNet\u2019s region, keeping the other answers', async () => {
    api.wizards.answer([
      { id: 'flowLogs.storage', pick: 'sthubflowlogsuks01' },
      { id: 'flowLogs.retention', input: '30' },
      { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
      { id: 'flowLogs.name', input: 'fl-vnet-hub' },
      { id: 'flowLogs.name', back: true },
      { id: 'flowLogs.trafficAnalytics', back: true },
      { id: 'flowLogs.retention', back: true },
      { id: 'flowLogs.storage', pick: 'sthubflowlogsgwc01' },
      { id: 'flowLogs.retention', input: '30' },
      { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
      { id: 'flowLogs.name', input: 'fl-vnet-hub' },
    ]);
    api.wizards.choose(['back', 'cancel']);
    await runOnVnetRow(hubSubscriptionId, hubVnetId);
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.deepEqual(plan.checks.filter((check) => check.status === 'failed'), [], 'the storage account of germanywestcentral passes');
    assert.match(JSON.stringify(plan.actions.map((action) => action.body)), /sthubflowlogsgwc01/);
    assert.equal(api.wizards.lastReport(), undefined, 'cancelled at the second review');
  });

  it('reports a partial failure, retries what remains, then undoes what it created', async () => {
    await faults({ kind: 'throttle', match: 'flowLogs', count: 2, retryAfterMs: 50 });
    await faults({ kind: 'serverError', match: 'fl-vnet-dev-spoke', method: 'PUT', count: 40 });
    api.wizards.answer(newStorageAnswers);
    api.wizards.choose(['apply', 'retryRemaining', 'undoCreated']);
    await runOnVnetRow(devSubscriptionId, devVnetId);
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    suiteLog('after undo:', describeReport(report));
    assert.deepEqual(report.plan.actions.map((action) => [action.resourceType, action.existing]), [
      ['Microsoft.Resources/providers', 'absent'],
      ['Microsoft.Storage/storageAccounts', 'absent'],
      ['Microsoft.Network/networkWatchers/flowLogs', 'absent'],
    ]);
    assert.equal(report.plan.checks.find((check) => check.id === 'insightsProvider')?.status, 'fixed');
    const status = (type: string): string | undefined => report.outcomes.find((outcome) => report.plan.actions.find((action) => action.id === outcome.actionId)?.resourceType === type)?.status;
    assert.equal(status('Microsoft.Network/networkWatchers/flowLogs'), 'failed');
    assert.equal(report.outcomes.find((outcome) => outcome.status === 'failed')?.code, 'InternalServerError');
    assert.equal(status('Microsoft.Storage/storageAccounts'), 'undone');
    assert.equal(await flowLog(devFlowLogId), undefined, 'the flow log was never created');
    assert.equal((await armGet(newStorageId, storageApi)).status, 404, 'the new storage account is gone again');
    assert.equal(((await armGet(insightsId, '2025-04-01')).body as { registrationState: string }).registrationState, 'Registered', 'a registration stays');
  });

  it("refuses to plan when a subscription's network watchers can't be listed, rather than plan a second watcher", async () => {
    await faults({ kind: 'forbidden', match: `/subscriptions/${devSubscriptionId}/providers/Microsoft.Network/networkWatchers`, count: 100 });
    const puts = countOf(await requestCounts(), 'PUT');
    api.wizards.answer(newStorageAnswers);
    await runOnVnetRow(devSubscriptionId, devVnetId);
    assert.equal(api.wizards.lastPlan(), undefined, 'no plan was shown');
    assert.equal(countOf(await requestCounts(), 'PUT'), puts, 'nothing was sent');
  });

  it('enables a VNet flow log on dev with a new storage account and Traffic Analytics', async () => {
    api.wizards.answer(newStorageAnswers);
    api.wizards.choose(['apply']);
    await runOnVnetRow(devSubscriptionId, devVnetId);
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, describeReport(report));
    assert.deepEqual(report.plan.actions.map((action) => action.resourceType), ['Microsoft.Storage/storageAccounts', 'Microsoft.Network/networkWatchers/flowLogs'], 'Insights is registered now');
    assert.equal(report.plan.estimate?.title, 'Flow-log volume and monthly cost');
    const created = await flowLog(devFlowLogId);
    assert.ok(created, 'the flow log exists');
    assert.equal(created.properties.targetResourceId.toLowerCase(), devVnetId.toLowerCase());
    assert.equal(created.properties.storageId.toLowerCase(), newStorageId.toLowerCase());
    assert.deepEqual(created.properties.retentionPolicy, { days: 7, enabled: true });
    assert.deepEqual(created.properties.format, { type: 'JSON', version: 2 });
    assert.equal(created.properties.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration?.trafficAnalyticsInterval, 10);
    assert.match(created.properties.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration?.workspaceResourceId ?? '', /law-dev-uks$/);
  });

  it('sends nothing when the same settings run again', async () => {
    const before = await requestCounts();
    api.wizards.answer([
      { id: 'flowLogs.storage', pick: newStorageName },
      { id: 'flowLogs.retention', input: '7' },
      { id: 'flowLogs.trafficAnalytics', pick: 'law-dev-uks' },
      { id: 'flowLogs.interval', pick: 'Every 10 minutes' },
    ]);
    api.wizards.choose(['apply']);
    await runOnVnetRow(devSubscriptionId, devVnetId);
    const after = await requestCounts();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.deepEqual(report.plan.actions.map((action) => action.existing), ['same']);
    assert.deepEqual([...new Set(report.outcomes.map((outcome) => outcome.status))], ['kept']);
    assert.equal(countOf(after, 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
    const registrations = (counts: Record<string, number>): number => counts['POST /subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}/register'] ?? 0;
    assert.equal(registrations(after), registrations(before), 'no registration was sent');
  });

  it('migrates the NSG flow log of nsg-prod-web: keeps the VNet flow log, disables the NSG flow log after a confirmation', async () => {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${prodSubscriptionId}`);
    const watchers = await api.inventory.children(`/subscriptions/${prodSubscriptionId}#watchers`);
    const rows = await api.inventory.children(watchers[0].id);
    const nsgRow = rows.find((row) => row.label === 'fl-nsg-prod-web');
    assert.match(nsgRow?.tooltip ?? '', /No new NSG flow logs since 30 June 2025; retires 30 September 2027/);
    assert.match(nsgRow?.contextValue ?? '', /nsgFlowLog/);
    api.wizards.answer([{ id: 'migrate.flowLogs', pick: ['fl-nsg-prod-web'] }]);
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.migrateNsgFlowLogs');
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, describeReport(report));
    assert.deepEqual(report.plan.actions.map((action) => [action.resourceId.split('/').pop(), action.existing]), [
      ['fl-vnet-prod-spoke', 'same'],
      ['fl-nsg-prod-web', 'differs'],
    ]);
    assert.match(report.plan.actions[1].confirm ?? '', /Disable NSG flow log fl-nsg-prod-web now\?/);
    assert.ok(report.plan.warnings.some((warning) => /twice the records and twice the cost/.test(warning)));
    const disabled = await flowLog(nsgFlowLogId);
    assert.equal(disabled?.properties.enabled, false);
    assert.deepEqual(disabled?.properties.retentionPolicy, { days: 7, enabled: true }, 'the rest of the NSG flow log is as it was');
  });
});
