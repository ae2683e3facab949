import assert from 'node:assert/strict';
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { ArmActionRunner, auxiliaryTokensPolicy } from '../../../src/azure/armActionRunner';
import { toArmProblem } from '../../../src/azure/armProblem';
import { applyPlan } from '../../../src/wizards/shared/applyPlan';
import type { Plan, PlanAction } from '../../../src/core/plan';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { collectorTapId, demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId, hubVnetId, prodSubscriptionId, prodVnetId } from '../../standin/topologies/demo';
import { TokenBucketPacer } from '../../../src/azure/writePacer';
import { runnerFor } from './demoApi';

const nsgId = armIds.networkSecurityGroup(prodSubscriptionId, 'rg-prod-network', 'nsg-prod-web');
const nicId = armIds.networkInterface(prodSubscriptionId, 'rg-prod-app', 'nic-web-02');

function action(overrides: Partial<PlanAction> & Pick<PlanAction, 'id' | 'resourceId'>): PlanAction {
  return {
    kind: 'put',
    title: `Create ${overrides.resourceId.split('/').at(-1)}`,
    resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    apiVersion: '2026-01-01',
    dependsOn: [],
    tenantId: demoTenantId,
    existing: 'absent',
    ...overrides,
  };
}

function ruleAction(name: string, priority: number): PlanAction {
  return action({
    id: name,
    resourceId: `${nsgId}/securityRules/${name}`,
    body: {
      properties: {
        priority,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: '10.0.2.0/24',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '8443',
      },
    },
  });
}

function planOf(actions: PlanAction[]): Plan {
  return { kind: 'tap', title: 'test', summary: [], checks: [], warnings: [], actions };
}

