import assert from 'node:assert/strict';
import { actionsToSend, isBlocked, type Plan } from '../../../../src/core/plan';
import { renderPreview } from '../../../../src/wizards/shared/preview';
import { planFlowLogs, planNsgMigration } from '../../../../src/wizards/flowLogs/plan';
import { answers, devSubscription, existingFlowLog, facts, storageAccount, subnetTarget, subscriptionFacts, target, tenantId, vnetArmId, watcherArmId, workspace } from './builders';

function check(plan: Plan, id: string) {
  const found = plan.checks.find((item) => item.id === id);
  assert.ok(found, `no check ${id} in ${plan.checks.map((item) => item.id).join(', ')}`);
  return found;
}

describe('Flow-log plan', () => {
  it('plans one flow log on an existing watcher and storage account, with a JSON v2 body', () => {
    const plan = planFlowLogs(answers(), facts());
    assert.equal(isBlocked(plan), false);
    assert.equal(plan.actions.length, 1);
    const [action] = plan.actions;
    assert.equal(action.resourceId, `${watcherArmId}/flowLogs/fl-vnet-dev-spoke`);
    assert.equal(action.apiVersion, '2026-01-01');
    assert.equal(action.existing, 'absent');
    assert.deepEqual(action.body, {
      location: 'uksouth',
      properties: {
        targetResourceId: vnetArmId,
        storageId: storageAccount().armId,
        enabled: true,
        retentionPolicy: { days: 30, enabled: true },
        format: { type: 'JSON', version: 2 },
        flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: { enabled: false } },
      },
    });
    assert.equal(check(plan, 'networkWatcher').status, 'passed');
    assert.equal(check(plan, 'insightsProvider').status, 'passed');
    assert.match(plan.warnings.join('\n'), /lifecycle management/);
    const preview = renderPreview(plan);
    assert.match(preview, /^## Estimate: Flow-log volume and monthly cost$/m);
    assert.doesNotMatch(preview, /Estimate: Estimate/, 'the heading says Estimate once');
  });

  it('orders resource group, watcher, registration, storage account, then the flow log depending on them', () => {
    const plan = planFlowLogs(
      answers({ storage: { kind: 'new', name: stName(), subscriptionId: devSubscription, tenantId, resourceGroup: 'rg-dev-network', location: 'uksouth' }, retentionDays: 0 }),
      facts({ subscriptions: [subscriptionFacts({ watchers: [], watcherGroupLocation: undefined, insightsState: 'NotRegistered' })] }),
    );
    assert.deepEqual(plan.actions.map((action) => action.resourceType), [
      'Microsoft.Resources/resourceGroups',
      'Microsoft.Network/networkWatchers',
      'Microsoft.Resources/providers',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Network/networkWatchers/flowLogs',
    ]);
    const [group, watcher, register, storage, flowLog] = plan.actions;
    assert.equal(group.resourceId, `/subscriptions/${devSubscription}/resourceGroups/NetworkWatcherRG`);
    assert.equal(watcher.resourceId, `${group.resourceId}/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth`);
    assert.deepEqual(watcher.dependsOn, [group.id]);
    assert.equal(group.undo?.kind, 'none', 'Undo never deletes NetworkWatcherRG: other regions\' watchers may live there');
    assert.equal(watcher.undo?.kind, 'none', 'Undo never deletes the watcher: every flow log under it would go too');
    assert.match(watcher.undo?.kind === 'none' ? watcher.undo.reason : '', /NetworkWatcher_uksouth is kept/);
    assert.equal(register.kind, 'post');
    assert.equal(register.operation, 'register');
    assert.equal(register.resourceId, `/subscriptions/${devSubscription}/providers/Microsoft.Insights`);
    assert.equal(register.undo?.kind, 'none');
    assert.deepEqual(storage.body?.sku, { name: 'Standard_LRS' });
    assert.equal(storage.body?.kind, 'StorageV2');
    assert.deepEqual(flowLog.dependsOn, [watcher.id, register.id, storage.id]);
    assert.ok(flowLog.resourceId.startsWith(watcher.resourceId));
    assert.equal(check(plan, 'networkWatcher').status, 'fixed');
    assert.deepEqual(check(plan, 'networkWatcher').fixedBy, [group.id, watcher.id]);
    assert.equal(check(plan, 'insightsProvider').status, 'fixed');
    assert.deepEqual((flowLog.body?.properties as Record<string, unknown>).retentionPolicy, { days: 0, enabled: false });
    assert.equal(plan.warnings.some((warning) => /lifecycle/.test(warning)), false, 'no retention warning when kept forever');
  });

  it('uses a watcher under another name in the region as it is, and creates no resource group when NetworkWatcherRG exists', () => {
    const other = { armId: `/subscriptions/${devSubscription}/resourceGroups/rg-ops/providers/Microsoft.Network/networkWatchers/nw-uks`, name: 'nw-uks', resourceGroup: 'rg-ops', location: 'uksouth' };
    const plan = planFlowLogs(answers(), facts({ subscriptions: [subscriptionFacts({ watchers: [other] })] }));
    assert.equal(plan.actions.length, 1);
    assert.equal(plan.actions[0].resourceId, `${other.armId}/flowLogs/fl-vnet-dev-spoke`);
    const missing = planFlowLogs(answers(), facts({ subscriptions: [subscriptionFacts({ watchers: [] })] }));
    assert.deepEqual(missing.actions.map((action) => action.resourceType), ['Microsoft.Network/networkWatchers', 'Microsoft.Network/networkWatchers/flowLogs']);
  });

  it('refuses a storage account in another region, naming both regions', () => {
    const plan = planFlowLogs(answers({ targets: [target({ location: 'germanywestcentral', name: 'vnet-hub' })], storage: { kind: 'existing', account: storageAccount({ name: 'sthubflowlogsuks01' }) } }), facts());
    assert.equal(isBlocked(plan), true);
    assert.equal(check(plan, 'storageRegion').status, 'failed');
    assert.match(check(plan, 'storageRegion').detail, /vnet-hub is in germanywestcentral, but storage account sthubflowlogsuks01 is in uksouth/);
  });

  it('refuses premium storage accounts up front, naming the account and why, as Azure refuses them for flow logs', () => {
    for (const [account, reason] of [
      [storageAccount({ name: 'stpremium', sku: 'Premium_LRS' }), /stpremium is a premium account \(Premium_LRS\)/],
      [storageAccount({ name: 'stfiles', kind: 'FileStorage', sku: 'Premium_LRS' }), /stfiles is a premium FileStorage account/],
      [storageAccount({ name: 'stblobs', kind: 'BlockBlobStorage', sku: 'Premium_ZRS' }), /stblobs is a premium BlockBlobStorage account/],
    ] as const) {
      const plan = planFlowLogs(answers({ storage: { kind: 'existing', account } }), facts());
      assert.equal(isBlocked(plan), true, account.name);
      assert.equal(check(plan, 'storageTier').status, 'failed');
      assert.match(check(plan, 'storageTier').detail, reason);
      assert.match(check(plan, 'storageTier').detail, /Pick a standard account/);
    }
    assert.equal(check(planFlowLogs(answers(), facts()), 'storageTier').status, 'passed');
    assert.equal(check(planFlowLogs(answers({ storage: { kind: 'new', name: 'stnew', subscriptionId: devSubscription, tenantId, resourceGroup: 'rg-dev-network', location: 'uksouth' } }), facts()), 'storageTier').status, 'passed');
  });

  it('sends Traffic Analytics with the workspace\'s customerId, region and a 10 or 60 minute interval, as Azure checks them', () => {
    const law = workspace();
    const plan = planFlowLogs(answers({ trafficAnalytics: { workspace: law, intervalMinutes: 10 } }), facts());
    const properties = plan.actions[0].body?.properties as Record<string, { networkWatcherFlowAnalyticsConfiguration: Record<string, unknown> }>;
    assert.deepEqual(properties.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration, {
      enabled: true,
      workspaceResourceId: law.armId,
      workspaceId: law.customerId,
      workspaceRegion: law.location,
      trafficAnalyticsInterval: 10,
    });
  });

  it('registers Microsoft.Insights when it still reads Registering, since Azure refuses flow logs until it is Registered', () => {
    const plan = planFlowLogs(answers(), facts({ subscriptions: [subscriptionFacts({ insightsState: 'Registering' })] }));
    assert.equal(check(plan, 'insightsProvider').status, 'fixed');
    assert.ok(plan.actions.some((action) => action.operation === 'register' && /Microsoft\.Insights$/.test(action.resourceId)));
    assert.match(check(plan, 'insightsProvider').detail, /Microsoft\.Insights is Registering/);
  });

  it('refuses a storage firewall that denies by default without trusted Microsoft services, and accepts it with them', () => {
    const closed = planFlowLogs(answers({ storage: { kind: 'existing', account: storageAccount({ defaultAction: 'Deny', bypass: 'Logging, Metrics' }) } }), facts());
    assert.equal(check(closed, 'storageFirewall').status, 'failed');
    assert.match(check(closed, 'storageFirewall').detail, /stdevflowlogs denies network access by default.*AzureServices/);
    const trusted = planFlowLogs(answers({ storage: { kind: 'existing', account: storageAccount({ defaultAction: 'Deny', bypass: 'Logging, Metrics, AzureServices' }) } }), facts());
    assert.equal(check(trusted, 'storageFirewall').status, 'passed');
  });

  it('never plans an NSG flow log', () => {
    const nsg = target({ kind: 'nsg', name: 'nsg-dev-app', armId: `/subscriptions/${devSubscription}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app` });
    const plan = planFlowLogs(answers({ targets: [nsg] }), facts());
    assert.equal(check(plan, 'nsgFlowLogBlocked').status, 'failed');
    assert.equal(plan.actions.some((action) => action.resourceType.endsWith('flowLogs')), false);
  });

  it('keeps an existing flow log already as planned (nothing to send) and updates one that differs, with an undo back to it', () => {
    const same = planFlowLogs(answers(), facts({ flowLogs: [existingFlowLog()] }));
    assert.equal(same.actions[0].existing, 'same');
    assert.equal(actionsToSend(same).length, 0);
    const differs = planFlowLogs(answers({ retentionDays: 7, trafficAnalytics: { workspace: workspace(), intervalMinutes: 10 } }), facts({ flowLogs: [existingFlowLog({ name: 'custom-name' })] }));
    const [action] = differs.actions;
    assert.equal(action.existing, 'differs');
    assert.ok(action.resourceId.endsWith('/flowLogs/custom-name'));
    assert.match(check(differs, 'existingFlowLogs').detail, /custom-name on vnet-dev-spoke exists and will be updated \(retention, Traffic Analytics\)/);
    assert.equal(action.undo?.kind, 'put');
    const analytics = ((action.body?.properties as Record<string, unknown>).flowAnalyticsConfiguration as Record<string, Record<string, unknown>>).networkWatcherFlowAnalyticsConfiguration;
    assert.deepEqual(analytics, { enabled: true, workspaceId: workspace().customerId, workspaceRegion: 'uksouth', workspaceResourceId: workspace().armId, trafficAnalyticsInterval: 10 });
  });

  it('warns about double logging for a subnet its VNet flow log already covers', () => {
    const plan = planFlowLogs(answers({ targets: [subnetTarget()] }), facts({ flowLogs: [existingFlowLog()] }));
    assert.equal(check(plan, 'doubleLogging').status, 'warning');
    assert.match(check(plan, 'doubleLogging').detail, /vnet-dev-spoke\/snet-app is already covered by flow log fl-vnet-dev-spoke/);
    assert.equal(plan.actions[0].resourceId.endsWith('/flowLogs/fl-vnet-dev-spoke-snet-app'), true);
  });

  it('refuses a flow log name that already logs another target in the watcher', () => {
    const plan = planFlowLogs(answers({ targets: [subnetTarget()], flowLogNames: { [subnetTarget().id]: 'fl-vnet-dev-spoke' } }), facts({ flowLogs: [existingFlowLog({ enabled: false })] }));
    assert.equal(check(plan, 'flowLogName').status, 'failed');
  });
});

