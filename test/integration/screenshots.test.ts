// Screenshots of the real UI for the README: `npm run screenshots` runs only this suite with
// TRAFFIC_LENS_SCREENSHOTS set; the launcher (test/vscode/launcher.ts) saves a PNG of the page
// when the suite logs `[screenshot] name`. Elsewhere (every `npm test`, desktop VS Code) there
// is nobody to take the picture, so the suite is skipped.
import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, projectRoot } from './testedExtension';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { demoTenantId, prodSubscriptionId } from '../standin/topologies/demo';

const folder = process.env.TRAFFIC_LENS_SCREENSHOTS;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the launcher for a PNG and waits until it is written. */
async function screenshot(name: string): Promise<void> {
  assert.ok(folder !== undefined);
  const path = join(folder, `${name}.png`);
  const before = existsSync(path) ? statSync(path).mtimeMs : 0;
  suiteLog(`[screenshot] ${name}`);
  for (let waited = 0; waited < 15_000; waited += 200) {
    if (existsSync(path) && statSync(path).mtimeMs !== before && statSync(path).size > 0) {
      return;
    }
    await delay(200);
  }
  assert.fail(`the launcher did not save ${path}`);
}

describe('screenshots', function () {
  before(function () {
    if (folder === undefined || process.env.TRAFFIC_LENS_SUITE_MARKER === undefined) {
      // Only the headless launcher (which sets the marker) can take screenshots, and only
      // `npm run screenshots` sets the folder: a normal `npm test` skips this suite.
      this.skip();
    }
  });

  it('flow-log viewer with the Explorer', async function () {
    this.timeout(60_000);
    const api = await activateTestedExtension();
    const uri = vscode.Uri.file(join(projectRoot, 'test/fixtures/samples/vnet-flow-logs-overview.sample.json'));
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    const rendered = api.flowLogViewer.nextRendered(uri, 20_000).then(
      () => true,
      () => false,
    );
    await vscode.commands.executeCommand('vscode.openWith', uri, 'trafficLens.flowLogViewer');
    if (!(await rendered)) {
      suiteLog('(the viewer reported no rendered rows; taking the screenshot anyway)');
    }
    // Let the webview and the Explorer settle before the picture.
    await delay(3_000);
    await screenshot('flow-log-viewer');
  });

  it('flow-log viewer: time brush, downloaded blob with NIC/VM columns', async function () {
    this.timeout(120_000);
    const api = await activateTestedExtension();
    const uri = vscode.Uri.file(join(projectRoot, 'test/fixtures/samples/vnet-flow-logs-overview.sample.json'));
    await vscode.commands.executeCommand('workbench.view.explorer');
    const rendered = api.flowLogViewer.nextRendered(uri, 20_000).catch(() => undefined);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'trafficLens.flowLogViewer');
    await rendered;
    await delay(2_000);
    suiteLog('[drag] .time-plot 0.05 0.3');
    await delay(1_500);
    await screenshot('viewer-time-brush');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const standInUrl = process.env.TRAFFIC_LENS_STANDIN_URL;
    if (standInUrl === undefined || standInUrl === '') {
      suiteLog('(no stand-in: the downloaded-blob picture is not taken)');
      return;
    }
    const config = vscode.workspace.getConfiguration('trafficLens');
    const settings = standInExtensionSettings(standInUrl, demoTenantId);
    for (const [name, value] of Object.entries(settings)) {
      await config.update(name, value, vscode.ConfigurationTarget.Global);
    }
    try {
      assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
      const subscription = `/subscriptions/${prodSubscriptionId}`;
      await api.inventory.children();
      await api.inventory.children(subscription);
      const [watcher] = await api.inventory.children(`${subscription}#watchers`);
      const flowLog = (await api.inventory.children(watcher.id)).find((row) => row.label === 'fl-vnet-prod-spoke');
      assert.ok(flowLog);
      const [target] = await api.inventory.children(flowLog.id);
      const [day] = await api.inventory.children(target.id);
      const [hour] = await api.inventory.children(day.id);
      const blob = (await api.inventory.children(hour.id)).find((row) => row.label === '00-0D-3A-7A-10-01');
      assert.ok(blob);
      const opened = await api.inventory.runOnRows('trafficLens.openFlowLogBlob', [blob.id]);
      assert.ok(opened instanceof vscode.Uri);
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await delay(3_000);
      await vscode.commands.executeCommand('workbench.view.explorer');
      await delay(1_500);
      await screenshot('viewer-downloaded-blob-sidebar');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('trafficLens.signOut');
      for (const name of Object.keys(settings)) {
        await config.update(name, undefined, vscode.ConfigurationTarget.Global);
      }
    }
  });
});
