import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApplyReport } from '../../src/core/plan';
import type { InventoryRow } from '../../src/tree/lensTreeProvider';
import { nicUpdateBody, type RawResource } from '../../src/wizards/acceleratedNetworking/acceleratedFacts';
import { prodSubscriptionId, prodVnetId } from '../standin/topologies/demo';
import { armGet, call, demoToken, faults, standInUrl, waitForOperation } from './standInClient';
import { suiteLog } from './suiteLog';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const compute = '2026-04-01';
const prodApp = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-app`;
const nicId = (name: string): string => `${prodApp}/providers/Microsoft.Network/networkInterfaces/${name}`;
const vmId = (name: string): string => `${prodApp}/providers/Microsoft.Compute/virtualMachines/${name}`;
const subnetRow = `${prodVnetId}/subnets/snet-app`.toLowerCase();
const legacy = [
  { nic: 'nic-legacy-01', vm: 'vm-legacy-01' },
  { nic: 'nic-legacy-02', vm: 'vm-legacy-02' },
];

async function nicResource(name: string): Promise<RawResource & { properties: { enableAcceleratedNetworking?: boolean } }> {
  const answer = await armGet(nicId(name), network);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const body = answer.body as { id: string; location: string; tags?: Record<string, string>; properties: Record<string, unknown> };
  return { id: body.id, location: body.location, ...(body.tags ? { tags: body.tags } : {}), properties: body.properties };
}

async function accelerated(name: string): Promise<boolean> {
  return (await nicResource(name)).properties.enableAcceleratedNetworking === true;
}

async function powerState(name: string): Promise<string | undefined> {
  const answer = await armGet(`${vmId(name)}/instanceView`, compute);
  return (answer.body as { statuses?: Array<{ code?: string }> }).statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
}

/** Puts the demo's legacy NICs back with accelerated networking off and their VMs running, as seeded. */
async function restoreLegacy(): Promise<void> {
  const token = demoToken();
  for (const { nic, vm } of legacy) {
    const resource = await nicResource(nic);
    if (resource.properties.enableAcceleratedNetworking === true) {
      await waitForOperation(await call('PUT', `${standInUrl}${nicId(nic)}?api-version=${network}`, nicUpdateBody(resource, false), token), token);
    }
    if ((await powerState(vm)) !== 'running') {
      await waitForOperation(await call('POST', `${standInUrl}${vmId(vm)}/start?api-version=${compute}`, undefined, token), token);
    }
  }
}

describe('accelerated networking', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: restoreLegacy, cleanUpEachTest: true });

  /** The NIC rows under prod's snet-app, as the tree shows them now. */
  async function appNicRows(): Promise<InventoryRow[]> {
    const prod = `/subscriptions/${prodSubscriptionId}`;
    await api.inventory.children();
    await api.inventory.children(prod);
    await api.inventory.children(`${prod}#vnets`);
    await api.inventory.children(prodVnetId.toLowerCase());
    return api.inventory.children(subnetRow);
  }

  function row(rows: InventoryRow[], name: string): InventoryRow {
    const found = rows.find((candidate) => candidate.label === name);
    assert.ok(found, `no row ${name} among ${rows.map((candidate) => candidate.label).join(', ')}`);
    return found;
  }

  it('enables it for both VMs of an availability set from their NIC rows: all deallocated, NICs updated, both started, the tree shows it', async () => {
    const before = await appNicRows();
    for (const { nic } of legacy) {
      assert.match(row(before, nic).contextValue ?? '', /canAccelerate/, `${nic} offers the command`);
      assert.match(row(before, nic).tooltip ?? '', /Accelerated networking: off/);
      assert.doesNotMatch(row(before, nic).description ?? '', /accelerated/);
    }
    api.wizards.answer([{ id: 'an.nics', pick: legacy.map((entry) => entry.nic) }]);
    api.wizards.choose(['apply']);
    const report = (await api.inventory.runOnRows('trafficLens.enableAcceleratedNetworking', legacy.map((entry) => nicId(entry.nic).toLowerCase()))) as ApplyReport | undefined;
    assert.ok(report, 'the plan was applied');
    suiteLog('enable:', describeReport(report));
    assert.equal(report.complete, true, describeReport(report));
    const titles = report.plan.actions.map((action) => action.title);
    assert.deepEqual(titles, [
      'Stop (deallocate) vm-legacy-01 (availability set avset-app-legacy)',
      'Stop (deallocate) vm-legacy-02 (availability set avset-app-legacy)',
      'Turn on accelerated networking on nic-legacy-01',
      'Turn on accelerated networking on nic-legacy-02',
      'Start vm-legacy-01 (availability set avset-app-legacy)',
      'Start vm-legacy-02 (availability set avset-app-legacy)',
    ]);
    assert.ok(report.plan.actions.filter((action) => action.operation === 'deallocate').every((action) => /downtime/.test(action.impact ?? '')), 'each stop states its downtime');
    // Every VM of the set was deallocated before the first NIC update began, and none started before the last one ended.
    const times = new Map(report.outcomes.map((outcome) => [report.plan.actions.find((action) => action.id === outcome.actionId)?.title ?? '', outcome]));
    const lastStop = Math.max(...titles.slice(0, 2).map((title) => Date.parse(times.get(title)?.endedAt ?? '')));
    const firstPut = Math.min(...titles.slice(2, 4).map((title) => Date.parse(times.get(title)?.startedAt ?? '')));
    const lastPut = Math.max(...titles.slice(2, 4).map((title) => Date.parse(times.get(title)?.endedAt ?? '')));
    const firstStart = Math.min(...titles.slice(4).map((title) => Date.parse(times.get(title)?.startedAt ?? '')));
    assert.ok(lastStop <= firstPut && lastPut <= firstStart, `stops ${lastStop} ≤ first NIC update ${firstPut}; last NIC update ${lastPut} ≤ first start ${firstStart}`);
    for (const { nic, vm } of legacy) {
      assert.equal(await accelerated(nic), true, `${nic} has accelerated networking on`);
      assert.equal(await powerState(vm), 'running', `${vm} runs again`);
    }
    const after = await appNicRows();
    for (const { nic } of legacy) {
      assert.match(row(after, nic).description ?? '', /· accelerated/, `${nic}'s row says so`);
      assert.doesNotMatch(row(after, nic).contextValue ?? '', /canAccelerate/);
      assert.match(row(after, nic).tooltip ?? '', /Accelerated networking: on/);
    }
  });

  it('refuses a plan for a B-series VM from the palette, naming its size and region, and changes nothing', async () => {
    api.wizards.answer([{ id: 'an.nics', pick: ['nic-jump-01'] }]);
    api.wizards.choose(['cancel']);
    await vscode.commands.executeCommand('trafficLens.enableAcceleratedNetworking');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was not offered');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    const failed = new Map(plan.checks.filter((check) => check.status === 'failed').map((check) => [check.id, check.detail]));
    assert.match(failed.get('an.size') ?? '', /vm-jump-01 is Standard_B1s, which does not support accelerated networking in germanywestcentral/);
    assert.match(failed.get('an.vcpus') ?? '', /vm-jump-01 is Standard_B1s with 1 vCPU/);
    assert.equal(await accelerated('nic-jump-01'), false);
    assert.equal(await powerState('vm-jump-01'), 'running', 'the VM was not stopped');
  });

  it('after a start fails, Undo Created turns accelerated networking off again and starts the VMs', async () => {
    // One refusal: the start fails, and the start that undoes its stop goes through.
    await faults({ kind: 'forbidden', match: 'virtualMachines/vm-legacy-02/start', method: 'POST', count: 1 });
    api.wizards.answer([{ id: 'an.nics', pick: legacy.map((entry) => entry.nic) }]);
    api.wizards.choose(['apply', 'undoCreated']);
    const report = (await vscode.commands.executeCommand('trafficLens.enableAcceleratedNetworking')) as ApplyReport | undefined;
    assert.ok(report);
    suiteLog('undo:', describeReport(report));
    const byTitle = new Map(report.outcomes.map((outcome) => [report.plan.actions.find((action) => action.id === outcome.actionId)?.title, outcome.status]));
    assert.equal(byTitle.get('Start vm-legacy-02 (availability set avset-app-legacy)'), 'failed');
    assert.equal(byTitle.get('Turn on accelerated networking on nic-legacy-01'), 'undone');
    assert.equal(byTitle.get('Turn on accelerated networking on nic-legacy-02'), 'undone');
    assert.equal(report.complete, true, describeReport(report));
    await faults();
    for (const { nic, vm } of legacy) {
      assert.equal(await accelerated(nic), false, `${nic} has accelerated networking off again`);
      assert.equal(await powerState(vm), 'running', `${vm} runs`);
    }
  });
});