describe('Flow-log plan: updating an existing flow log', () => {
  it('keeps the flow log\'s system-assigned or user-assigned identity, tags and filters, and Undo puts back what it held', () => {
    const identityId = `/subscriptions/${devSubscription}/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flowlogs`;
    for (const identity of [{ type: 'SystemAssigned' }, { type: 'SystemAssigned, UserAssigned', userAssignedIdentityIds: [identityId] }]) {
      const existing = existingFlowLog({ identity, tags: { owner: 'network team' }, enabledFilteringCriteria: "srcIP=='10.0.0.4'", recordTypes: 'B,E' });
      const plan = planFlowLogs(answers({ retentionDays: 90 }), facts({ flowLogs: [existing] }));
      const [update] = plan.actions;
      assert.equal(update.existing, 'differs');
      const written = identity.userAssignedIdentityIds ? { type: identity.type, userAssignedIdentities: { [identityId]: {} } } : { type: identity.type };
      assert.deepEqual(update.body?.identity, written);
      assert.deepEqual(update.body?.tags, { owner: 'network team' });
      assert.equal((update.body?.properties as Record<string, unknown>).enabledFilteringCriteria, "srcIP=='10.0.0.4'");
      assert.equal((update.body?.properties as Record<string, unknown>).recordTypes, 'B,E');
      assert.deepEqual((update.body?.properties as Record<string, unknown>).retentionPolicy, { days: 90, enabled: true });
      assert.equal(update.undo?.kind, 'put');
      assert.deepEqual((update.undo as { body: Record<string, unknown> }).body.identity, written);
      assert.deepEqual(((update.undo as { body: Record<string, unknown> }).body.properties as Record<string, unknown>).retentionPolicy, { days: 30, enabled: true });
    }
  });
});

