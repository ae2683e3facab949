import assert from 'node:assert/strict';
import { ArmActionRunner } from '../../../src/azure/armActionRunner';
import { toArmProblem } from '../../../src/azure/armProblem';
import { planPeering, planPeeringSync } from '../../../src/wizards/peering/plan';
import type { PeeringVnet } from '../../../src/wizards/peering/peeringVnet';
import type { PlanAction } from '../../../src/core/plan';
import { applyPlan } from '../../../src/wizards/shared/applyPlan';
import { disconnectedPeeringCode, hasVirtualNetworkGateway } from '../../standin/routes/virtualNetworkPeerings';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, devSubscriptionId, devVnetId, hubSubscriptionId, hubVnetId, partnerTenantId, prodVnetId } from '../../standin/topologies/demo';
import { types } from '../../standin/types';
import { runnerFor } from '../azure/demoApi';
import { rawRequest } from './standInHarness';

const partnerSubscriptionId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const partnerVnetId = armIds.virtualNetwork(partnerSubscriptionId, 'rg-partner', 'vnet-partner');

function topologyWithPartner(): Topology {
  const topology = demoTopology();
  topology.subscriptions.push({
    subscriptionId: partnerSubscriptionId,
    displayName: 'Fabrikam Shared',
    tenantId: partnerTenantId,
    resourceGroups: [{ name: 'rg-partner', location: 'germanywestcentral', virtualNetworks: [{ name: 'vnet-partner', addressPrefixes: ['10.60.0.0/16'], subnets: [{ name: 'snet-a', addressPrefix: '10.60.1.0/24' }] }] }],
  });
  return topology;
}

/** A VNet of the stand-in as the wizard would read it. */
function readVnet(standIn: StandIn, id: string, subscriptionId: string, tenantId: string): PeeringVnet {
  const stored = standIn.state.getTyped(types.virtualNetwork, id);
  assert.ok(stored, `no ${id}`);
  const peerings = standIn.state.list(types.peering, stored.id).map((peering) => {
    const remote = (peering.properties.remoteVirtualNetwork as { id: string }).id;
    return {
      id: peering.id.toLowerCase(),
      armId: peering.id,
      name: peering.name,
      resourceGroup: '',
      properties: peering.properties,
      vnetId: stored.id.toLowerCase(),
      remoteVnetId: remote.toLowerCase(),
      remoteVnetArmId: remote,
      peeringState: String(peering.properties.peeringState),
      syncLevel: String(peering.properties.peeringSyncLevel),
      allowForwardedTraffic: peering.properties.allowForwardedTraffic === true,
      allowGatewayTransit: peering.properties.allowGatewayTransit === true,
      useRemoteGateways: peering.properties.useRemoteGateways === true,
    };
  });
  const space = (stored.properties.addressSpace as { addressPrefixes: string[] }).addressPrefixes;
  return { id: stored.id.toLowerCase(), armId: stored.id, name: stored.name, location: stored.location ?? '', addressSpace: space, subscriptionId, subscriptionName: subscriptionId, tenantId, hasGateway: hasVirtualNetworkGateway(standIn.state, stored), peerings };
}

