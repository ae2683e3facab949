// A screenshot of the inventory tree for the README, taken only by `npm run screenshots` (see
// screenshots.test.ts): the demo estate expanded down to NICs, peerings and flow logs.
import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { demoTenantId, hubSubscriptionId, prodSubscriptionId, prodVnetId } from '../standin/topologies/demo';
import { suiteLog } from './suiteLog';
import { activateTestedExtension } from './testedExtension';

const folder = process.env.TRAFFIC_LENS_SCREENSHOTS;
const standInUrl = process.env.TRAFFIC_LENS_STANDIN_URL;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('screenshots of the inventory tree', function () {
  this.timeout(90_000);

  before(function () {
    if (folder === undefined || process.env.TRAFFIC_LENS_SUITE_MARKER === undefined || !standInUrl) {
      this.skip();
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('trafficLens.signOut');
    const config = vscode.workspace.getConfiguration('trafficLens');
    for (const name of Object.keys(standInExtensionSettings('', ''))) {
      await config.update(name, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('inventory tree of the demo estate', async () => {
    const api = await activateTestedExtension();
    const config = vscode.workspace.getConfiguration('trafficLens');
    for (const [name, value] of Object.entries(standInExtensionSettings(standInUrl ?? '', demoTenantId))) {
      await config.update(name, value, vscode.ConfigurationTarget.Global);
    }
    assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
    await vscode.commands.executeCommand('workbench.view.extension.trafficLens');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await api.inventory.children();
    const prod = `/subscriptions/${prodSubscriptionId}`;
    const path = [prod, `${prod}#vnets`, prodVnetId.toLowerCase(), `${prodVnetId}/subnets/snet-web`.toLowerCase()];
    for (const id of path) {
      await api.inventory.children(id);
      await api.inventory.reveal(id);
    }
    const hub = `/subscriptions/${hubSubscriptionId}`;
    await api.inventory.children(hub);
    await api.inventory.children(`${prod}#watchers`);
    await api.inventory.reveal(`${prod}#watchers`);
    await delay(2_000);
    const target = join(folder!, 'inventory-tree.png');
    const before = existsSync(target) ? statSync(target).mtimeMs : 0;
    suiteLog('[screenshot] inventory-tree');
    for (let waited = 0; waited < 15_000 && !(existsSync(target) && statSync(target).mtimeMs !== before); waited += 200) {
      await delay(200);
    }
    assert.ok(existsSync(target), `the launcher did not save ${target}`);
  });
});