describe('NSG flow log migration plan', () => {
  const nsgArmId = `/subscriptions/${devSubscription}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app`;
  const nsgFlowLog = existingFlowLog({ name: 'fl-nsg-dev-app', targetArmId: nsgArmId, targetId: nsgArmId.toLowerCase(), retentionDays: 7 });

  it('creates the VNet flow log with the NSG flow log settings, then disables the NSG flow log after a confirmation', () => {
    const plan = planNsgMigration([{ flowLog: nsgFlowLog, nsgName: 'nsg-dev-app', targets: [target()] }], facts({ flowLogs: [nsgFlowLog] }));
    assert.equal(isBlocked(plan), false);
    const [create, disable] = plan.actions;
    assert.equal(create.existing, 'absent');
    assert.deepEqual((create.body?.properties as Record<string, unknown>).retentionPolicy, { days: 7, enabled: true });
    assert.equal(disable.resourceId, nsgFlowLog.armId);
    assert.equal((disable.body?.properties as Record<string, unknown>).enabled, false);
    assert.equal((disable.body?.properties as Record<string, unknown>).targetResourceId, nsgArmId);
    assert.deepEqual(disable.dependsOn, [create.id]);
    assert.match(disable.confirm ?? '', /Disable NSG flow log fl-nsg-dev-app now\? Keeping both doubles the records and the cost/);
    assert.equal(disable.undo?.kind, 'put');
    assert.match(plan.warnings.join('\n'), /twice the records and twice the cost/);
  });

  it('keeps a VNet flow log that already covers the target as it is', () => {
    const vnetFlowLog = existingFlowLog({ retentionDays: 30 });
    const plan = planNsgMigration([{ flowLog: nsgFlowLog, nsgName: 'nsg-dev-app', targets: [target()] }], facts({ flowLogs: [vnetFlowLog, nsgFlowLog] }));
    assert.equal(plan.actions[0].existing, 'same');
    assert.deepEqual((plan.actions[0].body?.properties as Record<string, unknown>).retentionPolicy, { days: 30, enabled: true });
    assert.equal(actionsToSend(plan).length, 1);
    const storageLine = plan.estimate?.lines.find((line) => line.startsWith('Storage:')) ?? '';
    assert.match(storageLine, /with 30-day retention/, 'the estimate prices the kept flow log\'s 30 days, not the NSG flow log\'s 7');
    assert.doesNotMatch(renderPreview(plan), /7-day retention/);
  });

  it('prices each target with the retention the plan leaves on it when a kept flow log and a new one differ', () => {
    const otherVnet = vnetArmId.replace('vnet-dev-spoke', 'vnet-dev-data');
    const kept = existingFlowLog({ retentionDays: 30 });
    const plan = planNsgMigration(
      [{ flowLog: nsgFlowLog, nsgName: 'nsg-dev-app', targets: [target({ nicCount: 2 }), target({ armId: otherVnet, id: otherVnet.toLowerCase(), vnetId: otherVnet.toLowerCase(), name: 'vnet-dev-data', nicCount: 3 })] }],
      facts({ flowLogs: [kept, nsgFlowLog] }),
    );
    const created = plan.actions.find((action) => action.existing === 'absent');
    assert.deepEqual((created?.body?.properties as Record<string, unknown>).retentionPolicy, { days: 7, enabled: true });
    const lines = plan.estimate?.lines ?? [];
    assert.match(lines.find((line) => line.startsWith('Storage:')) ?? '', /\(7-day retention on 3 NICs, 30-day retention on 2 NICs\)/);
    assert.match(plan.estimate?.inputs[0] ?? '', /^NICs covered: 5 \(3 NICs with 7-day retention, 2 NICs with 30-day retention\)$/);
  });

  it('sends nothing when the NSG flow log is already disabled and the VNet is covered', () => {
    const plan = planNsgMigration([{ flowLog: { ...nsgFlowLog, enabled: false }, nsgName: 'nsg-dev-app', targets: [target()] }], facts({ flowLogs: [existingFlowLog()] }));
    assert.equal(actionsToSend(plan).length, 0);
  });

  it('disabling an NSG flow log with a user-assigned identity keeps the identity and everything else it holds', () => {
    const identityId = `/subscriptions/${devSubscription}/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flowlogs`;
    const held = existingFlowLog({
      ...nsgFlowLog,
      identity: { type: 'UserAssigned', userAssignedIdentityIds: [identityId] },
      tags: { owner: 'secops' },
      enabledFilteringCriteria: 'dstPort=443',
      recordTypes: 'B,E',
      formatVersion: 1,
      retentionDays: 0,
      retentionPolicy: { days: 14, enabled: false },
      trafficAnalytics: { enabled: false, workspaceResourceId: workspace().armId, workspaceId: workspace().customerId, workspaceRegion: 'uksouth', intervalMinutes: 10 },
    });
    const plan = planNsgMigration([{ flowLog: held, nsgName: 'nsg-dev-app', targets: [target()] }], facts({ flowLogs: [held] }));
    const disable = plan.actions.find((action) => action.resourceId === held.armId);
    const expected = (enabled: boolean) => ({
      location: 'uksouth',
      tags: { owner: 'secops' },
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } },
      properties: {
        targetResourceId: nsgArmId,
        storageId: storageAccount().armId,
        enabled,
        enabledFilteringCriteria: 'dstPort=443',
        recordTypes: 'B,E',
        retentionPolicy: { days: 14, enabled: false },
        format: { type: 'JSON', version: 1 },
        flowAnalyticsConfiguration: {
          networkWatcherFlowAnalyticsConfiguration: { enabled: false, workspaceId: workspace().customerId, workspaceRegion: 'uksouth', workspaceResourceId: workspace().armId, trafficAnalyticsInterval: 10 },
        },
      },
    });
    assert.deepEqual(disable?.body, expected(false));
    assert.deepEqual(disable?.undo, { kind: 'put', body: expected(true) });
  });

  it('refuses an NSG attached to nothing', () => {
    const plan = planNsgMigration([{ flowLog: nsgFlowLog, nsgName: 'nsg-dev-app', targets: [] }], facts());
    assert.equal(check(plan, 'migrationTargets').status, 'failed');
  });
});

function stName(): string {
  return 'stflowlogsdev01';
}