describe('ARM stand-in: peering sync, address-space changes and cross-tenant peering', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let runner: ArmActionRunner;
  const signal = new AbortController().signal;

  before(async () => {
    standIn = await startStandIn({ topology: topologyWithPartner(), lroPollsBeforeDone: 1 });
    runner = runnerFor(standIn);
  });

  after(async () => {
    await standIn?.close();
  });

  const vnet = (id: string, subscriptionId: string, tenantId: string) => readVnet(standIn, id, subscriptionId, tenantId);

  const peering = (vnetId: string, name: string) => standIn.state.getTyped(types.peering, `${vnetId}/virtualNetworkPeerings/${name}`)?.properties ?? {};

  async function runAll(actions: PlanAction[]): Promise<void> {
    for (const action of actions.filter((candidate) => candidate.existing !== 'same')) {
      await runner.run(action, signal);
    }
  }

  it('connects hub and dev, reports a changed address space as not in sync, and syncs it with syncRemoteAddressSpace=true', async () => {
    const hub = () => vnet(hubVnetId, hubSubscriptionId, demoTenantId);
    const dev = () => vnet(devVnetId, devSubscriptionId, demoTenantId);
    await runAll(planPeering({ hub: hub(), spokes: [dev()], allowForwardedTraffic: true, useHubGateway: false, names: {} }).actions);
    assert.equal(peering(hubVnetId, 'vnet-hub-to-vnet-dev-spoke').peeringState, 'Connected');
    assert.equal(peering(devVnetId, 'dev-to-hub').peeringState, 'Connected');

    // dev grows: a VNet PUT with a second prefix.
    await runner.run(
      {
        id: 'grow', kind: 'put', title: 'Grow dev', resourceId: devVnetId, resourceType: 'Microsoft.Network/virtualNetworks', apiVersion: '2026-01-01', dependsOn: [], tenantId: demoTenantId, existing: 'differs',
        body: { location: 'uksouth', properties: { addressSpace: { addressPrefixes: ['10.2.0.0/16', '10.3.0.0/16'] } } },
      },
      signal,
    );
    const stale = peering(hubVnetId, 'vnet-hub-to-vnet-dev-spoke');
    assert.equal(stale.peeringSyncLevel, 'LocalNotInSync');
    assert.deepEqual(stale.remoteAddressSpace, { addressPrefixes: ['10.2.0.0/16'] });
    assert.deepEqual(stale.remoteVirtualNetworkAddressSpace, { addressPrefixes: ['10.2.0.0/16', '10.3.0.0/16'] });
    assert.equal(peering(devVnetId, 'dev-to-hub').peeringSyncLevel, 'RemoteNotInSync');
    assert.equal(standIn.state.list(types.subnet, devVnetId).length, 1, 'the VNet PUT keeps its subnets');

    // A plain update does not sync.
    await runAll(planPeering({ hub: hub(), spokes: [dev()], allowForwardedTraffic: false, useHubGateway: false, names: {} }).actions);
    assert.equal(peering(hubVnetId, 'vnet-hub-to-vnet-dev-spoke').peeringSyncLevel, 'LocalNotInSync');

    const hubSide = hub().peerings.find((candidate) => candidate.name === 'vnet-hub-to-vnet-dev-spoke')!;
    const sync = planPeeringSync([{ peering: hubSide, local: hub(), remote: dev() }]);
    await runAll(sync.actions);
    const synced = peering(hubVnetId, 'vnet-hub-to-vnet-dev-spoke');
    assert.equal(synced.peeringSyncLevel, 'FullyInSync');
    assert.deepEqual(synced.remoteAddressSpace, { addressPrefixes: ['10.2.0.0/16', '10.3.0.0/16'] });
    assert.equal(peering(devVnetId, 'dev-to-hub').peeringSyncLevel, 'FullyInSync');
    assert.equal(standIn.requests.apiVersions.get('PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}')?.has('2026-01-01'), true);
  });

  it('refuses a peering to another tenant\'s VNet without an auxiliary token, and accepts it with one', async () => {
    const hub = vnet(hubVnetId, hubSubscriptionId, demoTenantId);
    const partner = vnet(partnerVnetId, partnerSubscriptionId, partnerTenantId);
    const plan = planPeering({ hub, spokes: [partner], allowForwardedTraffic: true, useHubGateway: false, names: {} });
    const [partnerSide, hubSide] = plan.actions;
    assert.deepEqual(partnerSide.auxiliaryTenantIds, [demoTenantId]);

    const withoutAuxiliary = { ...hubSide, auxiliaryTenantIds: undefined };
    const problem = await runner.run(withoutAuxiliary, signal).then(() => undefined, (error: unknown) => toArmProblem(error));
    assert.equal(problem?.code, 'LinkedAuthorizationFailed');
    assert.match(problem?.message ?? '', new RegExp(`not authorized to access linked subscription '${partnerSubscriptionId}'`));

    await runAll(plan.actions);
    assert.equal(peering(partnerVnetId, 'vnet-partner-to-vnet-hub').peeringState, 'Connected');
    assert.equal(peering(hubVnetId, 'vnet-hub-to-vnet-partner').peeringState, 'Connected');
  });
});

