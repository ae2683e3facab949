import assert from 'node:assert/strict';
import type { ArmActionRunner } from '../../../src/azure/armActionRunner';
import { toArmProblem } from '../../../src/azure/armProblem';
import type { Plan, PlanAction } from '../../../src/core/plan';
import { applyPlan, undoCreated } from '../../../src/wizards/shared/applyPlan';
import { roleAssignmentAction, storageBlobDataReaderRoleId } from '../../../src/wizards/shared/roleAssignments';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubFlowLogStorageId, hubSubscriptionId } from '../../standin/topologies/demo';
import { sshEd25519PublicKey } from '../../fixtures/sshKeys';
import { runnerFor } from './demoApi';

const group = 'rg-hub-network';
const collectorVmId = armIds.virtualMachine(hubSubscriptionId, group, 'vm-collector-02');
const identity = 'identity.principalId';

/** The demo estate with a free NIC in the collectors' subnet for a new collector VM. */
function topology(): Topology {
  const estate = demoTopology();
  const hubGroup = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId)?.resourceGroups.find((candidate) => candidate.name === group);
  assert.ok(hubGroup);
  hubGroup.networkInterfaces = [
    ...(hubGroup.networkInterfaces ?? []),
    { name: 'nic-collector-02', subnetId: armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors'), privateIpAddress: '10.0.1.5', macAddress: '00-0D-3A-4C-21-80', acceleratedNetworking: true },
  ];
  return estate;
}

/** Create (or keep) the collector VM with a system-assigned managed identity. */
function collectorVm(existing: PlanAction['existing'], identityType = 'SystemAssigned'): PlanAction {
  return {
    id: 'vm',
    kind: 'put',
    title: 'Create VM vm-collector-02',
    resourceId: collectorVmId,
    resourceType: 'Microsoft.Compute/virtualMachines',
    apiVersion: '2026-04-01',
    body: {
      location: 'germanywestcentral',
      ...(identityType === 'None' ? {} : { identity: { type: identityType } }),
      properties: {
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }, osDisk: { createOption: 'FromImage' } },
        osProfile: {
          computerName: 'collector',
          adminUsername: 'azureuser',
          linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshEd25519PublicKey() }] } },
        },
        networkProfile: { networkInterfaces: [{ id: armIds.networkInterface(hubSubscriptionId, group, 'nic-collector-02') }] },
      },
    },
    dependsOn: [],
    tenantId: demoTenantId,
    existing,
  };
}

function grant(vm: PlanAction, existing: PlanAction['existing'] = 'absent'): PlanAction {
  return roleAssignmentAction({
    id: 'grant',
    scopeId: hubFlowLogStorageId,
    roleDefinitionGuid: storageBlobDataReaderRoleId,
    principal: { fromAction: vm, property: identity, describe: "the principal of vm-collector-02's managed identity" },
    principalType: 'ServicePrincipal',
    tenantId: demoTenantId,
    title: 'Let vm-collector-02 read flow logs in sthubflowlogsgwc01 (Storage Blob Data Reader)',
    dependsOn: [],
    existing,
  });
}

function planOf(actions: PlanAction[]): Plan {
  return { kind: 'flowLogs', title: 'Flow logs with a collector', summary: [], checks: [], warnings: [], actions };
}

