import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { cell, waitForRender } from './viewerRenders';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, expectedExtension, projectRoot, type TestedApi } from './testedExtension';
import { wizardSuite } from './wizardSuite';

const samples = join(projectRoot, 'test', 'fixtures', 'samples');
const vnetSample = vscode.Uri.file(join(samples, 'vnet-flow-logs-overview.sample.json'));

describe('dependency map', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('maps the open flow log and opens the flows behind its busiest connection in the viewer, filtered to them', async function () {
    if (process.env.TRAFFIC_LENS_SUITE_MARKER === undefined) {
      // Only the headless launcher can click inside a webview.
      this.skip();
    }
    await waitForRender(vnetSample, (report) => !report.loading && report.total === 19, () => vscode.commands.executeCommand('vscode.openWith', vnetSample, 'trafficLens.flowLogViewer'));
    await vscode.commands.executeCommand('trafficLens.showDependencyMap', vnetSample);
    // The list beside the graph puts the busiest connection first: 10.0.0.6 → 40.74.146.17 on TCP 443, three connections.
    const filtered = await waitForRender(vnetSample, (report) => report.fieldValues?.srcIp !== undefined, () => suiteLog('[click] .map-edge .map-show-flows'));
    assert.equal(filtered.fieldValues?.srcIp, '10.0.0.6');
    assert.equal(filtered.fieldValues?.dstIp, '40.74.146.17');
    assert.equal(filtered.fieldValues?.port, '443');
    assert.equal(filtered.total, 6, 'three connections, each a begin and an end tuple');
    for (let row = 0; row < filtered.rows.length; row++) {
      assert.equal(cell(filtered, row, 'Source'), '10.0.0.6');
      assert.equal(cell(filtered, row, 'Destination'), '40.74.146.17');
      assert.equal(cell(filtered, row, 'Dst port'), '443');
    }
  });

  it('maps only the flows the viewer\'s filter keeps, and says so when it keeps none', async function () {
    if (process.env.TRAFFIC_LENS_SUITE_MARKER === undefined) {
      this.skip();
    }
    const api = await activateTestedExtension();
    await waitForRender(vnetSample, (report) => !report.loading && report.total === 19, () => vscode.commands.executeCommand('vscode.openWith', vnetSample, 'trafficLens.flowLogViewer'));
    await waitForRender(vnetSample, (report) => report.total === 9, () => void api.flowLogViewer.setFilter(vnetSample, { decision: 'deny' }));
    await vscode.commands.executeCommand('trafficLens.showDependencyMap', vnetSample);
    const denied = await waitForRender(vnetSample, (report) => report.fieldValues?.srcIp !== undefined, () => suiteLog('[click] .map-edge .map-show-flows'));
    // Every denied flow of the sample is one attempt from the internet to 10.0.0.6.
    assert.equal(denied.fieldValues?.dstIp, '10.0.0.6');
    assert.equal(denied.total, 1);
    assert.equal(cell(denied, 0, 'Decision'), 'Deny');
  });
});

describe('dependency map of connection snapshots', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started));

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('draws what the snapshots saw inside the VMs, each edge labelled with its processes, and exports it', async function () {
    if (process.env.TRAFFIC_LENS_SUITE_MARKER === undefined || expectedExtension().kind === 'installed') {
      // Only the headless launcher can click inside a webview; the save dialog is replaced on this
      // suite's `vscode` object, which is the extension's own only when it runs from the project.
      this.skip();
    }
    api.wizards.answer([
      { id: 'snapshot.vms', pick: ['vm-web-01', 'vm-db-01'] },
      { id: 'snapshot.samples', pick: 'Once' },
      { id: 'snapshot.review', pick: '$(play) Run Snapshot' },
    ]);
    await vscode.commands.executeCommand('trafficLens.snapshotConnections');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api.wizards.answer([{ id: 'dependencyMap.source', pick: 'snapshots' }]);
    await vscode.commands.executeCommand('trafficLens.showDependencyMap');

    const folder = mkdtempSync(join(tmpdir(), 'map-export-'));
    const target = join(folder, 'snapshots.map.csv');
    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    window.showSaveDialog = async () => vscode.Uri.file(target);
    try {
      suiteLog('[click] .map-controls button[name="export"]');
      const deadline = Date.now() + 30_000;
      while (!existsSync(target) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      window.showSaveDialog = original;
    }
    const csv = readFileSync(target, 'utf8');
    rmSync(folder, { recursive: true, force: true });
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'source,source_kind,source_addresses,destination,destination_kind,destination_addresses,protocol,port,connections,allowed,denied,bytes,packets,first_seen,last_seen,processes');
    // nginx on vm-web-01 calls the app tier on 8080; sqlservr on vm-db-01 takes connections on 1433.
    const webToApp = lines.filter((line) => line.includes(',TCP,8080,') && line.includes('nginx (vm-web-01)'));
    assert.ok(webToApp.length >= 1, csv);
    assert.ok(lines.some((line) => line.includes(',TCP,1433,') && line.includes('sqlservr (vm-db-01)')), csv);
    assert.ok(lines.slice(1).every((line) => line.split(',')[10] === '0'), 'nothing a VM saw established was denied');
  });
});