describe('ARM stand-in: gateway transit rules of peerings', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let runner: ArmActionRunner;
  const signal = new AbortController().signal;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology(), lroPollsBeforeDone: 1 });
    runner = runnerFor(standIn);
  });

  after(async () => {
    await standIn?.close();
  });

  /** Gives `vnetId` a GatewaySubnet holding a virtual network gateway's IP configuration. */
  function addGateway(vnetId: string): void {
    const gatewayId = `${vnetId.split('/providers/')[0]}/providers/Microsoft.Network/virtualNetworkGateways/vgw-${vnetId.split('/').pop()}`;
    standIn.state.put({ id: `${vnetId}/subnets/GatewaySubnet`, name: 'GatewaySubnet', type: types.subnet, properties: { provisioningState: 'Succeeded', addressPrefix: '10.255.0.0/27', ipConfigurations: [{ id: `${gatewayId}/ipConfigurations/default` }] } });
  }

  function put(vnetId: string, name: string, remoteId: string, properties: Record<string, unknown>): PlanAction {
    return {
      id: `put-${name}`, kind: 'put', title: `Put ${name}`, resourceId: `${vnetId}/virtualNetworkPeerings/${name}`, resourceType: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings', apiVersion: '2026-01-01',
      dependsOn: [], tenantId: demoTenantId, existing: 'differs',
      body: { properties: { remoteVirtualNetwork: { id: remoteId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, ...properties } },
    };
  }

  const refusal = (action: PlanAction) => runner.run(action, signal).then(() => undefined, (error: unknown) => toArmProblem(error));
  const peering = (vnetId: string, name: string) => standIn.state.getTyped(types.peering, `${vnetId}/virtualNetworkPeerings/${name}`)?.properties ?? {};

  it('refuses remote gateways without a remote gateway, without transit on the remote peering, and on a second peering; the hub-first plan is accepted', async () => {
    const noGateway = await refusal(put(devVnetId, 'dev-to-hub', hubVnetId, { useRemoteGateways: true }));
    assert.equal(noGateway?.code, 'RemoteVnetHasNoGateways');
    assert.match(noGateway?.message ?? '', /does not have any gateways/);

    addGateway(hubVnetId);
    const noPeeringBack = await refusal(put(devVnetId, 'dev-to-hub', hubVnetId, { useRemoteGateways: true }));
    assert.equal(noPeeringBack?.code, 'RemotePeeringDoesNotAllowGatewayTransit');

    await runner.run(put(hubVnetId, 'hub-to-dev', devVnetId, { allowGatewayTransit: false }), signal);
    const noTransit = await refusal(put(devVnetId, 'dev-to-hub', hubVnetId, { useRemoteGateways: true }));
    assert.equal(noTransit?.code, 'RemotePeeringDoesNotAllowGatewayTransit');
    assert.match(noTransit?.message ?? '', /AllowGatewayTransit flag set to false/);
    assert.equal(peering(devVnetId, 'dev-to-hub').useRemoteGateways, false, 'a refused PUT changes nothing');

    // The wizard's plan with the hub's gateway: the hub side allows transit before the spoke side uses it.
    const hub = readVnet(standIn, hubVnetId, hubSubscriptionId, demoTenantId);
    const dev = readVnet(standIn, devVnetId, devSubscriptionId, demoTenantId);
    assert.equal(hub.hasGateway, true);
    const plan = planPeering({ hub, spokes: [dev], allowForwardedTraffic: false, useHubGateway: true, names: {} });
    for (const action of plan.actions.filter((candidate) => candidate.existing !== 'same')) {
      await runner.run(action, signal);
    }
    assert.equal(peering(hubVnetId, 'hub-to-dev').allowGatewayTransit, true);
    assert.equal(peering(devVnetId, 'dev-to-hub').useRemoteGateways, true);
    assert.equal(peering(devVnetId, 'dev-to-hub').peeringState, 'Connected');

    // dev already uses the hub's gateway: a second peering of dev may not use remote gateways too.
    addGateway(prodVnetId);
    await runner.run(put(prodVnetId, 'prod-to-dev', devVnetId, { allowGatewayTransit: true }), signal);
    const second = await refusal(put(devVnetId, 'dev-to-prod', prodVnetId, { useRemoteGateways: true }));
    assert.equal(second?.code, 'AnotherPeeringAlreadyUsesRemoteGateways');
    assert.match(second?.message ?? '', /dev-to-hub already has UseRemoteGateways flag set to true/);
    // Updating the peering that already uses them stays possible.
    await runner.run(put(devVnetId, 'dev-to-hub', hubVnetId, { useRemoteGateways: true, allowForwardedTraffic: true }), signal);
    assert.equal(peering(devVnetId, 'dev-to-hub').allowForwardedTraffic, true);
  });
});

