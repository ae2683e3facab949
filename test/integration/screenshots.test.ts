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
});
