/**
 * The api-version that reaches Azure is the one the plan states, for every kind of action the
 * wizards make: the generic PUT/DELETE by id (which take the action's api-version), and the typed
 * SDK calls (resource groups and provider registration on @azure/arm-resources, VM deallocate and
 * start on @azure/arm-compute, stopping a packet capture on @azure/arm-network), which send the
 * version built into the SDK. Each action runs through ArmActionRunner against the stand-in, which
 * records the api-versions each route was called with.
 */
import assert from 'node:assert/strict';
import type { ArmActionRunner } from '../../../src/azure/armActionRunner';
import type { PlanAction } from '../../../src/core/plan';
import { apiVersions, type ApiFamily } from '../../standin/apiVersions';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, devSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';
import { runnerFor } from '../azure/demoApi';
import { routeOf } from './planContract';
import { wizardPlans } from './wizardPlans';

/** The api-version the wizards' plans state for each resource type (the same in every plan). */
function plannedVersions(): Map<string, string> {
  const versions = new Map<string, string>();
  for (const [name, plan] of wizardPlans()) {
    for (const action of plan.actions) {
      const type = action.resourceType.toLowerCase();
      const seen = versions.get(type);
      assert.ok(seen === undefined || seen === action.apiVersion, `${name}: ${action.resourceType} at ${action.apiVersion}, elsewhere at ${seen}`);
      versions.set(type, action.apiVersion);
    }
  }
  return versions;
}