describe('Role assignment for a VM identity the plan creates, against the ARM stand-in', function () {
  this.timeout(60_000);
  let standIn: StandIn;
  let runner: ArmActionRunner;

  before(async () => {
    standIn = await startStandIn({ topology: topology(), lroPollsBeforeDone: 1 });
    runner = runnerFor(standIn, { principalPollMs: 20, principalWaitMs: 300 });
  });

  after(async () => {
    await standIn?.close();
  });

  afterEach(() => standIn.faults.reset());

  const assignmentsOnStorage = () =>
    standIn.state.list('Microsoft.Authorization/roleAssignments', `/subscriptions/${hubSubscriptionId}`).filter((assignment) => String(assignment.properties.scope).toLowerCase() === hubFlowLogStorageId.toLowerCase());

  it('creates the VM, grants its new identity Storage Blob Data Reader on the storage account, and Undo removes the grant', async () => {
    // The stand-in serves no VM DELETE, so this plan keeps its VM on Undo.
    const vm: PlanAction = { ...collectorVm('absent'), undo: { kind: 'none', reason: 'The collector VM stays.' } };
    const plan = planOf([vm, grant(vm)]);
    const report = await applyPlan(plan, runner, { backoffMs: 5 });
    assert.deepEqual(report.outcomes.map((outcome) => [outcome.actionId, outcome.status, outcome.message]), [['vm', 'succeeded', undefined], ['grant', 'succeeded', undefined]]);
    const principalId = (standIn.state.get(collectorVmId)?.identity as { principalId?: string } | undefined)?.principalId;
    assert.ok(principalId, 'the stand-in gave the VM a principal');
    assert.deepEqual(report.outcomes[0].outputs, { [identity]: principalId }, 'only the referenced property of the VM is kept');
    const stored = standIn.state.get(plan.actions[1].resourceId);
    assert.ok(stored, 'the assignment exists under the planned name');
    assert.deepEqual([stored.properties.principalId, stored.properties.principalType, stored.properties.roleDefinitionId], [
      principalId,
      'ServicePrincipal',
      `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${storageBlobDataReaderRoleId}`,
    ]);

    const undone = await undoCreated(report, runner, { backoffMs: 5 });
    assert.deepEqual(undone.outcomes.map((outcome) => outcome.status), ['succeeded', 'undone']);
    assert.equal(undone.complete, true);
    assert.equal(standIn.state.get(plan.actions[1].resourceId), undefined, 'the assignment is deleted');
    assert.equal(assignmentsOnStorage().filter((assignment) => assignment.properties.principalId === principalId).length, 0);
  });

  it('reads a kept VM by id for its principal, and keeps an assignment Azure already has under another name, naming it', async () => {
    const created = await applyPlan(planOf([collectorVm('absent')]), runner, { backoffMs: 5 });
    assert.equal(created.complete, true);
    const vm = collectorVm('same');
    const first = await applyPlan(planOf([vm, grant(vm)]), runner, { backoffMs: 5 });
    assert.deepEqual(first.outcomes.map((outcome) => outcome.status), ['kept', 'succeeded']);
    const principalId = (standIn.state.get(collectorVmId)?.identity as { principalId: string }).principalId;
    assert.deepEqual(first.outcomes[0].outputs, { [identity]: principalId }, 'the kept VM was read by id');

    // The same grant under another name (made in the portal, say): Azure answers 409 RoleAssignmentExists.
    const other = { ...grant(vm), resourceId: `${hubFlowLogStorageId}/providers/Microsoft.Authorization/roleAssignments/0b0c7e52-9c3d-4a57-8d3e-4f7a1b2c3d4e` };
    const again = await applyPlan(planOf([vm, other]), runner, { backoffMs: 5 });
    assert.equal(again.outcomes[1].status, 'kept');
    assert.match(again.outcomes[1].message ?? '', new RegExp(`Already granted by role assignment ${grant(vm).resourceId.split('/').pop()}`));
    assert.equal(again.complete, true);
    const undone = await undoCreated(again, runner, { backoffMs: 5 });
    assert.deepEqual(undone.outcomes.map((outcome) => outcome.status), ['kept', 'kept'], 'Undo leaves what the plan did not create');
    assert.equal(assignmentsOnStorage().filter((assignment) => assignment.properties.principalId === principalId).length, 1);
  });

  it('fails the grant naming the property and the VM when the kept VM has no managed identity', async () => {
    const vm = { ...collectorVm('same'), resourceId: armIds.virtualMachine(hubSubscriptionId, group, 'vm-collector-01'), title: 'Keep VM vm-collector-01' };
    const plan = planOf([vm, { ...grant(vm), id: 'grant' }]);
    const report = await applyPlan(plan, runner, { backoffMs: 5 });
    assert.equal(report.outcomes[1].status, 'failed');
    assert.equal(report.outcomes[1].code, 'ReferencedValueMissing');
    assert.match(report.outcomes[1].message ?? '', /vm-collector-01 has no identity\.principalId/);
    assert.match(report.outcomes[1].message ?? '', /managed identity/);
    assert.equal(standIn.state.get(plan.actions[1].resourceId), undefined, 'nothing was granted');
  });

  it('tries PrincipalNotFound again for a bounded time, then fails saying the identity may still be replicating', async () => {
    const known = { ...grant(collectorVm('absent')), bodyFrom: undefined, dependsOn: [] };
    const stranger = { ...known, body: { properties: { ...(known.body!.properties as Record<string, unknown>), principalId: '5b0e3c1a-7d2f-4e8b-9a6c-1f2e3d4c5b6a' } } };
    const started = Date.now();
    const error = await runner.run(stranger, new AbortController().signal).then(() => undefined, (caught: unknown) => caught);
    const problem = toArmProblem(error);
    assert.equal(problem.code, 'PrincipalNotFound');
    assert.match(problem.message, /still doesn't know principal 5b0e3c1a-7d2f-4e8b-9a6c-1f2e3d4c5b6a after \d+ s/);
    assert.match(problem.message, /Retry Remaining/);
    assert.ok(Date.now() - started >= 250, 'it kept trying for about the configured time');
    assert.ok(standIn.requests.countMatching('PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}') > 3);
  });

  it('sends the grant again while the principal is not yet known, and succeeds once it has replicated', async () => {
    const principalId = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    const base = { ...grant(collectorVm('absent')), bodyFrom: undefined, dependsOn: [] };
    const late = { ...base, resourceId: `${hubFlowLogStorageId}/providers/Microsoft.Authorization/roleAssignments/3e0f1a2b-5c6d-4e7f-9a8b-1c2d3e4f5a6b`, body: { properties: { ...(base.body!.properties as Record<string, unknown>), principalId } } };
    const patient = runnerFor(standIn, { principalPollMs: 20, principalWaitMs: 5_000 });
    // The identity becomes visible to Azure RBAC a little later, as a new one does after replication.
    const replicated = setTimeout(() => standIn.state.principals.set(principalId, { principalId, tenantId: demoTenantId, principalType: 'ServicePrincipal', createdAt: 0 }), 100);
    try {
      const result = await patient.run(late, new AbortController().signal);
      assert.equal((result as { resource?: { name?: string } }).resource?.name, '3e0f1a2b-5c6d-4e7f-9a8b-1c2d3e4f5a6b');
      assert.equal(standIn.state.get(late.resourceId)?.properties.principalId, principalId);
    } finally {
      clearTimeout(replicated);
    }
  });

  it('refuses to send an action whose referenced values were not filled in', async () => {
    const vm = collectorVm('absent');
    const error = await runner.run(grant(vm), new AbortController().signal).then(() => undefined, (caught: unknown) => caught);
    assert.equal(toArmProblem(error).code, 'UnresolvedReference');
  });
});
