/**
 * Every plan the wizards can make, built by the real plan builders over every branch, held to the
 * stand-in's contract (test/standin/contract): a route for each action, the one api-version the
 * stand-in accepts for its family, request bodies (and Undo bodies) the vendored REST definitions
 * accept, and CLI scripts and Bicep files that state the plan's api-versions.
 */
import assert from 'node:assert/strict';
import type { Plan, PlanAction } from '../../../src/core/plan';
import { roleAssignmentAction, storageBlobDataReaderRoleId } from '../../../src/wizards/shared/roleAssignments';
import { armIds } from '../../standin/topology';
import { demoTenantId, hubFlowLogStorageId, hubSubscriptionId } from '../../standin/topologies/demo';
import { sshEd25519PublicKey } from '../../fixtures/sshKeys';
import { actionProblems, exportProblems, exportsOf, planProblems } from './planContract';
import { wizardPlans } from './wizardPlans';

describe('plan contract: every plan the wizards make, against the stand-in and the REST definitions', () => {
  const plans = wizardPlans();

  for (const [name, plan] of plans) {
    it(`${name}: routes, api-versions and bodies the definitions accept; the exports state the same api-versions`, () => {
      assert.ok(plan.actions.length > 0, 'the plan has actions');
      assert.deepEqual(planProblems(plan), []);
    });
  }

  it('a role assignment taking its principal from a VM the plan creates: route, api-version and body (with the principal filled in) as the definitions say', () => {
    const vm: PlanAction = {
      id: 'vm',
      kind: 'put',
      title: 'Create VM vm-collector-02',
      resourceId: armIds.virtualMachine(hubSubscriptionId, 'rg-hub-network', 'vm-collector-02'),
      resourceType: 'Microsoft.Compute/virtualMachines',
      apiVersion: '2026-04-01',
      body: {
        location: 'germanywestcentral',
        identity: { type: 'SystemAssigned' },
        properties: {
          hardwareProfile: { vmSize: 'Standard_D2s_v5' },
          storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }, osDisk: { createOption: 'FromImage' } },
          osProfile: { computerName: 'collector', adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshEd25519PublicKey() }] } } },
          networkProfile: { networkInterfaces: [{ id: armIds.networkInterface(hubSubscriptionId, 'rg-hub-network', 'nic-collector-02') }] },
        },
      },
      dependsOn: [],
      tenantId: demoTenantId,
      existing: 'absent',
    };
    const grant = roleAssignmentAction({
      id: 'grant',
      scopeId: hubFlowLogStorageId,
      roleDefinitionGuid: storageBlobDataReaderRoleId,
      principal: { fromAction: vm, property: 'identity.principalId', describe: "the principal of vm-collector-02's managed identity" },
      principalType: 'ServicePrincipal',
      tenantId: demoTenantId,
      title: 'Let vm-collector-02 read flow logs',
      dependsOn: [],
      existing: 'absent',
    });
    const plan: Plan = { kind: 'flowLogs', title: 'Collector', summary: [], checks: [], warnings: [], actions: [vm, grant] };
    assert.deepEqual(planProblems(plan), []);
    assert.match(planProblems({ ...plan, actions: [vm, { ...grant, dependsOn: [] }] }).join('\n'), /^grant: .*does not depend on it/);
    assert.match(actionProblems({ ...grant, body: { properties: { ...(grant.body!.properties as object), principalType: 'Robot' } } }).join('\n'), /principalType/);
  });

  it('covers every action kind, resource type and post operation the wizards send', () => {
    const seen = new Set(plans.flatMap(([, plan]) => plan.actions.map((action) => `${action.kind} ${action.resourceType}${action.operation ? ` ${action.operation}` : ''}${action.query ? ' (sync)' : ''}`)));
    assert.deepEqual([...seen].sort(), [
      'delete Microsoft.Network/networkInterfaces/tapConfigurations',
      'delete Microsoft.Network/virtualNetworkTaps',
      'delete Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      'post Microsoft.Compute/virtualMachines deallocate',
      'post Microsoft.Compute/virtualMachines start',
      'post Microsoft.Resources/providers register',
      'put Microsoft.Compute/virtualMachines/extensions',
      'put Microsoft.Network/networkInterfaces/tapConfigurations',
      'put Microsoft.Network/networkSecurityGroups/securityRules',
      'put Microsoft.Network/networkWatchers',
      'put Microsoft.Network/networkWatchers/flowLogs',
      'put Microsoft.Network/networkWatchers/packetCaptures',
      'put Microsoft.Network/virtualNetworkTaps',
      'put Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      'put Microsoft.Network/virtualNetworks/virtualNetworkPeerings (sync)',
      'put Microsoft.Resources/resourceGroups',
      'put Microsoft.Storage/storageAccounts',
    ]);
  });

  it('catches a body the definitions refuse, an api-version the stand-in does not take, and an export that drifts', () => {
    const [, plan] = plans.find(([name]) => name.startsWith('TAP: a new TAP to a NIC'))!;
    const tapAction = plan.actions.find((action) => action.resourceType === 'Microsoft.Network/virtualNetworkTaps')!;
    const withStatus = { ...tapAction, body: { ...tapAction.body, properties: { ...(tapAction.body?.properties as object), provisioningState: 'Succeeded', destinationPort: '4789' } } };
    const problems = actionProblems(withStatus);
    assert.equal(problems.some((problem) => /readOnly at 'properties\.provisioningState'/.test(problem)), true, problems.join('\n'));
    assert.equal(problems.some((problem) => /type at 'properties\.destinationPort'/.test(problem)), true, problems.join('\n'));

    const older = { ...tapAction, apiVersion: '2024-05-01' };
    assert.match(actionProblems(older).join('\n'), /api-version 2024-05-01 is not the one the stand-in accepts for network/);

    const mistyped = { ...tapAction, resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations' };
    assert.match(actionProblems(mistyped).join('\n'), /answers PUT .*virtualNetworkTaps\/\{tapName\} for virtualNetworkTaps, not Microsoft.Network\/networkInterfaces\/tapConfigurations/);

    const unknown = { ...tapAction, resourceId: `${tapAction.resourceId}/nothingHere/x` };
    assert.match(actionProblems(unknown).join('\n'), /no stand-in route for PUT/);

    // Exports that state another api-version than the plan sends are caught.
    const drifted: Plan = { ...plan, actions: plan.actions.map((action) => (action.id === tapAction.id ? { ...action, apiVersion: '2025-05-01' } : action)) };
    const exportDrift = exportProblems(plan, exportsOf(drifted)).join('\n');
    assert.match(exportDrift, new RegExp(`${tapAction.id} Microsoft.Network/virtualNetworkTaps: the CLI script states api-version 2025-05-01, the plan 2026-01-01`));
    assert.match(exportDrift, /Bicep does not declare it @2026-01-01/);
    assert.match(exportDrift, /Bicep declares microsoft\.network\/virtualnetworktaps@2025-05-01, the plan 2026-01-01/);
  });
});
