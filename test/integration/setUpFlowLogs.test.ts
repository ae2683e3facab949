import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshEd25519PublicKey } from '../fixtures/sshKeys';
import type { ScriptedAnswer } from './scriptedUi';
import { hubSubscriptionId, secopsFlowLogStorageId, secopsHubVnetId, secopsNetworkWatcherId, secopsSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const compute = '2026-04-01';
const authorization = '2022-04-01';
const storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const vmName = 'vm-flow-reader';
const group = `/subscriptions/${secopsSubscriptionId}/resourceGroups/rg-secops-network`;
const vmId = `${group}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
const nicId = `${group}/providers/Microsoft.Network/networkInterfaces/${vmName}-nic`;
const nsgId = `${group}/providers/Microsoft.Network/networkSecurityGroups/${vmName}-nsg`;
const flowLogName = 'fl-vnet-secops-hub';
const flowLogId = `${secopsNetworkWatcherId}/flowLogs/${flowLogName}`;
const existingVmId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Compute/virtualMachines/vm-collector-01`;

const folder = mkdtempSync(join(tmpdir(), 'lens-setup-flowlogs-'));
const keyFile = join(folder, 'id_ed25519.pub');
writeFileSync(keyFile, `${sshEd25519PublicKey('lens@test')}\n`);

interface RoleAssignmentView {
  id: string;
  properties: { roleDefinitionId: string; principalId: string; principalType: string; scope: string };
}

/** The role assignments at (or above) the flow-log storage account, as the stand-in lists them. */
async function assignmentsOnStorage(): Promise<RoleAssignmentView[]> {
  const answer = await armGet(`${secopsFlowLogStorageId}/providers/Microsoft.Authorization/roleAssignments`, authorization);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as { value: RoleAssignmentView[] }).value;
}

