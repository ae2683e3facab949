import assert from 'node:assert/strict';
import type { ActionResult, ActionRunner } from '../../../../src/azure/actionRunner';
import { applyPlan, retryRemaining } from '../../../../src/wizards/shared/applyPlan';
import { describeOutcome } from '../../../../src/wizards/shared/review';
import type { Plan, PlanAction } from '../../../../src/core/plan';

const group = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-collect';
const vmId = `${group}/providers/Microsoft.Compute/virtualMachines/vm-collector`;
const storageId = `${group}/providers/Microsoft.Storage/storageAccounts/stflowlogs`;
const principalId = '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b';

function vm(existing: PlanAction['existing'] = 'absent'): PlanAction {
  return {
    id: 'vm',
    kind: 'put',
    title: 'Create VM vm-collector',
    resourceId: vmId,
    resourceType: 'Microsoft.Compute/virtualMachines',
    apiVersion: '2026-04-01',
    body: { location: 'germanywestcentral', identity: { type: 'SystemAssigned' }, properties: {} },
    dependsOn: [],
    tenantId: 't',
    existing,
  };
}

function grant(overrides: Partial<PlanAction> = {}): PlanAction {
  return {
    id: 'grant',
    kind: 'put',
    title: 'Let vm-collector read stflowlogs',
    resourceId: `${storageId}/providers/Microsoft.Authorization/roleAssignments/6d1f0c3e-2a4b-5c6d-8e7f-9a0b1c2d3e4f`,
    resourceType: 'Microsoft.Authorization/roleAssignments',
    apiVersion: '2022-04-01',
    body: { properties: { roleDefinitionId: '/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', principalType: 'ServicePrincipal' } },
    bodyFrom: [{ path: 'properties.principalId', fromAction: 'vm', property: 'identity.principalId', describe: "the principal of vm-collector's managed identity" }],
    dependsOn: ['vm'],
    tenantId: 't',
    existing: 'absent',
    ...overrides,
  };
}

function planOf(actions: PlanAction[]): Plan {
  return { kind: 'flowLogs', title: 'Collector', summary: [], checks: [], warnings: [], actions };
}

/** Azure as far as these tests need it: the VM it returns (with a secret it must never keep), and the bodies it was sent. */
class RecordingRunner implements ActionRunner {
  readonly sent: Array<{ id: string; body: unknown }> = [];
  readonly reads: string[] = [];
  failGrantTimes = 0;
  constructor(private readonly vmResource: Record<string, unknown> = { id: vmId, identity: { type: 'SystemAssigned', principalId }, properties: { osProfile: { adminPassword: 'never-kept' }, provisioningState: 'Succeeded' } }) {}

  async run(action: PlanAction): Promise<ActionResult> {
    this.sent.push({ id: action.id, body: structuredClone(action.body) });
    if (action.id === 'grant' && this.failGrantTimes-- > 0) {
      throw Object.assign(new Error('Bad request'), { name: 'RestError', statusCode: 400, code: 'InvalidRequestContent', response: { status: 400, bodyAsText: JSON.stringify({ error: { code: 'InvalidRequestContent', message: 'Bad request' } }), headers: { get: () => undefined } } });
    }
    return { resource: action.id === 'vm' ? this.vmResource : { id: action.resourceId } };
  }
  async undo(): Promise<void> {}
  async read(action: PlanAction): Promise<Record<string, unknown>> {
    this.reads.push(action.id);
    return this.vmResource;
  }
}