const watcher = armIds.networkWatcher(prodSubscriptionId, 'NetworkWatcherRG', 'NetworkWatcher_germanywestcentral');
const vmWeb01 = armIds.virtualMachine(prodSubscriptionId, 'rg-prod-app', 'vm-web-01');
const vmWeb02 = armIds.virtualMachine(prodSubscriptionId, 'rg-prod-app', 'vm-web-02');
const group = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-contract-check`;
const rule = `${armIds.networkSecurityGroup(prodSubscriptionId, 'rg-prod-network', 'nsg-prod-web')}/securityRules/allow-contract-check`;

/** One action of each kind and resource type the wizards send, on the demo estate, at the plans' api-versions. */
function actions(versions: Map<string, string>): PlanAction[] {
  const list: Array<Omit<PlanAction, 'id' | 'apiVersion' | 'dependsOn' | 'tenantId' | 'existing' | 'title'>> = [
    { kind: 'put', resourceId: group, resourceType: 'Microsoft.Resources/resourceGroups', body: { location: 'germanywestcentral' } },
    { kind: 'post', resourceId: `/subscriptions/${devSubscriptionId}/providers/Microsoft.Insights`, resourceType: 'Microsoft.Resources/providers', operation: 'register' },
    {
      kind: 'put',
      resourceId: `${group}/providers/Microsoft.Storage/storageAccounts/stcontractcheck01`,
      resourceType: 'Microsoft.Storage/storageAccounts',
      body: { location: 'germanywestcentral', sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: { minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, supportsHttpsTrafficOnly: true, accessTier: 'Hot' } },
    },
    {
      kind: 'put',
      resourceId: rule,
      resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
      body: { properties: { priority: 3111, direction: 'Inbound', access: 'Allow', protocol: 'Udp', sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*', destinationAddressPrefix: '10.0.1.4', destinationPortRange: '4789' } },
    },
    { kind: 'delete', resourceId: rule, resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules' },
    {
      kind: 'put',
      resourceId: `${vmWeb02}/extensions/AzureNetworkWatcherExtension`,
      resourceType: 'Microsoft.Compute/virtualMachines/extensions',
      body: { location: 'germanywestcentral', properties: { publisher: 'Microsoft.Azure.NetworkWatcher', type: 'NetworkWatcherAgentLinux', typeHandlerVersion: '1.4', autoUpgradeMinorVersion: true } },
    },
    {
      kind: 'put',
      resourceId: `${watcher}/packetCaptures/pc-contract-check`,
      resourceType: 'Microsoft.Network/networkWatchers/packetCaptures',
      body: { properties: { target: vmWeb01, targetType: 'AzureVM', timeLimitInSeconds: 600, storageLocation: { filePath: '/var/captures/pc-contract-check.cap' }, filters: [{ protocol: 'TCP', localPort: '443' }] } },
    },
    { kind: 'post', resourceId: `${watcher}/packetCaptures/pc-contract-check`, resourceType: 'Microsoft.Network/networkWatchers/packetCaptures', operation: 'stop' },
    { kind: 'post', resourceId: vmWeb02, resourceType: 'Microsoft.Compute/virtualMachines', operation: 'deallocate' },
    { kind: 'post', resourceId: vmWeb02, resourceType: 'Microsoft.Compute/virtualMachines', operation: 'start' },
  ];
  return list.map((action, index) => {
    const apiVersion = versions.get(action.resourceType.toLowerCase());
    assert.ok(apiVersion, `no plan sends ${action.resourceType}`);
    return { ...action, id: `a${index + 1}`, title: `${action.kind} ${action.operation ?? ''} ${action.resourceType}`, apiVersion, dependsOn: [], tenantId: demoTenantId, existing: 'absent' };
  });
}

describe('plan contract: the api-version sent is the one the plan states', function () {
  this.timeout(60_000);
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

  /** Runs one action and tells how what was sent differs from what the plan states (empty when it does not). */
  async function sentProblems(action: PlanAction): Promise<string[]> {
    standIn.requests.reset();
    await runner.run(action, signal);
    const route = routeOf(action);
    if (typeof route === 'string') {
      return [`${action.title}: ${route}`];
    }
    const key = `${route.method} ${route.template}`;
    const sent = [...(standIn.requests.apiVersions.get(key) ?? [])];
    const problems = sent.length === 1 && sent[0] === action.apiVersion ? [] : [`${action.title}: ${key} was sent with ${sent.join(', ') || 'nothing'}, the plan states ${action.apiVersion}`];
    // Every other request the action made (reads back, polls) went at its family's one version too.
    for (const [other, seen] of standIn.requests.apiVersions) {
      const family = familyOf(other);
      if (family !== undefined && [...seen].some((version) => !(apiVersions[family] as readonly string[]).includes(version))) {
        problems.push(`${action.title}: ${other} was sent with ${[...seen].join(', ')}`);
      }
    }
    return problems;
  }

  it('for every action kind: generic PUT and DELETE by id, resource groups, provider registration, VM deallocate and start, packet-capture stop', async () => {
    for (const action of actions(plannedVersions())) {
      assert.deepEqual(await sentProblems(action), []);
    }
  });

  it('catches a plan that states another api-version than a typed SDK call sends', async () => {
    const [deallocate, start] = actions(plannedVersions()).filter((action) => action.resourceType === 'Microsoft.Compute/virtualMachines');
    const problems = await sentProblems({ ...deallocate, apiVersion: '2025-11-01' });
    await runner.run(start, signal);
    assert.deepEqual(problems, [`${deallocate.title}: POST ${routeTemplate(deallocate)} was sent with ${deallocate.apiVersion}, the plan states 2025-11-01`]);
  });
});

function routeTemplate(action: PlanAction): string {
  const route = routeOf(action);
  return typeof route === 'string' ? route : route.template;
}

/** The api family of a recorded route key (`PUT /subscriptions/{subscriptionId}/…`), by its provider namespace. */
function familyOf(routeKey: string): ApiFamily | undefined {
  const lower = routeKey.toLowerCase();
  if (lower.includes('/providers/microsoft.network/')) {
    return 'network';
  }
  if (lower.includes('/providers/microsoft.compute/')) {
    return 'compute';
  }
  if (lower.includes('/providers/microsoft.storage/')) {
    return 'storage';
  }
  if (/\/resourcegroups(\/\{[^}]+\})?$/.test(lower) || /\/providers\/\{[^}]+\}(\/register)?$/.test(lower)) {
    return 'resources';
  }
  return undefined;
}
