import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RenderedReport } from './viewerProbe';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, projectRoot } from './testedExtension';

const samples = join(projectRoot, 'test', 'fixtures', 'samples');
const vnetSample = vscode.Uri.file(join(samples, 'vnet-flow-logs-overview.sample.json'));

/** Waits for a report from the viewer's page that satisfies `isWanted` (earlier reports are skipped). */
async function waitForRender(uri: vscode.Uri, isWanted: (report: RenderedReport) => boolean, start?: () => Thenable<unknown> | void): Promise<RenderedReport> {
  const api = await activateTestedExtension();
  const deadline = Date.now() + 60_000;
  let next = api.flowLogViewer.nextRendered(uri, 60_000);
  if (start !== undefined) {
    await start();
  }
  for (;;) {
    const report = await next;
    if (isWanted(report)) {
      return report;
    }
    if (Date.now() > deadline) {
      throw new Error(`no wanted render of ${uri.fsPath}; last: ${JSON.stringify(report).slice(0, 500)}`);
    }
    next = api.flowLogViewer.nextRendered(uri, Math.max(1000, deadline - Date.now()));
  }
}

function cell(report: RenderedReport, row: number, column: string): string {
  const index = report.columns.indexOf(column);
  assert.ok(index >= 0, `no column ${column} in ${report.columns.join(', ')}`);
  return report.rows[row][index];
}

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