describe('ARM stand-in: one write at a time per virtual network, and Disconnected peerings', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  const spokeA = armIds.virtualNetwork(devSubscriptionId, 'rg-dev-network', 'vnet-dev-a');
  const spokeB = armIds.virtualNetwork(devSubscriptionId, 'rg-dev-network', 'vnet-dev-b');

  before(async () => {
    const topology = demoTopology();
    const group = topology.subscriptions.find((subscription) => subscription.subscriptionId === devSubscriptionId)?.resourceGroups.find((candidate) => candidate.name === 'rg-dev-network');
    group?.virtualNetworks?.push(
      { name: 'vnet-dev-a', addressPrefixes: ['10.70.0.0/16'], subnets: [{ name: 'snet-a', addressPrefix: '10.70.1.0/24' }] },
      { name: 'vnet-dev-b', addressPrefixes: ['10.71.0.0/16'], subnets: [{ name: 'snet-b', addressPrefix: '10.71.1.0/24' }] },
    );
    // Operations end only when polled (or after 4 s), so two writes sent together overlap.
    standIn = await startStandIn({ topology, lroPollsBeforeDone: 2 });
  });

  after(async () => {
    await standIn?.close();
  });

  const peeringBody = (remote: string) => ({ properties: { remoteVirtualNetwork: { id: remote }, allowVirtualNetworkAccess: true } });

  it('answers a second write on a VNet while the first runs with 409 AnotherOperationInProgress, naming the operation', async () => {
    const path = (name: string) => `${hubVnetId}/virtualNetworkPeerings/${name}?api-version=2026-01-01`;
    const first = await rawRequest(standIn, 'PUT', path('hub-to-a-raw'), { tenantId: demoTenantId, body: peeringBody(spokeA) });
    assert.equal(first.status, 201);
    const second = await rawRequest(standIn, 'PUT', path('hub-to-b-raw'), { tenantId: demoTenantId, body: peeringBody(spokeB) });
    assert.equal(second.status, 409);
    assert.equal((second.body.error as { code: string }).code, 'AnotherOperationInProgress');
    assert.match((second.body.error as { message: string }).message, /Another operation on this or dependent resource is in progress\. To retrieve status of the operation use uri: https:\/\/127\.0\.0\.1/);
    const operation = String(first.headers['azure-asyncoperation']).replace(standIn.url, '');
    for (let poll = 0; poll < 3; poll += 1) {
      await rawRequest(standIn, 'GET', operation, { tenantId: demoTenantId });
    }
    const third = await rawRequest(standIn, 'PUT', path('hub-to-b-raw'), { tenantId: demoTenantId, body: peeringBody(spokeB) });
    assert.equal(third.status, 201, 'accepted once the first operation ended');
    for (let poll = 0; poll < 3; poll += 1) {
      await rawRequest(standIn, 'GET', String(third.headers['azure-asyncoperation']).replace(standIn.url, ''), { tenantId: demoTenantId });
    }
    for (const name of ['hub-to-a-raw', 'hub-to-b-raw']) {
      standIn.state.delete(`${hubVnetId}/virtualNetworkPeerings/${name}`);
    }
  });

  it('applies a hub with two new spokes: the plan puts the hub\u2019s writes one after another, so Azure never refuses one', async () => {
    const hub = readVnet(standIn, hubVnetId, hubSubscriptionId, demoTenantId);
    const a = readVnet(standIn, spokeA, devSubscriptionId, demoTenantId);
    const b = readVnet(standIn, spokeB, devSubscriptionId, demoTenantId);
    const plan = planPeering({ hub, spokes: [a, b], allowForwardedTraffic: false, useHubGateway: false, names: {} });
    const hubWrites = plan.actions.filter((action) => action.resourceId.toLowerCase().startsWith(hubVnetId.toLowerCase()));
    assert.deepEqual(hubWrites[1].dependsOn.includes(hubWrites[0].id), true, 'the second hub write waits for the first');
    const conflicts: string[] = [];
    const report = await applyPlan(plan, runnerFor(standIn), { backoffMs: 5, onUpdate: (action, outcome) => (outcome.code === 'AnotherOperationInProgress' ? conflicts.push(action.id) : undefined) });
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual(conflicts, []);
  });

  it('retries a write Azure refused because another operation held the VNet, and then succeeds', async () => {
    const busyPlan = planPeering({
      hub: readVnet(standIn, spokeA, devSubscriptionId, demoTenantId),
      spokes: [readVnet(standIn, spokeB, devSubscriptionId, demoTenantId)],
      allowForwardedTraffic: false,
      useHubGateway: false,
      names: {},
    });
    // Something else (another tool, the portal) is writing to vnet-dev-b when the plan starts.
    const other = await rawRequest(standIn, 'PUT', `${spokeB}/virtualNetworkPeerings/b-to-hub-elsewhere?api-version=2026-01-01`, { tenantId: demoTenantId, body: peeringBody(armIds.virtualNetwork(devSubscriptionId, 'rg-dev-network', 'vnet-dev-spoke')) });
    assert.equal(other.status, 201);
    const codes: string[] = [];
    // Nobody polls that other operation, so it ends after the stand-in's 4 s; the backoff (0.4, 0.8, 1.6, 3.2 s) outlasts it.
    const report = await applyPlan(busyPlan, runnerFor(standIn), { backoffMs: 400, onUpdate: (_action, outcome) => (outcome.code ? codes.push(outcome.code) : undefined) });
    assert.ok(codes.includes('AnotherOperationInProgress'), `met the conflict (${codes.join(', ')})`);
    assert.deepEqual(report.outcomes.map((outcome) => `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`), ['succeeded', 'succeeded']);
  });

  it('refuses to update a Disconnected peering; the plan deletes and re-creates it instead', async () => {
    const hubToA = `${hubVnetId}/virtualNetworkPeerings/vnet-hub-to-vnet-dev-a`;
    standIn.state.delete(`${spokeA}/virtualNetworkPeerings/vnet-dev-a-to-vnet-hub`);
    const stored = standIn.state.getTyped(types.peering, hubToA);
    assert.ok(stored);
    stored.properties.peeringState = 'Disconnected';
    const update = await rawRequest(standIn, 'PUT', `${hubToA}?api-version=2026-01-01`, { tenantId: demoTenantId, body: { properties: { remoteVirtualNetwork: { id: spokeA }, allowForwardedTraffic: true } } });
    assert.equal(update.status, 400);
    assert.equal((update.body.error as { code: string }).code, disconnectedPeeringCode);
    const plan = planPeering({ hub: readVnet(standIn, hubVnetId, hubSubscriptionId, demoTenantId), spokes: [readVnet(standIn, spokeA, devSubscriptionId, demoTenantId)], allowForwardedTraffic: false, useHubGateway: false, names: {} });
    assert.deepEqual(plan.actions.map((action) => action.kind), ['put', 'delete', 'put']);
    const report = await applyPlan(plan, runnerFor(standIn), { backoffMs: 5 });
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['succeeded', 'succeeded', 'succeeded']);
    assert.equal(standIn.state.getTyped(types.peering, hubToA)?.properties.peeringState, 'Connected');
  });
});
