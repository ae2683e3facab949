import assert from 'node:assert/strict';
import { bodyWithPlaceholders, fillReferences, referencedProperties, referencePlaceholder, referenceProblems, valueAtPath, type Plan, type PlanAction } from '../../../src/core/plan';

const group = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-collect';

function put(id: string, overrides: Partial<PlanAction> = {}): PlanAction {
  return {
    id,
    kind: 'put',
    title: `Create ${id}`,
    resourceId: `${group}/providers/Microsoft.Compute/virtualMachines/${id}`,
    resourceType: 'Microsoft.Compute/virtualMachines',
    apiVersion: '2026-04-01',
    body: { properties: { roleDefinitionId: 'r' } },
    dependsOn: [],
    tenantId: 't',
    existing: 'absent',
    ...overrides,
  };
}

const principal = { path: 'properties.principalId', fromAction: 'vm', property: 'identity.principalId', describe: "the principal of vm's managed identity" };

function planOf(actions: PlanAction[]): Plan {
  return { kind: 'flowLogs', title: 't', summary: [], checks: [], warnings: [], actions };
}

describe('Plan body references', () => {
  it('reads values at dotted paths, array items by index', () => {
    const resource = { identity: { principalId: 'p' }, properties: { ipConfigurations: [{ id: 'ip0' }] } };
    assert.equal(valueAtPath(resource, 'identity.principalId'), 'p');
    assert.equal(valueAtPath(resource, 'properties.ipConfigurations.0.id'), 'ip0');
    assert.equal(valueAtPath(resource, 'identity.tenantId'), undefined);
    assert.equal(valueAtPath({}, 'toString'), undefined, "an object's own properties only");
  });

  it('fills values into a copy of the body, creating objects on the way', () => {
    const grant = put('grant', { bodyFrom: [principal, { ...principal, path: 'properties.extra.note', property: 'name' }], dependsOn: ['vm'] });
    const filled = fillReferences(grant, (reference) => `value of ${reference.property}`);
    assert.deepEqual(filled, { properties: { roleDefinitionId: 'r', principalId: 'value of identity.principalId', extra: { note: 'value of name' } } });
    assert.deepEqual(grant.body, { properties: { roleDefinitionId: 'r' } }, 'the plan is not changed');
  });

  it('shows a placeholder saying when the value becomes known', () => {
    const grant = put('grant', { bodyFrom: [principal], dependsOn: ['vm'] });
    assert.deepEqual(bodyWithPlaceholders(planOf([put('vm'), grant]), grant), { properties: { roleDefinitionId: 'r', principalId: "<the principal of vm's managed identity, known after vm is created>" } });
    assert.equal(referencePlaceholder(principal, put('vm', { existing: 'same' })), "<the principal of vm's managed identity, read from vm on Apply>");
    assert.equal(referencePlaceholder(principal, put('vm', { existing: 'differs' })), "<the principal of vm's managed identity, known after vm is updated>");
  });

  it('lists the properties later actions take from an action, once each', () => {
    const plan = planOf([put('vm'), put('g1', { bodyFrom: [principal], dependsOn: ['vm'] }), put('g2', { bodyFrom: [principal, { ...principal, path: 'x', property: 'id' }], dependsOn: ['vm'] })]);
    assert.deepEqual(referencedProperties(plan, 'vm'), ['identity.principalId', 'id']);
    assert.deepEqual(referencedProperties(plan, 'g1'), []);
  });

  it('accepts a reference to an earlier put it depends on', () => {
    assert.deepEqual(referenceProblems(planOf([put('vm'), put('grant', { bodyFrom: [principal], dependsOn: ['vm'] })])), []);
  });

  it('names each wrong reference and the action holding it', () => {
    const cases: Array<[PlanAction[], RegExp]> = [
      [[put('vm'), put('grant', { bodyFrom: [principal] })], /"Create grant" takes the principal of vm's managed identity \(properties\.principalId\) from "Create vm", but does not depend on it \(add vm to dependsOn\)\./],
      [[put('grant', { bodyFrom: [principal], dependsOn: ['vm'] }), put('vm')], /from "Create vm", which comes after it\./],
      [[put('grant', { bodyFrom: [{ ...principal, fromAction: 'nope' }], dependsOn: ['nope'] })], /from action nope, which the plan does not have\./],
      [[put('vm', { kind: 'delete' }), put('grant', { bodyFrom: [principal], dependsOn: ['vm'] })], /which is a delete and produces no resource\./],
      [[put('vm'), put('grant', { bodyFrom: [{ ...principal, property: 'properties.osProfile.adminPassword' }], dependsOn: ['vm'] })], /which is a secret/],
      [[put('vm'), put('grant', { bodyFrom: [principal, principal], dependsOn: ['vm'] })], /another reference fills the same path/],
      [[put('vm'), put('grant', { bodyFrom: [{ ...principal, path: 'properties..principalId' }], dependsOn: ['vm'] })], /dotted names without empty parts/],
    ];
    for (const [actions, expected] of cases) {
      const problems = referenceProblems(planOf(actions));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0].actionId, 'grant');
      assert.match(problems[0].message, expected);
    }
  });
});
