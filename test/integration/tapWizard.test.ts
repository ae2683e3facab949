import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScriptedAnswer } from './scriptedUi';
import { hubSubscriptionId, prodSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl } from './standInClient';
import { suiteLog } from './suiteLog';
import { wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const tapName = 'vtap-ilb-lens';
const configurationName = `tapcfg-${tapName}`;
const tapId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworkTaps/${tapName}`;
const frontendId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network/loadBalancers/ilb-collectors/frontendIPConfigurations/fe-collectors`;
const nicId = (name: string): string => `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-app/providers/Microsoft.Network/networkInterfaces/${name}`;
const sources = ['nic-web-02', 'nic-app-01', 'nic-app-02'];

/** The questions for a new TAP on ilb-collectors' frontend, or (`reuse`) for the TAP the first run created. */
function createAnswers(options: { sources?: string[]; reuse?: boolean; restart?: 'yes' | 'no' }): ScriptedAnswer[] {
  return [
    { id: 'tap.destinationKind', pick: 'loadBalancer' },
    { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
    options.reuse ? { id: 'tap.tap', pick: tapName } : { id: 'tap.name', input: tapName },
    { id: 'tap.sources', pick: options.sources ?? sources },
    { id: 'tap.configurationName', input: configurationName },
    ...(options.restart ? [{ id: 'tap.restartVms', pick: options.restart }] : []),
  ];
}

async function statusOf(armId: string): Promise<number> {
  return (await armGet(armId, network)).status;
}

/** Deletes what the suite may have left (a failed assertion midway), so other suites see the demo as seeded. */
async function removeLeftovers(): Promise<void> {
  const token = demoToken();
  for (const name of sources) {
    await call('DELETE', `${standInUrl}${nicId(name)}/tapConfigurations/${configurationName}?api-version=${network}`, undefined, token);
  }
  for (let attempt = 0; attempt < 50 && (await statusOf(`${nicId('nic-app-02')}/tapConfigurations/${configurationName}`)) === 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await call('DELETE', `${standInUrl}${tapId}?api-version=${network}`, undefined, token);
    if (answer.status !== 400) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('TAP wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: removeLeftovers });

  it('shows but refuses a plan whose sources are mirrored elsewhere or in another region', async () => {
    api.wizards.answer(createAnswers({ sources: ['nic-web-01', 'nic-dev-01'], restart: 'no' }));
    api.wizards.choose(['cancel']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was not offered');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    const failed = new Map(plan.checks.filter((check) => check.status === 'failed').map((check) => [check.id, check.detail]));
    assert.match(failed.get('tap.oneConfiguration') ?? '', /nic-web-01 already mirrors into vtap-collectors \(tap configuration tapcfg-web-01\)/);
    assert.match(failed.get('tap.sameRegion') ?? '', /vtap-ilb-lens is in germanywestcentral, but nic-dev-01 is in uksouth/);
    assert.equal(plan.checks.find((check) => check.id === 'tap.region')?.status, 'passed', 'the demo estate is in germanywestcentral, on the documented region list');
    assert.equal(await statusOf(tapId), 404, 'nothing was created');
  });

  it('goes Back from a refused review to change the sources, keeping the destination and TAP name', async () => {
    api.wizards.answer([
      ...createAnswers({ sources: ['nic-web-01', 'nic-dev-01'], restart: 'no' }),
      // Back from the review re-asks the last question; two more Backs reach the sources.
      { id: 'tap.restartVms', back: true },
      { id: 'tap.configurationName', back: true },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName', input: configurationName },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    api.wizards.choose(['back', 'cancel']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.deepEqual(plan.checks.filter((check) => check.status === 'failed'), [], 'the changed answers make a plan that can run');
    assert.match(plan.title, /^Mirror 1 NIC to ilb-collectors › fe-collectors \(virtual network TAP vtap-ilb-lens\)$/, 'destination and TAP name kept');
    assert.equal(api.wizards.lastReport(), undefined, 'cancelled at the second review');
    assert.equal(await statusOf(tapId), 404, 'nothing was created');
  });

  it('offers Stop Mirroring… for a source mirrored elsewhere and starts it on that NIC', async () => {
    api.wizards.answer(createAnswers({ sources: ['nic-web-01'], restart: 'no' }));
    api.wizards.choose(['fix:stopMirroring:nic-web-01', 'cancel']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.equal(plan.title, 'Stop mirroring nic-web-01', 'the remedy\u2019s own review, without asking which NIC');
    assert.deepEqual(plan.actions.map((action) => `${action.kind} ${action.resourceId.split('/').slice(-3).join('/')}`), ['delete nic-web-01/tapConfigurations/tapcfg-web-01']);
    assert.equal(await statusOf(`${nicId('nic-web-01')}/tapConfigurations/tapcfg-web-01`), 200, 'cancelled: still mirrored');
  });

  it('adds sources to the TAP row it was opened on, without asking for a destination', async () => {
    const hub = `/subscriptions/${hubSubscriptionId}`;
    await api.inventory.children();
    await api.inventory.children(hub);
    const taps = await api.inventory.children(`${hub}#taps`);
    const collectors = taps.find((row) => row.label === 'vtap-collectors');
    assert.ok(collectors, `no vtap-collectors row among ${taps.map((row) => row.label).join(', ')}`);
    api.wizards.answer([
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName', input: 'tapcfg-web-02' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    api.wizards.choose(['cancel']);
    await api.inventory.runOnRows('trafficLens.createTap', [collectors.id]);
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.deepEqual(plan.actions.map((action) => `${action.existing} ${action.resourceId.split('/').slice(-2).join('/')}`), ['same virtualNetworkTaps/vtap-collectors', 'absent tapConfigurations/tapcfg-web-02']);
    assert.equal(api.wizards.lastReport(), undefined, 'cancelled at the review');
  });

  it('reports a partial failure, retries what remains, then undoes what it created', async () => {
    await faults({ kind: 'throttle', match: 'tapConfigurations', count: 2, retryAfterMs: 50 });
    // Enough 500s for every try of the apply and of the retry (the SDK and the plan runner both retry 5xx); a 500 stores nothing.
    await faults({ kind: 'serverError', match: 'nic-app-02/tapConfigurations', method: 'PUT', count: 40 });
    api.wizards.answer(createAnswers({ restart: 'no' }));
    api.wizards.choose(['apply', 'retryRemaining', 'undoCreated']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    const byTitle = new Map(report.plan.actions.map((action) => [action.id, action.title]));
    const statuses = report.outcomes.map((outcome) => `${byTitle.get(outcome.actionId)}: ${outcome.status}${outcome.code ? ` (${outcome.code})` : ''}`);
    suiteLog('after undo:', statuses.join('; '));
    assert.equal(report.complete, true, 'everything the plan created was undone');
    const failed = report.outcomes.filter((outcome) => outcome.status === 'failed');
    assert.deepEqual(failed.map((outcome) => byTitle.get(outcome.actionId)), [`Mirror nic-app-02 into ${tapName} (tap configuration ${configurationName})`]);
    assert.equal(failed[0].code, 'InternalServerError');
    assert.ok(failed[0].attempts >= 2, 'tried again by Retry Remaining');
    assert.equal(report.outcomes.filter((outcome) => outcome.status === 'undone').length, 3, 'the TAP and two tap configurations were undone');
    assert.equal(await statusOf(tapId), 404);
    for (const name of sources) {
      assert.equal(await statusOf(`${nicId(name)}/tapConfigurations/${configurationName}`), 404, `${name} has no tap configuration left`);
    }
  });

  it('mirrors three prod NICs into a new TAP on the ILB frontend and restarts their VMs', async () => {
    api.wizards.answer(createAnswers({ restart: 'yes' }));
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    assert.deepEqual(
      report.plan.actions.map((action) => `${action.kind} ${action.operation ?? action.resourceType.split('/').pop()}`),
      ['put virtualNetworkTaps', ...sources.map(() => 'put tapConfigurations'), ...sources.flatMap(() => ['post deallocate', 'post start'])],
    );
    const deallocates = report.plan.actions.filter((action) => action.operation === 'deallocate');
    assert.equal(new Set(deallocates.map((action) => action.resourceId.toLowerCase())).size, deallocates.length, 'one stop and start per VM');
    const tap = (await armGet(tapId, network)).body as { location: string; properties: { destinationLoadBalancerFrontEndIPConfiguration?: { id: string }; destinationPort?: number; networkInterfaceTapConfigurations?: unknown[] } };
    assert.equal(tap.location, 'germanywestcentral');
    assert.equal(tap.properties.destinationLoadBalancerFrontEndIPConfiguration?.id.toLowerCase(), frontendId.toLowerCase());
    assert.equal(tap.properties.destinationPort, 4789);
    assert.equal(tap.properties.networkInterfaceTapConfigurations?.length, 3);
    for (const name of sources) {
      const configuration = (await armGet(`${nicId(name)}/tapConfigurations/${configurationName}`, network)).body as { properties: { virtualNetworkTap: { id: string } } };
      assert.equal(configuration.properties.virtualNetworkTap.id.toLowerCase(), tapId.toLowerCase());
    }
  });

  it('sends nothing when the same answers run again', async () => {
    const before = await requestCounts();
    api.wizards.answer(createAnswers({ reuse: true }));
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const after = await requestCounts();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.deepEqual([...new Set(report.outcomes.map((outcome) => outcome.status))], ['kept']);
    assert.equal(report.plan.actions.length, 4, 'the TAP and three tap configurations, no restarts');
    assert.equal(countOf(after, 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
    assert.equal(countOf(after, 'POST'), countOf(before, 'POST'), 'no POST was sent');
  });

  it('stops mirroring one NIC, leaving the TAP and the other sources', async () => {
    api.wizards.answer([{ id: 'tap.removeSource', pick: 'nic-app-02' }]);
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.removeTapSource');
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    assert.deepEqual(report.plan.actions.map((action) => `${action.kind} ${action.resourceId}`), [`delete ${nicId('nic-app-02')}/tapConfigurations/${configurationName}`]);
    assert.equal(await statusOf(`${nicId('nic-app-02')}/tapConfigurations/${configurationName}`), 404);
    assert.equal(await statusOf(`${nicId('nic-app-01')}/tapConfigurations/${configurationName}`), 200);
    assert.equal(await statusOf(tapId), 200);
  });

  it('removes the TAP: its tap configurations first, then the TAP', async () => {
    api.wizards.answer([{ id: 'tap.remove', pick: tapName }]);
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.removeTap');
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, JSON.stringify(report.outcomes));
    assert.deepEqual(report.plan.actions.map((action) => action.kind), ['delete', 'delete', 'delete']);
    assert.equal(report.plan.actions[2].resourceId.toLowerCase(), tapId.toLowerCase(), 'the TAP goes last');
    assert.equal(await statusOf(tapId), 404);
    for (const name of sources) {
      assert.equal(await statusOf(`${nicId(name)}/tapConfigurations/${configurationName}`), 404);
    }
    assert.equal(await statusOf(`${nicId('nic-web-01')}/tapConfigurations/tapcfg-web-01`), 200, 'the demo\u2019s own mirroring is untouched');
  });
});
