import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Plan, PlanAction } from '../../src/core/plan';
import { QuickPickUi } from '../../src/wizards/shared/quickPickUi';
import { back } from '../../src/wizards/shared/wizardUi';
import { demoTenantId, devSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl } from './standInClient';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, type TestedApi } from './testedExtension';
import { wizardSuite } from './wizardSuite';

const network = '2026-01-01';
const nsgId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app`;
const ruleId = (name: string): string => `${nsgId}/securityRules/${name}`;
const ruleNames = ['lens-host-a', 'lens-host-b', 'lens-host-clash'];

/** A security rule PUT on nsg-dev-app; priority 100 inbound clashes with its allow-ssh-from-hub. */
function ruleAction(id: string, name: string, priority: number, fields: Partial<PlanAction> = {}): PlanAction {
  return {
    id,
    kind: 'put',
    title: `Create security rule ${name} on nsg-dev-app`,
    resourceId: ruleId(name),
    resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    apiVersion: network,
    body: {
      properties: {
        priority,
        direction: 'Inbound',
        access: 'Deny',
        protocol: 'Tcp',
        sourceAddressPrefix: '10.9.0.0/16',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '8080',
      },
    },
    dependsOn: [],
    tenantId: demoTenantId,
    existing: 'absent',
    ...fields,
  };
}

function rulesPlan(actions: PlanAction[], fields: Partial<Plan> = {}): Plan {
  return {
    kind: 'flowLogs',
    title: `Deny 8080 from 10.9.0.0/16 on nsg-dev-app`,
    summary: ['Adds inbound deny rules (a hand-built plan of the wizard host suite).'],
    checks: [{ id: 'nsg', title: 'NSG exists', status: 'passed', detail: 'nsg-dev-app is in the dev subscription' }],
    warnings: [],
    actions,
    ...fields,
  };
}

async function statusOf(armId: string): Promise<number> {
  return (await armGet(armId, network)).status;
}

/** Deletes the rules a run may have left, waiting until they are gone. */
async function removeRules(): Promise<void> {
  for (const name of ruleNames) {
    await call('DELETE', `${standInUrl}${ruleId(name)}?api-version=${network}`, undefined, demoToken());
  }
  for (const name of ruleNames) {
    for (let attempt = 0; attempt < 50 && (await statusOf(ruleId(name))) !== 404; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('Wizard host', function () {
  this.timeout(120_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: removeRules, cleanUpEachTest: true });

  it('copies the plan as an Azure CLI script, saves it as Bicep, then applies it and shows it in the Activity view', async () => {
    const plan = rulesPlan([ruleAction('a1', 'lens-host-a', 3001), ruleAction('a2', 'lens-host-b', 3002, { dependsOn: ['a1'] })]);
    api.wizards.choose(['copyCli', 'saveBicep', 'apply']);
    const report = await api.wizards.review(plan);
    assert.equal(report?.complete, true, JSON.stringify(report?.outcomes));
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['succeeded', 'succeeded']);
    assert.equal(api.wizards.lastReport(), report);
    assert.equal(api.wizards.lastPlan(), plan);
    assert.equal(await statusOf(ruleId('lens-host-a')), 200);
    assert.equal(((await armGet(ruleId('lens-host-b'), network)).body as { properties: { priority: number } }).properties.priority, 3002);

    const exported = api.wizards.lastExport();
    assert.match(exported.cliScript ?? '', /lens-host-a/);
    assert.equal(await vscode.env.clipboard.readText(), exported.cliScript, 'the script is on the clipboard');
    const bicep = exported.bicepFiles ?? [];
    assert.equal(basename(bicep[0] ?? ''), 'main.bicep');
    assert.ok(bicep.every((path) => existsSync(path)));
    assert.match(bicep.map((path) => readFileSync(path, 'utf8')).join('\n'), /lens-host-b/);

    const preview = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'traffic-lens-plan' && document.getText().includes('lens-host-b'));
    assert.ok(preview, 'the preview is a read-only plan document');
    assert.match(preview.getText(), /^# Deny 8080 from 10\.9\.0\.0\/16 on nsg-dev-app/);
    assert.match(preview.getText(), /^2\. \*\*Create\*\* lens-host-b/m);
    assert.match(api.wizards.activity()[0] ?? '', /^Deny 8080 .* — applied$/);
    suiteLog(`    Activity: ${api.wizards.activity().slice(0, 3).join(' | ')}`);
  });

  it('keeps what is already in place without sending anything', async () => {
    const before = countOf(await requestCounts(), 'PUT');
    api.wizards.choose(['apply']);
    const report = await api.wizards.review(rulesPlan([ruleAction('a1', 'lens-host-a', 3001, { existing: 'same' })]));
    assert.equal(report?.complete, true);
    assert.equal(report.outcomes[0]?.status, 'kept');
    assert.equal(countOf(await requestCounts(), 'PUT'), before);
  });

  it('after a partial failure, Retry Remaining sends only what failed', async () => {
    await faults({ kind: 'forbidden', match: 'lens-host-b', method: 'PUT', count: 1 });
    api.wizards.choose(['apply', 'retryRemaining']);
    const report = await api.wizards.review(rulesPlan([ruleAction('a1', 'lens-host-a', 3001), ruleAction('a2', 'lens-host-b', 3002)]));
    assert.equal(report?.complete, true, JSON.stringify(report?.outcomes));
    const [first, second] = report.outcomes;
    assert.equal(first?.attempts, 1, 'what succeeded is not sent again');
    assert.equal(second?.attempts, 2);
    assert.equal(await statusOf(ruleId('lens-host-b')), 200);
    assert.match(api.wizards.activity()[0] ?? '', /— applied$/);
  });

  it("Undo Created removes what a failed apply created and keeps Azure's error code", async () => {
    api.wizards.choose(['apply', 'undoCreated']);
    const report = await api.wizards.review(rulesPlan([ruleAction('a1', 'lens-host-a', 3001), ruleAction('a2', 'lens-host-clash', 100)]));
    assert.equal(report?.outcomes[0]?.status, 'undone', JSON.stringify(report?.outcomes));
    assert.equal(report.outcomes[1]?.status, 'failed');
    assert.equal(report.outcomes[1]?.code, 'SecurityRuleConflict');
    assert.equal(await statusOf(ruleId('lens-host-a')), 404);
    assert.equal(await statusOf(ruleId('lens-host-clash')), 404);
    assert.match(api.wizards.activity()[0] ?? '', /— undone \(1\)$/);
  });

  it('clears finished plans from the Activity view with "Clear Finished Activity"', async () => {
    const shown = api.wizards.activity().filter((line) => !line.startsWith('  ')).length;
    assert.ok(shown >= 3, `the plans applied above are listed (${shown})`);
    assert.equal(await vscode.commands.executeCommand('trafficLens.clearActivity'), shown);
    assert.deepEqual(api.wizards.activity(), []);
  });

  it('refuses a scripted Apply of a plan whose check failed, naming what it offers', async () => {
    const before = countOf(await requestCounts(), 'PUT');
    api.wizards.choose(['apply']);
    const blocked = rulesPlan([ruleAction('a1', 'lens-host-a', 3001)], { checks: [{ id: 'region', title: 'Same region', status: 'failed', detail: 'nsg-dev-app is elsewhere' }] });
    await assert.rejects(api.wizards.review(blocked), /chose "apply", but .*can't apply, a check failed: Same region.* offers "copyCli", "saveBicep", "cancel"/);
    assert.equal(countOf(await requestCounts(), 'PUT'), before);
  });

  it('without a script shows the rendered preview and asks in a quick pick; Escape sends nothing', async () => {
    const before = countOf(await requestCounts(), 'PUT');
    const reviewed = api.wizards.review(rulesPlan([ruleAction('a1', 'lens-host-a', 3001)], { title: 'Deny 8080 on nsg-dev-app (unscripted)' }));
    assert.equal(await drive(reviewed, 'workbench.action.closeQuickOpen'), undefined);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const preview = tabs.find((tab) => tab.input instanceof vscode.TabInputWebview && /markdown/i.test(tab.input.viewType) && tab.label.includes('unscripted'));
    assert.ok(preview, `a markdown preview tab is open (tabs: ${tabs.map((tab) => tab.label).join(', ')})`);
    await vscode.window.tabGroups.close(preview);
    assert.equal(countOf(await requestCounts(), 'PUT'), before);
  });

  it('in the quick pick, Back returns to the questions, and Enter never applies a plan that stops VMs', async () => {
    const before = await requestCounts();
    const vm = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Compute/virtualMachines/vm-dev-01`;
    const restart = rulesPlan([
      ruleAction('a1', 'lens-host-a', 3001),
      ruleAction('a2', 'vm-dev-01', 0, { kind: 'post', operation: 'deallocate', resourceId: vm, resourceType: 'Microsoft.Compute/virtualMachines', apiVersion: '2026-04-01', body: undefined, dependsOn: ['a1'], title: 'Stop (deallocate) vm-dev-01' }),
      ruleAction('a3', 'vm-dev-01', 0, { kind: 'post', operation: 'start', resourceId: vm, resourceType: 'Microsoft.Compute/virtualMachines', apiVersion: '2026-04-01', body: undefined, dependsOn: ['a2'], title: 'Start vm-dev-01' }),
    ], { title: 'Deny 8080 and restart vm-dev-01 (unscripted)' });
    assert.equal(await drive(api.wizards.reviewOrBack(restart, { canGoBack: true }), 'workbench.action.quickInputBack'), back, 'the title bar\u2019s Back');
    assert.equal(await drive(api.wizards.reviewOrBack(restart, { canGoBack: true }), 'workbench.action.acceptSelectedQuickOpenItem'), back, 'Enter takes Back, the first choice');
    // Enter until the first choice ran: the review asks again after a copy, so it is closed after that.
    const copied = api.wizards.reviewOrBack(restart, { canGoBack: false });
    for (let attempt = 0; attempt < 40 && api.wizards.lastExport().cliScript === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.equal(await drive(copied, 'workbench.action.closeQuickOpen'), undefined);
    assert.match(api.wizards.lastExport().cliScript ?? '', /az vm deallocate[^]*vm-dev-01/, 'without Back, Enter copies the script');
    const after = await requestCounts();
    assert.equal(countOf(after, 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
    assert.equal(countOf(after, 'POST'), countOf(before, 'POST'), 'no VM was stopped');
    for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((candidate) => candidate.label.includes('unscripted'))) {
      await vscode.window.tabGroups.close(tab);
    }
  });

  it('ends a scripted review with Cancel when no choice is left after a copy', async () => {
    api.wizards.choose(['copyCli']);
    assert.equal(await api.wizards.review(rulesPlan([ruleAction('a1', 'lens-host-a', 3001)])), undefined);
    assert.equal(await statusOf(ruleId('lens-host-a')), 404);
  });
});

