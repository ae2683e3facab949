import assert from 'node:assert/strict';
import { referenceProblems, undoStepOf, type PlanAction } from '../../../../src/core/plan';
import { deterministicGuid, roleAssignmentAction, roleAssignmentName, storageBlobDataReaderRoleId } from '../../../../src/wizards/shared/roleAssignments';

const subscriptionId = '11111111-2222-3333-4444-555555555555';
const storageId = `/subscriptions/${subscriptionId}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stflowlogs`;
const vm: PlanAction = {
  id: 'a3',
  kind: 'put',
  title: 'Create VM vm-collector',
  resourceId: `/subscriptions/${subscriptionId}/resourceGroups/rg-collect/providers/Microsoft.Compute/virtualMachines/vm-collector`,
  resourceType: 'Microsoft.Compute/virtualMachines',
  apiVersion: '2026-04-01',
  body: { location: 'germanywestcentral', identity: { type: 'SystemAssigned' } },
  dependsOn: [],
  tenantId: 'tenant',
  existing: 'absent',
};
const fromVm = { fromAction: vm, property: 'identity.principalId', describe: "the principal of vm-collector's managed identity" };

function grant(overrides: Partial<Parameters<typeof roleAssignmentAction>[0]> = {}): PlanAction {
  return roleAssignmentAction({
    id: 'a4',
    scopeId: storageId,
    roleDefinitionGuid: storageBlobDataReaderRoleId,
    principal: fromVm,
    principalType: 'ServicePrincipal',
    tenantId: 'tenant',
    title: 'Let vm-collector read flow logs in stflowlogs',
    dependsOn: ['a2'],
    existing: 'absent',
    ...overrides,
  });
}

describe('roleAssignmentAction', () => {
  it('makes GUIDs the way ARM\'s guid() does (a version-5 UUID of the parts joined with -)', () => {
    // uuid5(11fb06fb-712d-4ddd-98c7-e71bbd588830, 'a-b-c'), as Python's uuid.uuid5 computes it.
    assert.equal(deterministicGuid('a', 'b', 'c'), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
  });

  it('puts a role assignment on the storage account at 2022-04-01, taking the principal from the VM action it depends on', () => {
    const action = grant();
    assert.equal(action.kind, 'put');
    assert.equal(action.apiVersion, '2022-04-01');
    assert.equal(action.resourceType, 'Microsoft.Authorization/roleAssignments');
    assert.match(action.resourceId, new RegExp(`^${storageId}/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    assert.deepEqual(action.body, {
      properties: { roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`, principalType: 'ServicePrincipal' },
    });
    assert.deepEqual(action.bodyFrom, [{ path: 'properties.principalId', fromAction: 'a3', property: 'identity.principalId', describe: "the principal of vm-collector's managed identity" }]);
    assert.deepEqual(action.dependsOn, ['a2', 'a3']);
    assert.deepEqual(referenceProblems({ kind: 'flowLogs', title: 't', summary: [], checks: [], warnings: [], actions: [vm, action] }), []);
  });

  it('names the assignment the same on every run, and differently for another scope, principal or role', () => {
    const name = grant().resourceId.split('/').pop();
    assert.equal(grant({ id: 'other', dependsOn: [] }).resourceId.split('/').pop(), name, 'action ids do not change the name');
    assert.equal(roleAssignmentName(storageId.toUpperCase(), { ...fromVm, fromAction: { ...vm, resourceId: vm.resourceId.toUpperCase() } }, storageBlobDataReaderRoleId), name, 'nor does the spelling of ids');
    const others = [
      grant({ scopeId: storageId.replace('stflowlogs', 'stother') }),
      grant({ principal: { ...fromVm, fromAction: { ...vm, resourceId: `${vm.resourceId}-2` } } }),
      grant({ roleDefinitionGuid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' }),
      grant({ principal: { principalId: '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b' } }),
    ].map((action) => action.resourceId.split('/').pop());
    assert.equal(new Set([name, ...others]).size, 5);
  });

  it('takes a principal known when planning as is, and is undone by deleting it', () => {
    const action = grant({ principal: { principalId: '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b' }, principalType: 'User', dependsOn: [], description: 'Reads flow logs' });
    assert.equal(action.bodyFrom, undefined);
    assert.deepEqual(action.dependsOn, []);
    assert.deepEqual((action.body as { properties: Record<string, unknown> }).properties, {
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
      principalId: '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
      principalType: 'User',
      description: 'Reads flow logs',
    });
    assert.deepEqual(undoStepOf(action), { kind: 'delete' });
    assert.equal(undoStepOf(grant({ existing: 'same' })).kind, 'none', 'one that was there before is never removed');
  });

  it('refuses a scope that is not under a subscription', () => {
    assert.throws(() => grant({ scopeId: 'stflowlogs' }), /must be an ARM id under a subscription, not 'stflowlogs'/);
  });
});