/** Option 3 on vnet-secops-hub's row: the flow-log questions for the storage account of its region. */
const flowLogAnswers: ScriptedAnswer[] = [
  { id: 'setup.option', pick: '3' },
  { id: 'flowLogs.storage', pick: 'stsecopsflowlogs01' },
  { id: 'flowLogs.retention', input: '7' },
  { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
  { id: 'flowLogs.name', input: flowLogName },
];

/** A new collector in snet-sensors, next to the VNet whose flow logs it reads. */
const newCollectorAnswers: ScriptedAnswer[] = [
  { id: 'setup.flowLogCollector', pick: 'New collector VM…' },
  { id: 'collector.subnet', pick: 'vnet-secops-hub/snet-sensors' },
  { id: 'collector.resourceGroup', pick: 'rg-secops-network' },
  { id: 'collector.vmName', input: vmName },
  { id: 'collector.image', pick: 'Ubuntu Server 24.04 LTS' },
  { id: 'collector.size', pick: 'Standard_D2s_v5' },
  { id: 'collector.adminUsername', input: 'lensadmin' },
  { id: 'collector.sshKeyFile', input: keyFile },
  { id: 'collector.sourcePrefixes', input: '10.40.0.0/16' },
  { id: 'collector.sshSource', input: '' },
  { id: 'collector.dataDisk', input: '64' },
  { id: 'collector.diskType', pick: 'Standard SSD' },
  { id: 'collector.cloudInit', input: '' },
];

async function deleteAndWait(armId: string, apiVersion: string): Promise<void> {
  const token = demoToken();
  const answer = await call('DELETE', `${standInUrl}${armId}?api-version=${apiVersion}`, undefined, token);
  if (answer.status === 202) {
    await waitForOperation(answer, token);
  }
  for (let attempt = 0; attempt < 50 && answer.status !== 404 && (await armGet(armId, apiVersion)).status === 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes what the suite created: the grant, the VM before the NIC and NSG it holds, the flow log. */
async function removeCreated(): Promise<void> {
  for (const assignment of await assignmentsOnStorage()) {
    if (assignment.properties.scope.toLowerCase() === secopsFlowLogStorageId.toLowerCase()) {
      await call('DELETE', `${standInUrl}${assignment.id}?api-version=${authorization}`, undefined, demoToken());
    }
  }
  for (const [armId, apiVersion] of [[vmId, compute], [nicId, network], [nsgId, network], [flowLogId, network]] as const) {
    await deleteAndWait(armId, apiVersion);
  }
}

describe('Set Up Traffic Monitoring: flow logs with a collector', function () {
  this.timeout(240_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: removeCreated });

  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs "Set Up Traffic Monitoring…" on vnet-secops-hub's row. */
  async function runOnVnetRow(): Promise<void> {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${secopsSubscriptionId}`);
    await api.inventory.children(`/subscriptions/${secopsSubscriptionId}#vnets`);
    await api.inventory.runOnRows('trafficLens.setUpMonitoring', [secopsHubVnetId.toLowerCase()]);
  }

  it('refuses an existing VM without a managed identity, naming it, and sends nothing', async () => {
    const before = await requestCounts();
    api.wizards.answer([...flowLogAnswers, { id: 'setup.flowLogCollector', pick: 'vm-collector-01' }]);
    api.wizards.choose(['apply']);
    await runOnVnetRow();
    const plan = api.wizards.lastPlan();
    assert.ok(plan, 'the plan was shown');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was refused');
    const failed = plan.checks.filter((check) => check.status === 'failed');
    assert.deepEqual(failed.map((check) => check.id), ['setup.collectorIdentity']);
    assert.match(failed[0].detail, /vm-collector-01 has no system-assigned managed identity/);
    assert.ok(failed[0].detail.toLowerCase().includes(existingVmId.toLowerCase()), failed[0].detail);
    assert.ok(!plan.actions.some((action) => action.resourceType === 'Microsoft.Authorization/roleAssignments'), 'no grant is planned');
    const after = await requestCounts();
    for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) {
      assert.equal(countOf(after, method), countOf(before, method), `no ${method} was sent`);
    }
    assert.equal((await armGet(flowLogId, network)).status, 404, 'no flow log');
  });

  it('creates the flow log, a collector VM with a system-assigned identity, and grants it Storage Blob Data Reader on the storage account', async () => {
    api.wizards.answer([...flowLogAnswers, ...newCollectorAnswers]);
    api.wizards.choose(['apply']);
    await runOnVnetRow();
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    assert.equal(report.complete, true, describeReport(report));
    assert.deepEqual(report.plan.checks.filter((check) => check.status === 'failed'), []);

    const flowLog = await armGet(flowLogId, network);
    assert.equal(flowLog.status, 200, 'the flow log exists');
    const flowLogProperties = (flowLog.body as { properties: { enabled: boolean; targetResourceId: string; storageId: string } }).properties;
    assert.equal(flowLogProperties.enabled, true);
    assert.equal(flowLogProperties.targetResourceId.toLowerCase(), secopsHubVnetId.toLowerCase());
    assert.equal(flowLogProperties.storageId.toLowerCase(), secopsFlowLogStorageId.toLowerCase());

    const vm = await armGet(vmId, compute);
    assert.equal(vm.status, 200, 'the collector VM exists');
    const identity = (vm.body as { identity?: { type: string; principalId?: string } }).identity;
    assert.equal(identity?.type, 'SystemAssigned');
    assert.ok(identity?.principalId, 'the VM has a principal');

    const grants = (await assignmentsOnStorage()).filter((assignment) => assignment.properties.scope.toLowerCase() === secopsFlowLogStorageId.toLowerCase());
    assert.equal(grants.length, 1, JSON.stringify(grants));
    assert.equal(grants[0].properties.roleDefinitionId.toLowerCase(), `/subscriptions/${secopsSubscriptionId}/providers/microsoft.authorization/roledefinitions/${storageBlobDataReader}`);
    assert.equal(grants[0].properties.principalId, identity.principalId, "the grant is for the VM's own identity");
    assert.equal(grants[0].properties.principalType, 'ServicePrincipal');
  });

  it('keeps everything on a second run with the same answers, and the grant stays the one for the VM\u2019s identity', async () => {
    const principalId = ((await armGet(vmId, compute)).body as { identity?: { principalId?: string } }).identity?.principalId;
    assert.ok(principalId, 'the collector of the previous test exists');
    const before = await requestCounts();
    api.wizards.answer([...flowLogAnswers.filter((answer) => answer.id !== 'flowLogs.name'), ...newCollectorAnswers]);
    api.wizards.choose(['apply']);
    await runOnVnetRow();
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    assert.equal(report.complete, true, describeReport(report));
    // The grant too: its name is derived from the scope, the VM and the role, and the plan reads it before planning.
    assert.deepEqual(report.plan.actions.map((action) => `${action.resourceType} ${action.existing}`), report.plan.actions.map((action) => `${action.resourceType} same`), describeReport(report));
    const after = await requestCounts();
    assert.equal(countOf(after, 'PUT') - countOf(before, 'PUT'), 0, 'nothing is sent again');
    const grants = (await assignmentsOnStorage()).filter((assignment) => assignment.properties.scope.toLowerCase() === secopsFlowLogStorageId.toLowerCase());
    assert.deepEqual(grants.map((grant) => grant.properties.principalId), [principalId]);
  });
});

