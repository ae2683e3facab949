import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PeeringCommandResult } from '../../src/commands/createPeering';
import type { Plan } from '../../src/core/plan';
import type { ScriptedAnswer } from './scriptedUi';
import { devSubscriptionId, devVnetId, hubVnetId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { suiteLog } from './suiteLog';
import { wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const hubSideName = 'vnet-hub-to-vnet-dev-spoke';
const hubSideId = `${hubVnetId}/virtualNetworkPeerings/${hubSideName}`;
const devSideId = `${devVnetId}/virtualNetworkPeerings/dev-to-hub`;

interface PeeringBody {
  properties: { peeringState: string; peeringSyncLevel: string; allowForwardedTraffic: boolean; remoteAddressSpace?: { addressPrefixes: string[] } };
}

async function peering(armId: string): Promise<PeeringBody | undefined> {
  const answer = await armGet(armId, network);
  return answer.status === 200 ? (answer.body as PeeringBody) : undefined;
}

async function putArm(armId: string, body: unknown): Promise<void> {
  await waitForOperation(await call('PUT', `${standInUrl}${armId}?api-version=${network}`, body, demoToken()));
}

/** dev's address space: a VNet PUT, as someone changing it in the portal. */
async function setDevAddressSpace(prefixes: string[]): Promise<void> {
  await putArm(devVnetId, { location: 'uksouth', properties: { addressSpace: { addressPrefixes: prefixes } } });
}

/**
 * Puts dev↔hub back as seeded: dev-to-hub alone (Initiated), no hub side, dev at 10.2.0.0/16. Both
 * sides go first: once the hub side is gone dev-to-hub is Disconnected, and Azure takes a
 * Disconnected peering back only by deleting and creating it again.
 */
async function restoreSeededPeering(): Promise<void> {
  for (const id of [hubSideId, devSideId]) {
    const answer = await call('DELETE', `${standInUrl}${id}?api-version=${network}`, undefined, demoToken());
    if (answer.status === 202) {
      await waitForOperation(answer);
    }
  }
  await setDevAddressSpace(['10.2.0.0/16']);
  await putArm(devSideId, { properties: { remoteVirtualNetwork: { id: hubVnetId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false } });
}

/** The questions from dev's row: dev is the spoke, vnet-hub the hub, default options and names. */
const fromDevRow: ScriptedAnswer[] = [
  { id: 'peering.role', pick: 'spoke' },
  { id: 'peering.hub', pick: 'vnet-hub' },
  { id: 'peering.options', pick: ['allowForwardedTraffic'] },
  { id: 'peering.names', pick: 'default' },
];

describe('Peering wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  /** Runs Peer with Hub… on dev's row in the tree, as the context menu does. */
  async function peerFromDevRow(): Promise<PeeringCommandResult | undefined> {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${devSubscriptionId}`);
    await api.inventory.children(`/subscriptions/${devSubscriptionId}#vnets`);
    return (await api.inventory.runOnRows('trafficLens.createPeering', [devVnetId.toLowerCase()])) as PeeringCommandResult | undefined;
  }

  wizardSuite((started) => (api = started), { cleanUp: restoreSeededPeering });

  it('goes Back from a refused review to change the spokes, keeping the hub and options', async () => {
    api.wizards.answer([
      { id: 'peering.hub', pick: 'vnet-prod-spoke' },
      { id: 'peering.spokes', pick: ['vnet-dev-sandbox'] },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'default' },
      // Back from the review re-asks the names, then the options, then the spokes.
      { id: 'peering.names', back: true },
      { id: 'peering.options', back: true },
      { id: 'peering.spokes', pick: ['vnet-dev-spoke'] },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'default' },
    ]);
    api.wizards.choose(['back', 'cancel']);
    const before = await requestCounts();
    await vscode.commands.executeCommand('trafficLens.createPeering');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.deepEqual(plan.checks.filter((check) => check.status === 'failed'), [], 'the changed spoke does not overlap');
    assert.match(plan.title, /vnet-prod-spoke/, 'the hub is kept');
    assert.ok(plan.actions.some((action) => /vnet-dev-spoke/.test(action.resourceId)), 'the new spoke is planned');
    assert.equal(api.wizards.lastReport(), undefined, 'cancelled at the second review');
    assert.equal(countOf(await requestCounts(), 'PUT'), countOf(before, 'PUT'), 'nothing was sent');
  });

  it('starts from a refused plan\u2019s "Peer with Hub…" with the hub and the spoke it names', async () => {
    const refused: Plan = {
      kind: 'tap',
      title: 'Mirror nic-dev-01 to nic-collector-01 (hand-built)',
      summary: [],
      checks: [{ id: 'tap.reach', title: 'Sources reach the destination', status: 'failed', detail: 'vnet-dev-spoke is not peered with vnet-hub' }],
      warnings: [],
      actions: [],
      remedies: [{ id: 'peer', label: 'Peer with Hub…', detail: 'vnet-hub with vnet-dev-spoke', command: 'trafficLens.createPeering', resourceIds: [hubVnetId, devVnetId] }],
    };
    api.wizards.answer([
      // Both VNets come selected, the hub first and active: only which is the hub is asked.
      { id: 'peering.hub', pick: 'vnet-hub' },
      { id: 'peering.options', pick: ['allowForwardedTraffic'] },
      { id: 'peering.names', pick: 'default' },
    ]);
    api.wizards.choose(['fix:peer', 'cancel']);
    assert.equal(await api.wizards.review(refused), undefined);
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.equal(plan.kind, 'peering', 'the peering wizard\u2019s own plan');
    assert.deepEqual(plan.actions.map((action) => action.resourceId.split('/').slice(-3).join('/')).sort(), [`vnet-hub/virtualNetworkPeerings/${hubSideName}`, 'vnet-dev-spoke/virtualNetworkPeerings/dev-to-hub'].sort());
    assert.equal(await peering(hubSideId), undefined, 'cancelled: nothing created');
  });

  it('shows but refuses a plan whose spoke overlaps the hub', async () => {
    api.wizards.answer([
      { id: 'peering.hub', pick: 'vnet-prod-spoke' },
      { id: 'peering.spokes', pick: ['vnet-dev-sandbox'] },
      { id: 'peering.options', pick: ['allowForwardedTraffic'] },
      { id: 'peering.names', pick: 'default' },
    ]);
    api.wizards.choose(['cancel']);
    await vscode.commands.executeCommand('trafficLens.createPeering');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was not offered');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    const failed = plan.checks.filter((check) => check.status === 'failed');
    assert.deepEqual(failed.map((check) => check.id), ['overlap:vnet-dev-sandbox']);
    assert.match(failed[0].detail, /Couldn't peer vnet-prod-spoke with vnet-dev-sandbox: their address spaces overlap \(10\.1\.0\.0\/16 ↔ 10\.1\.0\.0\/16\)/);
  });

  it('refuses a spoke that overlaps a VNet already peered with the hub, before anything is sent', async () => {
    api.wizards.answer([
      { id: 'peering.hub', pick: 'vnet-hub' },
      { id: 'peering.spokes', pick: ['vnet-dev-sandbox'] },
      { id: 'peering.options', pick: ['allowForwardedTraffic'] },
      { id: 'peering.names', pick: 'default' },
    ]);
    api.wizards.choose(['cancel']);
    const before = await requestCounts();
    await vscode.commands.executeCommand('trafficLens.createPeering');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was not offered');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    const failed = plan.checks.filter((check) => check.status === 'failed');
    assert.deepEqual(failed.map((check) => check.id), ['peeredOverlap:vnet-dev-sandbox']);
    assert.match(failed[0].detail, /Couldn't peer vnet-hub with vnet-dev-sandbox: vnet-dev-sandbox overlaps vnet-prod-spoke, already peered with vnet-hub \(10\.1\.0\.0\/16 ↔ 10\.1\.0\.0\/16\)/);
    assert.equal(countOf(await requestCounts(), 'PUT'), countOf(before, 'PUT'), 'nothing was sent');
  });

  it('reports a partial failure, retries what remains, then undoes what it changed', async () => {
    await faults({ kind: 'throttle', match: 'virtualNetworkPeerings', count: 2, retryAfterMs: 50 });
    await faults({ kind: 'serverError', match: hubSideName, method: 'PUT', count: 40 });
    api.wizards.answer(fromDevRow);
    api.wizards.choose(['apply', 'retryRemaining', 'undoCreated']);
    await peerFromDevRow();
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    const byId = new Map(report.plan.actions.map((action) => [action.id, action]));
    suiteLog('after undo:', report.outcomes.map((outcome) => `${byId.get(outcome.actionId)?.title}: ${outcome.status}${outcome.code ? ` (${outcome.code})` : ''}`).join('; '));
    assert.deepEqual(report.plan.actions.map((action) => [action.resourceId.split('/').pop(), action.existing]), [
      ['dev-to-hub', 'differs'],
      [hubSideName, 'absent'],
    ]);
    const status = (name: string): string | undefined => report.outcomes.find((outcome) => byId.get(outcome.actionId)?.resourceId.endsWith(`/${name}`))?.status;
    assert.equal(status(hubSideName), 'failed');
    assert.equal(report.outcomes.find((outcome) => outcome.status === 'failed')?.code, 'InternalServerError');
    assert.equal(status('dev-to-hub'), 'undone');
    assert.equal(await peering(hubSideId), undefined, 'the hub side was never created');
    const devSide = await peering(devSideId);
    assert.equal(devSide?.properties.allowForwardedTraffic, false, 'dev-to-hub is back as it was');
    assert.equal(devSide?.properties.peeringState, 'Initiated');
  });

  it('peers dev with the hub from dev\'s row: both sides Connected', async () => {
    api.wizards.answer(fromDevRow);
    api.wizards.choose(['apply']);
    const result = await peerFromDevRow();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    assert.equal((await peering(hubSideId))?.properties.peeringState, 'Connected');
    const devSide = await peering(devSideId);
    assert.equal(devSide?.properties.peeringState, 'Connected');
    assert.equal(devSide?.properties.allowForwardedTraffic, true);
    assert.deepEqual(result?.statuses.map((status) => `${status.name}: ${status.peeringState}`).sort(), ['dev-to-hub: Connected', `${hubSideName}: Connected`]);
  });

  it('sends nothing when the same answers run again', async () => {
    const before = await requestCounts();
    api.wizards.answer(fromDevRow);
    api.wizards.choose(['apply']);
    await peerFromDevRow();
    const after = await requestCounts();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.deepEqual([...new Set(report.outcomes.map((outcome) => outcome.status))], ['kept']);
    assert.equal(countOf(after, 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
  });

  it('syncs the hub\'s peering after dev\'s address space grew', async () => {
    await setDevAddressSpace(['10.2.0.0/16', '10.3.0.0/16']);
    assert.equal((await peering(hubSideId))?.properties.peeringSyncLevel, 'LocalNotInSync');
    api.wizards.answer([{ id: 'peering.syncTargets', pick: [hubSideName] }]);
    api.wizards.choose(['apply']);
    const result = (await vscode.commands.executeCommand('trafficLens.syncPeering')) as PeeringCommandResult | undefined;
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    assert.deepEqual(report.plan.actions.map((action) => [action.resourceId.split('/').pop(), action.query]), [[hubSideName, { syncRemoteAddressSpace: 'true' }]]);
    const synced = await peering(hubSideId);
    assert.equal(synced?.properties.peeringSyncLevel, 'FullyInSync');
    assert.deepEqual(synced?.properties.remoteAddressSpace?.addressPrefixes, ['10.2.0.0/16', '10.3.0.0/16']);
    assert.equal((await peering(devSideId))?.properties.peeringSyncLevel, 'FullyInSync');
    assert.deepEqual(result?.statuses.map((status) => `${status.name}: ${status.peeringState} ${status.syncLevel}`), [`${hubSideName}: Connected FullyInSync`]);
  });
});
