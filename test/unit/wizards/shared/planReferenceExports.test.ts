import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, PlanAction } from '../../../../src/core/plan';
import { bicepPropertyAccess, toBicep } from '../../../../src/wizards/shared/bicep';
import { jmesPath, toAzureCliScript } from '../../../../src/wizards/shared/cliScript';
import { renderPreview } from '../../../../src/wizards/shared/preview';
import { roleAssignmentAction, storageBlobDataReaderRoleId } from '../../../../src/wizards/shared/roleAssignments';

const subscriptionId = '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24';
const storageId = `/subscriptions/${subscriptionId}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stflowlogs01`;
const vmId = `/subscriptions/${subscriptionId}/resourceGroups/rg-collect/providers/Microsoft.Compute/virtualMachines/vm-collector`;
const principal = '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b';

function collectorVm(existing: PlanAction['existing']): PlanAction {
  return {
    id: 'vm',
    kind: 'put',
    title: 'Create VM vm-collector',
    resourceId: vmId,
    resourceType: 'Microsoft.Compute/virtualMachines',
    apiVersion: '2026-04-01',
    body: { location: 'germanywestcentral', identity: { type: 'SystemAssigned' }, properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5' } } },
    dependsOn: [],
    tenantId: 'tenant-a',
    existing,
  };
}

/** A collector VM (created, or kept as it is) and the grant that lets its identity read the flow-log storage account. */
function collectorPlan(existing: PlanAction['existing'] = 'absent'): Plan {
  const vm = collectorVm(existing);
  const grant = roleAssignmentAction({
    id: 'grant',
    scopeId: storageId,
    roleDefinitionGuid: storageBlobDataReaderRoleId,
    principal: { fromAction: vm, property: 'identity.principalId', describe: "the principal of vm-collector's managed identity" },
    principalType: 'ServicePrincipal',
    tenantId: 'tenant-a',
    title: 'Let vm-collector read flow logs in stflowlogs01 (Storage Blob Data Reader)',
    dependsOn: [],
    existing: 'absent',
  });
  return { kind: 'flowLogs', title: 'Flow logs with a collector', summary: [], checks: [], warnings: [], actions: [vm, grant] };
}

/** Runs the script with a stand-in `az` that records its arguments and answers `az resource show` with `answer`. */
function runScript(script: string, answer: string): { status: number | null; stderr: string; calls: string[][] } {
  const folder = mkdtempSync(join(tmpdir(), 'lens-az-ref-'));
  try {
    const log = join(folder, 'az.log');
    writeFileSync(
      join(folder, 'az'),
      `#!/usr/bin/env bash\n{ printf '%s\\0' "$@"; printf '\\036\\0'; } >> "$AZ_LOG"\nif [ "$1 $2" = "resource show" ]; then printf '%s\\n' "$AZ_ANSWER"; fi\n`,
    );
    chmodSync(join(folder, 'az'), 0o755);
    writeFileSync(join(folder, 'script.sh'), script);
    writeFileSync(log, '');
    const result = spawnSync('bash', [join(folder, 'script.sh')], { cwd: folder, env: { PATH: `${folder}:/usr/bin:/bin`, AZ_LOG: log, AZ_ANSWER: answer }, encoding: 'utf8' });
    const calls: string[][] = [];
    let args: string[] = [];
    for (const field of readFileSync(log, 'utf8').split('\0').slice(0, -1)) {
      if (field === '\x1e') {
        calls.push(args);
        args = [];
      } else {
        args.push(field);
      }
    }
    return { status: result.status, stderr: result.stderr, calls };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function flagValue(call: string[], flag: string): string | undefined {
  const index = call.indexOf(flag);
  return index < 0 ? undefined : call[index + 1];
}

describe('Exports of a plan whose later action takes a value from an earlier one', function () {
  this.timeout(20_000);

  it('preview: shows a placeholder in the body and says where the value comes from', () => {
    const preview = renderPreview(collectorPlan());
    assert.match(preview, /"principalId": "<the principal of vm-collector's managed identity, known after vm-collector is created>"/);
    assert.match(preview, /Takes the principal of vm-collector's managed identity \(`identity\.principalId`\) from action 1 into `properties\.principalId`/);
    assert.match(renderPreview(collectorPlan('same')), /"principalId": "<the principal of vm-collector's managed identity, read from vm-collector on Apply>"/);
  });

  it('CLI script: reads the principal after creating the VM and grants the role to exactly that value', () => {
    const script = toAzureCliScript(collectorPlan());
    assert.match(script, /vm_collector_principalId=\$\(az resource show/);
    const run = runScript(script, principal);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.calls.map((call) => call.slice(0, 3).join(' ')), ['rest --method put', 'resource show --ids', 'role assignment create']);
    const [create, read, grant] = run.calls;
    assert.ok(flagValue(create, '--url')?.includes('/virtualMachines/vm-collector?api-version=2026-04-01'));
    assert.deepEqual([flagValue(read, '--ids'), flagValue(read, '--api-version'), flagValue(read, '--query'), flagValue(read, '--output')], [vmId, '2026-04-01', 'identity.principalId', 'tsv']);
    const plan = collectorPlan();
    assert.deepEqual(
      ['--scope', '--role', '--assignee-object-id', '--assignee-principal-type', '--name', '--subscription'].map((flag) => flagValue(grant, flag)),
      [storageId, `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${storageBlobDataReaderRoleId}`, principal, 'ServicePrincipal', plan.actions[1].resourceId.split('/').pop(), subscriptionId],
    );
  });

  it('CLI script: stops before granting when the VM has no principal, saying what is missing', () => {
    const run = runScript(toAzureCliScript(collectorPlan()), '');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /vm-collector has no identity\.principalId \(the principal of vm-collector's managed identity\); stopping\./);
    assert.equal(run.calls.some((call) => call[0] === 'role'), false);
  });

  it('CLI script: a kept VM is only read; a body sent with az rest splices the variable into its JSON', () => {
    const plan = collectorPlan('same');
    plan.actions[1] = { ...plan.actions[1], body: { properties: { ...(plan.actions[1].body!.properties as Record<string, unknown>), condition: "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:ContainerName] StringEquals 'insights-logs'", conditionVersion: '2.0' } } };
    const run = runScript(toAzureCliScript(plan), principal);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.calls.map((call) => call.slice(0, 2).join(' ')), ['resource show', 'rest --method']);
    const body = JSON.parse(flagValue(run.calls[1], '--body') ?? '{}') as { properties: Record<string, string> };
    assert.equal(body.properties.principalId, principal);
    assert.equal(body.properties.condition, "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:ContainerName] StringEquals 'insights-logs'");
  });

  it('CLI script: Undo-style deletes of a role assignment use its id', () => {
    const plan = collectorPlan();
    const remove: Plan = { ...plan, actions: [{ ...plan.actions[1], kind: 'delete', body: undefined, bodyFrom: undefined, dependsOn: [] }] };
    const run = runScript(toAzureCliScript(remove), principal);
    assert.deepEqual(run.calls, [['role', 'assignment', 'delete', '--ids', plan.actions[1].resourceId, '--subscription', subscriptionId]]);
  });

  it('writes query and property paths for az and Bicep', () => {
    assert.equal(jmesPath('identity.principalId'), 'identity.principalId');
    assert.equal(jmesPath('properties.ipConfigurations.0.id'), 'properties.ipConfigurations[0].id');
    assert.equal(jmesPath('tags.cost-center'), 'tags."cost-center"');
    assert.equal(bicepPropertyAccess('identity.principalId'), '.identity.principalId');
    assert.equal(bicepPropertyAccess('properties.ipConfigurations.0.id'), '.properties.ipConfigurations[0].id');
    assert.equal(bicepPropertyAccess('tags.cost-center'), ".tags['cost-center']");
  });

  it('Bicep: the grant is scoped to the storage account and takes the principal from the VM by its symbolic name', () => {
    const plan = collectorPlan();
    const { files } = toBicep(plan);
    assert.deepEqual(files.map((file) => file.path), ['main.bicep', 'modules/8b1d4e72-rg-collect.bicep', 'modules/8b1d4e72-rg-logs.bicep']);
    const logs = files[2].content;
    const name = plan.actions[1].resourceId.split('/').pop();
    assert.match(logs, /resource storageAccounts_stflowlogs01 'Microsoft\.Storage\/storageAccounts@2026-09-01' existing = \{\n {2}name: 'stflowlogs01'\n\}/);
    assert.match(logs, /resource virtualMachines_vm_collector 'Microsoft\.Compute\/virtualMachines@2026-04-01' existing = \{\n {2}name: 'vm-collector'\n {2}scope: resourceGroup\('8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24', 'rg-collect'\)\n\}/);
    assert.match(
      logs,
      new RegExp(
        `resource roleAssignments_\\w+ 'Microsoft\\.Authorization/roleAssignments@2022-04-01' = \\{\\n {2}scope: storageAccounts_stflowlogs01\\n {2}name: '${name}'\\n {2}properties: \\{\\n {4}roleDefinitionId: '/subscriptions/${subscriptionId}/providers/Microsoft\\.Authorization/roleDefinitions/${storageBlobDataReaderRoleId}'\\n {4}principalType: 'ServicePrincipal'\\n {4}principalId: virtualMachines_vm_collector\\.identity\\.principalId\\n {2}\\}\\n\\}`,
      ),
    );
    assert.doesNotMatch(logs, /<the principal/);
    assert.match(files[0].content, /module module_8b1d4e72_rg_logs 'modules\/8b1d4e72-rg-logs\.bicep' = \{\n {2}name: '[^']+'\n {2}scope: resourceGroup\('[^']+', 'rg-logs'\)\n {2}dependsOn: \[\n {4}module_8b1d4e72_rg_collect\n {2}\]/, 'the grant waits for the module that creates the VM');
  });

  it('Bicep: in one module the VM symbol is referenced directly, without dependsOn, and a kept VM is declared existing', () => {
    const plan = collectorPlan();
    const sameGroup = `/subscriptions/${subscriptionId}/resourceGroups/rg-collect/providers/Microsoft.Storage/storageAccounts/stcollect`;
    const vm = plan.actions[0];
    const grant = roleAssignmentAction({
      id: 'grant',
      scopeId: sameGroup,
      roleDefinitionGuid: storageBlobDataReaderRoleId,
      principal: { fromAction: vm, property: 'identity.principalId', describe: 'the principal' },
      principalType: 'ServicePrincipal',
      tenantId: 'tenant-a',
      title: 'Grant',
      dependsOn: [],
      existing: 'absent',
    });
    const one = toBicep({ ...plan, actions: [vm, grant] }).files;
    assert.equal(one.length, 2);
    assert.match(one[1].content, /principalId: virtualMachines_vm_collector\.identity\.principalId\n/);
    assert.doesNotMatch(one[1].content, /dependsOn/);
    const kept = toBicep({ ...plan, actions: [{ ...vm, existing: 'same' }, grant] }).files;
    assert.match(kept[1].content, /resource virtualMachines_vm_collector 'Microsoft\.Compute\/virtualMachines@2026-04-01' existing = \{\n {2}name: 'vm-collector'\n\}/);
    assert.match(kept[1].content, /principalId: virtualMachines_vm_collector\.identity\.principalId\n/);
  });
});
