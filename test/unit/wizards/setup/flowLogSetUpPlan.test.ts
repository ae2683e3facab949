import assert from 'node:assert/strict';
import { isBlocked, type Plan, type PlanAction } from '../../../../src/core/plan';
import { planFlowLogSetUp } from '../../../../src/wizards/setup/flowLogSetUpPlan';
import { storageBlobDataReaderRoleId } from '../../../../src/wizards/shared/roleAssignments';

const group = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-logs';
const storageId = `${group}/providers/Microsoft.Storage/storageAccounts/stflowlogs01`;
const vmId = `${group}/providers/Microsoft.Compute/virtualMachines/vm-reader`;

function put(id: string, resourceId: string, resourceType: string, dependsOn: string[] = []): PlanAction {
  return { id, kind: 'put', title: `Create ${resourceId.split('/').pop()}`, resourceId, resourceType, apiVersion: 'v', body: { location: 'eastus' }, dependsOn, tenantId: 'tenant-1', existing: 'absent' };
}

function plan(actions: PlanAction[], summary: string): Plan {
  return { kind: 'flowLogs', title: summary, summary: [summary], checks: [], warnings: [], actions };
}

const flowLogs = plan([put('a1', storageId, 'Microsoft.Storage/storageAccounts'), put('a2', '/subscriptions/x/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_eastus/flowLogs/fl-app', 'Microsoft.Network/networkWatchers/flowLogs', ['a1'])], 'Flow logs for vnet-app.');
const collector = plan([put('a1', `${group}/providers/Microsoft.Network/networkInterfaces/vm-reader-nic`, 'Microsoft.Network/networkInterfaces'), put('a2', vmId, 'Microsoft.Compute/virtualMachines', ['a1'])], 'Collector vm-reader.');

describe('Monitoring set-up: flow logs with a collector', () => {
  it('grants the new VM\'s identity Storage Blob Data Reader on the flow-log account, taking the principal from the VM\'s action', () => {
    const result = planFlowLogSetUp({ flowLogs, storageArmId: storageId, storageTenantId: 'tenant-1', collector: { kind: 'new', plan: collector, vmArmId: vmId } });
    assert.equal(isBlocked(result), false);
    assert.deepEqual(result.actions.map((action) => action.id), ['a1', 'a2', 'a3', 'a4', 'a5']);
    const grant = result.actions[4];
    assert.match(grant.resourceId, new RegExp(`^${storageId}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`));
    assert.deepEqual(grant.bodyFrom?.map((reference) => [reference.fromAction, reference.property, reference.path]), [['a4', 'identity.principalId', 'properties.principalId']]);
    assert.deepEqual([...grant.dependsOn].sort(), ['a1', 'a4']);
    assert.equal((grant.body?.properties as { roleDefinitionId: string }).roleDefinitionId, `/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/${storageBlobDataReaderRoleId}`);
    assert.match(result.summary.join('\n'), /vm-reader's managed identity gets Storage Blob Data Reader on stflowlogs01/);
  });

  it('an existing VM without a managed identity blocks the plan, saying how to turn one on', () => {
    const result = planFlowLogSetUp({ flowLogs, storageArmId: storageId, storageTenantId: 'tenant-1', collector: { kind: 'existing', vmArmId: vmId, tenantId: 'tenant-1' } });
    assert.equal(isBlocked(result), true);
    assert.match(result.checks.find((check) => check.id === 'setup.collectorIdentity')?.detail ?? '', /vm-reader has no system-assigned managed identity.*az vm identity assign/);
    assert.equal(result.actions.some((action) => action.resourceType === 'Microsoft.Authorization/roleAssignments'), false);
  });

  it('an existing VM with an identity is granted by its principal id', () => {
    const result = planFlowLogSetUp({ flowLogs, storageArmId: storageId, storageTenantId: 'tenant-1', collector: { kind: 'existing', vmArmId: vmId, principalId: 'p-1', tenantId: 'tenant-1' } });
    const grant = result.actions.at(-1);
    assert.equal((grant?.body?.properties as { principalId: string }).principalId, 'p-1');
    assert.equal(grant?.bodyFrom, undefined);
  });
});