describe('applyPlan: values taken from earlier actions', () => {
  it('fills the principal of the VM it created into the grant before sending it, and keeps only that property', async () => {
    const runner = new RecordingRunner();
    const report = await applyPlan(planOf([vm(), grant()]), runner);
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['succeeded', 'succeeded']);
    assert.deepEqual((runner.sent[1].body as { properties: Record<string, unknown> }).properties.principalId, principalId);
    assert.deepEqual(report.outcomes[0].outputs, { 'identity.principalId': principalId });
    assert.doesNotMatch(JSON.stringify(report), /never-kept/, 'nothing else of the VM (a secret least of all) is kept in the report');
    assert.equal(report.outcomes[1].outputs, undefined, 'an action nothing references keeps nothing');
    assert.deepEqual(runner.reads, [], 'no read was needed');
  });

  it('reads a kept VM by id once, for every action that takes a value from it', async () => {
    const runner = new RecordingRunner();
    const second = grant({ id: 'grant2', resourceId: `${storageId}/providers/Microsoft.Authorization/roleAssignments/7e2f1d4c-3b5a-4c6d-9e8f-0a1b2c3d4e5f` });
    const report = await applyPlan(planOf([vm('same'), grant(), second]), runner);
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['kept', 'succeeded', 'succeeded']);
    assert.deepEqual(runner.reads, ['vm']);
    assert.deepEqual(runner.sent.map((sent) => sent.id).sort(), ['grant', 'grant2']);
    assert.deepEqual(report.outcomes[0].outputs, { 'identity.principalId': principalId });
  });

  it('fails the action naming the property and the action it comes from when the resource has none, and sends nothing', async () => {
    const runner = new RecordingRunner({ id: vmId, properties: {} });
    const report = await applyPlan(planOf([vm(), grant()]), runner);
    assert.equal(report.outcomes[1].status, 'failed');
    assert.equal(report.outcomes[1].code, 'ReferencedValueMissing');
    assert.equal(
      report.outcomes[1].message,
      `vm-collector has no identity.principalId, which "Let vm-collector read stflowlogs" needs as the principal of vm-collector's managed identity (from "Create VM vm-collector"). Make sure vm-collector has it, then use Retry Remaining.`,
    );
    assert.deepEqual(runner.sent.map((sent) => sent.id), ['vm']);
  });

  it('names the earlier resource when reading it fails', async () => {
    const runner = new RecordingRunner();
    runner.read = async () => {
      throw Object.assign(new Error('gone'), { name: 'RestError', statusCode: 404, code: 'ResourceNotFound', response: { status: 404, bodyAsText: JSON.stringify({ error: { code: 'ResourceNotFound', message: "The Resource 'vm-collector' was not found." } }), headers: { get: () => undefined } } });
    };
    const report = await applyPlan(planOf([vm('same'), grant()]), runner);
    assert.deepEqual([report.outcomes[1].status, report.outcomes[1].code], ['failed', 'ResourceNotFound']);
    assert.match(report.outcomes[1].message ?? '', /^Couldn't read the principal of vm-collector's managed identity from vm-collector: The Resource 'vm-collector' was not found\./);
  });

  it('Retry Remaining fills the value kept in the report without running or reading the VM again', async () => {
    const runner = new RecordingRunner();
    runner.failGrantTimes = 1;
    const first = await applyPlan(planOf([vm(), grant()]), runner);
    assert.deepEqual(first.outcomes.map((outcome) => outcome.status), ['succeeded', 'failed']);
    const retryRunner = new RecordingRunner({ id: vmId, identity: { principalId: 'a-different-principal' } });
    const retried = await retryRemaining(first, retryRunner);
    assert.deepEqual(retried.outcomes.map((outcome) => outcome.status), ['succeeded', 'succeeded']);
    assert.deepEqual(retryRunner.sent.map((sent) => sent.id), ['grant']);
    assert.deepEqual(retryRunner.reads, []);
    assert.equal((retryRunner.sent[0].body as { properties: Record<string, unknown> }).properties.principalId, principalId);
  });

  it('never keeps a secret, even when a (refused) reference names one', async () => {
    const runner = new RecordingRunner();
    const greedy = grant({ bodyFrom: [{ path: 'properties.description', fromAction: 'vm', property: 'properties.osProfile.adminPassword', describe: 'the password' }] });
    const report = await applyPlan(planOf([vm(), greedy]), runner);
    assert.deepEqual([report.outcomes[1].status, report.outcomes[1].code], ['failed', 'InvalidPlanReference']);
    assert.match(report.outcomes[1].message ?? '', /which is a secret/);
    assert.doesNotMatch(JSON.stringify(report), /never-kept/);
  });

  it('marks an action kept, with the runner\'s words, when Azure already had what it asks for', async () => {
    const runner = new RecordingRunner();
    runner.run = async (action) => (action.id === 'grant' ? { alreadyInPlace: 'Already granted by role assignment 0a1b.' } : { resource: { identity: { principalId } } });
    const report = await applyPlan(planOf([vm(), grant()]), runner);
    assert.deepEqual(report.outcomes.map((outcome) => [outcome.status, outcome.message]), [['succeeded', undefined], ['kept', 'Already granted by role assignment 0a1b.']]);
    assert.equal(report.complete, true);
    assert.equal(describeOutcome(grant(), report.outcomes[1]), 'Already in place, kept: Let vm-collector read stflowlogs (Already granted by role assignment 0a1b.)');
  });

  it('fails, without sending, an action whose reference does not point to an earlier action it depends on; what depends on it is skipped', async () => {
    const runner = new RecordingRunner();
    const after = { ...vm(), id: 'after', resourceId: `${vmId}-2`, title: 'Create VM vm-collector-2', dependsOn: ['grant'] };
    const report = await applyPlan(planOf([vm(), grant({ dependsOn: [] }), after]), runner);
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['succeeded', 'failed', 'skipped']);
    assert.equal(report.outcomes[1].code, 'InvalidPlanReference');
    assert.match(report.outcomes[1].message ?? '', /does not depend on it \(add vm to dependsOn\)/);
    assert.deepEqual(runner.sent.map((sent) => sent.id), ['vm']);
  });
});
