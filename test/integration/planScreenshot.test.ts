// A screenshot of a wizard's plan review for the README, taken only by `npm run screenshots` (see
// screenshots.test.ts): the TAP wizard's real plan in the rendered markdown preview, with the
// review's quick pick asking what to do. Escape ends the review, so nothing is applied.
import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ScriptedAnswer } from './scriptedUi';
import { hubSubscriptionId } from '../standin/topologies/demo';
import { armGet, countOf, requestCounts, signInToStandIn, signOutOfStandIn, standInUrl } from './standInClient';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, type TestedApi } from './testedExtension';

const folder = process.env.TRAFFIC_LENS_SCREENSHOTS;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const tapName = 'vtap-ilb-lens';
const tapId = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworkTaps/${tapName}`;

/** The TAP wizard's questions, as in tapWizard.test.ts: three prod NICs into a new TAP on ilb-collectors' frontend, restarting their VMs. */
const answers: ScriptedAnswer[] = [
  { id: 'tap.destinationKind', pick: 'loadBalancer' },
  { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
  { id: 'tap.name', input: tapName },
  { id: 'tap.sources', pick: ['nic-web-02', 'nic-app-01', 'nic-app-02'] },
  { id: 'tap.configurationName', input: `tapcfg-${tapName}` },
  { id: 'tap.restartVms', pick: 'yes' },
];

describe('screenshots of a plan preview', function () {
  this.timeout(120_000);
  let api: TestedApi | undefined;

  before(function () {
    if (folder === undefined || process.env.TRAFFIC_LENS_SUITE_MARKER === undefined || !standInUrl) {
      this.skip();
    }
  });

  after(async () => {
    if (api === undefined) {
      return;
    }
    api.wizards.reset();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await signOutOfStandIn();
  });

  it('TAP wizard plan in the review', async () => {
    api = await activateTestedExtension();
    await signInToStandIn();
    // The wizard runs scripted up to a cancelled review, which yields its real plan; the same plan
    // is then reviewed without a script, as a person sees it: the rendered preview and the choices.
    api.wizards.reset();
    api.wizards.answer(answers);
    api.wizards.choose(['cancel']);
    await vscode.commands.executeCommand('trafficLens.createTap');
    const plan = api.wizards.lastPlan();
    assert.ok(plan, 'the TAP wizard produced a plan');
    assert.deepEqual(api.wizards.pending(), { answers: 0, choices: 0 });
    api.wizards.reset();

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const puts = countOf(await requestCounts(), 'PUT');
    const reviewed = api.wizards.review(plan);
    let settled = false;
    void reviewed.finally(() => (settled = true));
    const previewOpen = (): boolean =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).some((tab) => tab.input instanceof vscode.TabInputWebview && /markdown/i.test(tab.input.viewType));
    for (let waited = 0; waited < 20_000 && !previewOpen() && !settled; waited += 200) {
      await delay(200);
    }
    assert.ok(previewOpen(), 'the review opened the rendered markdown preview');
    // Let the preview render and the quick pick appear before the picture.
    await delay(3_000);

    const target = join(folder!, 'plan-preview.png');
    const before = existsSync(target) ? statSync(target).mtimeMs : 0;
    suiteLog('[screenshot] plan-preview');
    for (let waited = 0; waited < 15_000 && !(existsSync(target) && statSync(target).mtimeMs !== before); waited += 200) {
      await delay(200);
    }
    assert.ok(existsSync(target), `the launcher did not save ${target}`);

    // Escape: the review ends without applying anything.
    for (let attempt = 0; attempt < 40 && !settled; attempt++) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await delay(150);
    }
    assert.equal(await reviewed, undefined, 'Escape cancelled the review');
    assert.equal(countOf(await requestCounts(), 'PUT'), puts, 'no PUT was sent');
    assert.equal((await armGet(tapId, '2026-01-01')).status, 404, 'the TAP was not created');
  });
});