/** Runs `command` until `pending` settles: the quick input opens a moment after the call. */
async function drive<T>(pending: Promise<T>, ...commands: string[]): Promise<T> {
  let settled = false;
  void pending.finally(() => (settled = true));
  for (let attempt = 0; attempt < 40 && !settled; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const command of commands) {
      if (!settled) {
        await vscode.commands.executeCommand(command);
      }
    }
  }
  return pending;
}

describe('Wizard questions in VS Code', function () {
  this.timeout(60_000);
  const ui = new QuickPickUi();
  const items = [
    { label: 'nic-web-1', value: 'first' },
    { label: 'nic-web-2', value: 'second', picked: true },
  ];

  before(async () => {
    await activateTestedExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('accepts the active item of a pick: the first one, or the one marked picked (the old answer after Back)', async () => {
    const unpicked = items.map(({ label, value }) => ({ label, value }));
    assert.equal(await drive(ui.pick({ id: 't.pick', title: 'Pick', placeholder: 'Pick a NIC', items: unpicked }), 'workbench.action.acceptSelectedQuickOpenItem'), 'first');
    assert.equal(await drive(ui.pick({ id: 't.pick', title: 'Pick', placeholder: 'Pick a NIC', items, step: 2, totalSteps: 3 }), 'workbench.action.acceptSelectedQuickOpenItem'), 'second');
  });

  it('returns Back from step 2 on, and undefined on Escape', async () => {
    assert.equal(await drive(ui.pick({ id: 't.pick', title: 'Pick', placeholder: 'Pick a NIC', items, step: 2, totalSteps: 3 }), 'workbench.action.quickInputBack'), back);
    assert.equal(await drive(ui.pick({ id: 't.pick', title: 'Pick', placeholder: 'Pick a NIC', items }), 'workbench.action.closeQuickOpen'), undefined);
  });

  it('returns the pre-selected items of a multi-pick', async () => {
    assert.deepEqual(await drive(ui.pickMany({ id: 't.many', title: 'Pick', placeholder: 'Pick NICs', items, minimum: 1 }), 'workbench.action.acceptSelectedQuickOpenItem'), ['second']);
  });

  it('with noDefault, Enter alone takes nothing until an item is chosen', async () => {
    const unpicked = items.map(({ label, value }) => ({ label, value }));
    const pending = ui.pick({ id: 't.pick', title: 'Pick', placeholder: 'Pick a NIC', items: unpicked, noDefault: true });
    const early = await drive(Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('still open'), 1500))]), 'workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(early, 'still open', 'Enter with no active item picks nothing');
    assert.equal(await drive(pending, 'workbench.action.quickOpenSelectNext', 'workbench.action.acceptSelectedQuickOpenItem'), 'first');
  });

  it('does not accept an empty list, only Escape', async () => {
    const pending = ui.pick({ id: 't.empty', title: 'Pick', placeholder: 'Pick a NIC', items: [], emptyMessage: 'No NICs in germanywestcentral' });
    await drive(Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 1500))]), 'workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await drive(pending, 'workbench.action.closeQuickOpen'), undefined);
  });

  it('accepts a valid input only after its async check, and holds an invalid one', async () => {
    const checked: string[] = [];
    const step = {
      id: 't.name',
      title: 'Name',
      prompt: 'A name',
      validate: (value: string) => (value.includes(' ') ? 'No spaces' : undefined),
      validateAsync: async (value: string) => {
        checked.push(value);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return value === 'taken' ? 'taken is taken' : undefined;
      },
    };
    assert.equal(await drive(ui.input({ ...step, value: 'fresh' }), 'workbench.action.acceptSelectedQuickOpenItem'), 'fresh');
    assert.ok(checked.includes('fresh'));
    for (const invalid of ['taken', 'has space']) {
      const pending = ui.input({ ...step, value: invalid });
      await drive(Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 1500))]), 'workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await drive(pending, 'workbench.action.closeQuickOpen'), undefined, `${invalid} is not accepted`);
    }
  });
});