describe('ArmActionRunner against the ARM stand-in', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let runner: ArmActionRunner;
  const signal = new AbortController().signal;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology(), lroPollsBeforeDone: 1 });
    runner = runnerFor(standIn, { registrationPollMs: 5 });
  });

  after(async () => {
    await standIn?.close();
  });

  afterEach(() => standIn.faults.reset());

  it('tells whether what a put writes exists, for Undo Created after a failed create', async () => {
    const rule = ruleAction('allow-exists-check', 311);
    assert.equal(await runner.exists(rule, signal), false);
    await runner.run(rule, signal);
    assert.equal(await runner.exists(rule, signal), true);
    await runner.undo(rule, signal);
    assert.equal(await runner.exists(rule, signal), false);
  });

  it('creates a security rule, reads it back, and deletes it', async () => {
    const rule = ruleAction('allow-collector-8443', 310);
    await runner.run(rule, signal);
    const stored = standIn.state.get(rule.resourceId);
    assert.equal(stored?.properties.provisioningState, 'Succeeded');
    assert.equal(stored?.properties.destinationPortRange, '8443');
    assert.equal(standIn.requests.countMatching('GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}') >= 1, true);
    await runner.run({ ...rule, kind: 'delete', body: undefined }, signal);
    assert.equal(standIn.state.get(rule.resourceId), undefined);
  });

  it('creates a tap configuration and undoes it by deleting it', async () => {
    const tap = action({
      id: 'tapcfg',
      resourceId: `${nicId}/tapConfigurations/tapcfg-web-02`,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      body: { properties: { virtualNetworkTap: { id: collectorTapId } } },
    });
    await runner.run(tap, signal);
    const tapResource = standIn.state.get(collectorTapId);
    const back = (tapResource?.properties.networkInterfaceTapConfigurations as Array<{ id: string }>).map((item) => item.id.toLowerCase());
    assert.ok(back.includes(tap.resourceId.toLowerCase()), 'the TAP lists the new configuration');
    await runner.undo(tap, signal);
    assert.equal(standIn.state.get(tap.resourceId), undefined);
  });

  it('surfaces the error code of a failed long-running operation', async () => {
    const rule = ruleAction('fails-in-operation', 311);
    standIn.faults.failOperation({ match: 'fails-in-operation', method: 'PUT', code: 'SecurityRuleConflict', message: 'Another rule has priority 311.' });
    const error = await runner.run(rule, signal).then(() => undefined, (caught: unknown) => caught);
    const problem = toArmProblem(error);
    assert.equal(problem.code, 'SecurityRuleConflict');
    assert.match(problem.message, /priority 311/);
  });

  it('surfaces a validation error with Azure\'s code and status', async () => {
    const tap = action({
      id: 'bad-tap',
      resourceId: `${nicId}/tapConfigurations/tapcfg-missing`,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      body: { properties: { virtualNetworkTap: { id: `${collectorTapId}-missing` } } },
    });
    const problem = toArmProblem(await runner.run(tap, signal).then(() => undefined, (caught: unknown) => caught));
    assert.equal(problem.code, 'InvalidResourceReference');
    assert.equal(problem.status, 400);
  });

  it('honours a 429 Retry-After: the SDK waits and sends again', async () => {
    const rule = ruleAction('after-throttle', 312);
    standIn.faults.throttle({ match: 'after-throttle', method: 'PUT', count: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await runner.run(rule, signal);
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    assert.equal(standIn.state.get(rule.resourceId)?.properties.provisioningState, 'Succeeded');
  });

  it('retries in applyPlan once the SDK gives up on a throttled write, then succeeds', async () => {
    const rule = ruleAction('throttled-long', 313);
    // The SDK tries 4 times; the fifth request (applyPlan's second attempt) goes through.
    standIn.faults.throttle({ match: 'throttled-long', method: 'PUT', count: 4, retryAfterMs: 10 });
    const report = await applyPlan(planOf([rule]), runner);
    assert.equal(report.complete, true);
    assert.equal(report.outcomes[0].status, 'succeeded');
    assert.equal(report.outcomes[0].attempts, 2);
  });

  it('registers a resource provider and waits until it reads Registered', async () => {
    const register = action({
      id: 'register',
      kind: 'post',
      operation: 'register',
      resourceId: `/subscriptions/${devSubscriptionId}/providers/Microsoft.Insights`,
      resourceType: 'Microsoft.Resources/providers',
      apiVersion: '2025-04-01',
    });
    await runner.run(register, signal);
    assert.ok(standIn.state.subscription(devSubscriptionId)?.registeredProviders.has('microsoft.insights'));
  });

  it('creates a resource group and reads it back', async () => {
    const group = action({
      id: 'rg',
      resourceId: armIds.resourceGroup(hubSubscriptionId, 'rg-lens-test'),
      resourceType: 'Microsoft.Resources/resourceGroups',
      apiVersion: '2025-04-01',
      body: { location: 'germanywestcentral' },
    });
    await runner.run(group, signal);
    assert.equal(standIn.state.resourceGroup(hubSubscriptionId, 'rg-lens-test')?.location, 'germanywestcentral');
  });

  it('deallocates and starts a virtual machine with the Compute client', async () => {
    const vmId = armIds.virtualMachine(devSubscriptionId, 'rg-dev-network', 'vm-dev-01');
    const power = (operation: string): PlanAction => action({ id: operation, kind: 'post', operation, resourceId: vmId, resourceType: 'Microsoft.Compute/virtualMachines', apiVersion: '2025-04-01' });
    await runner.run(power('deallocate'), signal);
    assert.equal(standIn.requests.count('POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/deallocate'), 1);
    await runner.run(power('start'), signal);
    assert.equal(standIn.requests.count('POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/start'), 1);
  });

  it('sends the action\'s extra query parameters (a peering sync)', async () => {
    const hub = standIn.state.get(hubVnetId)!;
    const space = hub.properties.addressSpace as { addressPrefixes: string[] };
    space.addressPrefixes = [...space.addressPrefixes, '10.250.0.0/24'];
    const peering = action({
      id: 'sync',
      resourceId: `${prodVnetId}/virtualNetworkPeerings/prod-to-hub`,
      resourceType: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      existing: 'differs',
      body: { properties: { remoteVirtualNetwork: { id: hubVnetId }, allowForwardedTraffic: true } },
    });
    await runner.run(peering, signal);
    const remoteSpace = () => (standIn.state.get(peering.resourceId)?.properties.remoteAddressSpace as { addressPrefixes: string[] }).addressPrefixes;
    assert.ok(!remoteSpace().includes('10.250.0.0/24'), 'without the flag the peering keeps its address space');
    await runner.run({ ...peering, query: { syncRemoteAddressSpace: 'true' } }, signal);
    assert.ok(remoteSpace().includes('10.250.0.0/24'), 'with syncRemoteAddressSpace=true it takes the remote\'s');
  });

  it('keeps its pacer in step with ARM\'s remaining-writes header', async () => {
    const pacer = new TokenBucketPacer(undefined, undefined, 10);
    const paced = runnerFor(standIn, { pacer });
    standIn.faults.limitWrites({ write: { bucket: 40, refillPerSecond: 0.01 } });
    await paced.run(ruleAction('paced-rule', 314), signal);
    assert.equal(paced.pacer, pacer);
    assert.ok(pacer.available(prodSubscriptionId, 'write') >= 29 && pacer.available(prodSubscriptionId, 'write') < 31, `pacer has ${pacer.available(prodSubscriptionId, 'write')}`);
  });

  it('refuses an operation it does not know, naming it', async () => {
    const unknown = action({ id: 'x', kind: 'post', operation: 'reimage', resourceId: nicId, resourceType: 'Microsoft.Network/networkInterfaces' });
    const problem = toArmProblem(await runner.run(unknown, signal).then(() => undefined, (caught: unknown) => caught));
    assert.equal(problem.code, 'UnsupportedAction');
    assert.match(problem.message, /reimage/);
  });
});

describe('auxiliaryTokensPolicy', () => {
  it('sends one bearer token per auxiliary tenant in x-ms-authorization-auxiliary', async () => {
    const scopes: string[] = [];
    const credential = (token: string) => ({
      getToken: async (scope: string | string[]) => {
        scopes.push(String(scope));
        return { token, expiresOnTimestamp: Date.now() + 60_000 };
      },
    });
    const policy = auxiliaryTokensPolicy([credential('t1'), credential('t2')], 'https://management.azure.com/.default');
    const headers = new Map<string, string>();
    const request = { headers: { set: (name: string, value: string) => headers.set(name, value) } } as unknown as PipelineRequest;
    await policy.sendRequest(request, async () => ({ status: 200 }) as PipelineResponse);
    assert.equal(headers.get('x-ms-authorization-auxiliary'), 'Bearer t1, Bearer t2');
    assert.deepEqual(scopes, ['https://management.azure.com/.default', 'https://management.azure.com/.default']);
  });
});
