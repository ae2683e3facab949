import assert from 'node:assert/strict';
import { toExistingFlowLog } from '../../../../src/azure/flowLogsReads';
import { describeFlowLog } from '../../../../src/tree/treeItems';
import { armId, flowLog } from '../../tree/builders';

describe('NSG flow log rows and flow-log facts', () => {
  it('shows the NSG flow log retirement in the tooltip and flags the row for migration', () => {
    const row = describeFlowLog(flowLog({ target: armId.nsg('nsg-web') }));
    assert.match(row.tooltip, /No new NSG flow logs since 30 June 2025; retires 30 September 2027/);
    assert.match(row.contextValue, /(^|;)nsgFlowLog(;|$)/);
    const vnetRow = describeFlowLog(flowLog());
    assert.doesNotMatch(vnetRow.tooltip, /retires/);
    assert.doesNotMatch(vnetRow.contextValue, /nsgFlowLog/);
  });

  it('reads retention, Traffic Analytics and filters from the listed SDK object', () => {
    const ref = {
      ...flowLog({ target: armId.nsg('nsg-web') }),
      properties: {
        retentionPolicy: { days: 7, enabled: true },
        enabledFilteringCriteria: 'dstPort=443',
        tags: { owner: 'secops' },
        flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: { enabled: true, workspaceResourceId: '/w', workspaceId: 'guid', workspaceRegion: 'germanywestcentral', trafficAnalyticsInterval: 10 } },
      },
    };
    const existing = toExistingFlowLog(ref, '/watcher');
    assert.equal(existing.retentionDays, 7);
    assert.equal(existing.enabledFilteringCriteria, 'dstPort=443');
    assert.deepEqual(existing.tags, { owner: 'secops' });
    assert.deepEqual(existing.trafficAnalytics, { enabled: true, workspaceResourceId: '/w', workspaceId: 'guid', workspaceRegion: 'germanywestcentral', intervalMinutes: 10 });
    assert.equal(toExistingFlowLog({ ...ref, properties: { retentionPolicy: { days: 9, enabled: false } } }, '/watcher').retentionDays, 0);
  });

  it('reads a flow log\'s managed identity as a write sends it back, without the principal and client ids Azure fills in', () => {
    const identityId = '/subscriptions/s/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flowlogs';
    const ref = {
      ...flowLog(),
      properties: {
        identity: { type: 'UserAssigned', principalId: 'p', tenantId: 't', userAssignedIdentities: { [identityId]: { principalId: 'p1', clientId: 'c1' } } },
        retentionPolicy: { days: 9, enabled: false },
        format: { type: 'JSON', version: 2 },
      },
    };
    const existing = toExistingFlowLog(ref, '/watcher');
    assert.deepEqual(existing.identity, { type: 'UserAssigned', userAssignedIdentityIds: [identityId] });
    assert.deepEqual(existing.retentionPolicy, { days: 9, enabled: false }, 'the days are kept while retention is off');
    assert.equal(existing.formatType, 'JSON');
    assert.equal(toExistingFlowLog(flowLog(), '/watcher').identity, undefined);
  });
});
