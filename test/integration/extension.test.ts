import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as vscode from 'vscode';
import { activateTestedExtension, expectedExtension, manifest, projectRoot, testedExtension } from './testedExtension';

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

describe('extension', () => {
  const expected = expectedExtension();

  it(`is the ${expected.kind} copy and activates from the built bundle`, async () => {
    const extension = testedExtension();
    const extensionPath = resolve(extension.extensionPath);
    if (expected.kind === 'development') {
      assert.equal(extensionPath, expected.location);
    } else {
      assert.ok(isInside(expected.location, extensionPath), `expected the copy installed under ${expected.location}, got ${extensionPath}`);
      assert.ok(!existsSync(join(extensionPath, 'src')), 'the installed extension ships sources');
    }
    assert.equal(extension.packageJSON.main, './dist/extension.js');

    const api = await activateTestedExtension();
    assert.equal(extension.isActive, true);
    const bundle = join(extensionPath, 'dist', 'extension.js');
    assert.ok(require.cache[bundle] !== undefined, `the extension host did not load ${bundle}`);
    // The seams the suites drive the extension through are on its exports.
    assert.equal(typeof extension.exports.flowLogViewer.addOn, 'function');
    assert.equal(typeof extension.exports.wizards.use, 'function');
    assert.equal(typeof api.inventory.children, 'function');
  });

  it('ships the Get Started walkthrough\'s pages and the screenshots they show', () => {
    const extension = testedExtension();
    const walkthroughs = (extension.packageJSON as { contributes: { walkthroughs?: Array<{ id: string; steps: Array<{ media: { markdown?: string } }> }> } }).contributes.walkthroughs ?? [];
    const steps = walkthroughs.find((walkthrough) => walkthrough.id === 'trafficLens.gettingStarted')?.steps ?? [];
    assert.ok(steps.length > 0, 'the installed manifest has no Get Started walkthrough');
    const missing: string[] = [];
    for (const step of steps) {
      const page = join(extension.extensionPath, step.media.markdown ?? '(no markdown)');
      if (!existsSync(page)) {
        missing.push(step.media.markdown ?? '(no markdown)');
        continue;
      }
      for (const [, image] of readFileSync(page, 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
        if (!existsSync(join(dirname(page), image))) {
          missing.push(`${image} (shown by ${step.media.markdown})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('opens the test workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(
      folders.map((folder) => folder.uri.fsPath),
      [join(projectRoot, 'test', 'fixtures')],
    );
  });
});

describe('manifest', () => {
  const contributed = (manifest.contributes.commands ?? []).map((entry) => entry.command);

  it('registers every contributed command after activation', async () => {
    await activateTestedExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    assert.deepEqual(
      contributed.filter((command) => !registered.has(command)),
      [],
      'contributed but not registered',
    );
  });

  it('names a contributed command in every menu entry', () => {
    const known = new Set(contributed);
    const unknown: string[] = [];
    for (const [menu, entries] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const entry of entries) {
        if (entry.submenu === undefined && (entry.command === undefined || !known.has(entry.command))) {
          unknown.push(`${menu}: ${entry.command ?? '(no command)'}`);
        }
      }
    }
    assert.deepEqual(unknown, []);
  });

  it('opens a sample flow log in the flow-log viewer', async () => {
    await activateTestedExtension();
    const uri = vscode.Uri.file(join(projectRoot, 'test/fixtures/samples/nsg-flow-logs-overview.v2-sample.json'));
    await vscode.commands.executeCommand('trafficLens.openFlowLogFile', uri);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom, 'the active tab is not a custom editor');
    assert.equal(input.viewType, 'trafficLens.flowLogViewer');
    assert.equal(input.uri.fsPath, uri.fsPath);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
