import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suiteLog } from './suiteLog';
import type { RunQueryOutcome } from '../../src/commands/queryTrafficAnalytics';
import { createTestToken } from '../standin/credential';
import { demoTenantId, devSubscriptionId, prodSubscriptionId } from '../standin/topologies/demo';
import type { RenderedReport } from './viewerProbe';
import { armGet, call, demoToken, logAnalyticsUrl, standInUrl, waitForOperation } from './standInClient';
import type { TestedApi } from './testedExtension';
import { wizardSuite } from './wizardSuite';

const queryFolder = mkdtempSync(join(tmpdir(), 'traffic-analytics-queries-'));
let queryFiles = 0;

/**
 * A query document of its own file: an untitled document's name (`Untitled-1`) comes back once
 * the earlier one is closed, and a command given that URI may be handed the earlier text.
 */
async function queryDocument(content: string): Promise<vscode.TextDocument> {
  const path = join(queryFolder, `query-${++queryFiles}.kql`);
  writeFileSync(path, content);
  return vscode.workspace.openTextDocument(vscode.Uri.file(path));
}

const network = '2026-01-01';
const watcherId = `/subscriptions/${prodSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral`;
const vnetFlowLogId = `${watcherId}/flowLogs/fl-vnet-prod-spoke`;
const workspaceArmId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-dev-uks`;
const workspaceId = '6f1d2c3b-4a59-4e8d-9c7b-2a1e0f3d5c48';

interface FlowLogBody {
  location: string;
  properties: Record<string, unknown> & { flowAnalyticsConfiguration: Record<string, unknown> };
}

/** Sets the VNet flow log's Traffic Analytics block with a PUT, as Enable Flow Logs… would. */
async function setTrafficAnalytics(configuration: Record<string, unknown>): Promise<void> {
  const current = await armGet(vnetFlowLogId, network);
  assert.equal(current.status, 200, JSON.stringify(current.body));
  const body = current.body as FlowLogBody;
  // A PUT may not carry the read-only properties a GET answers (the stand-in checks the definitions).
  const { targetResourceGuid: _guid, provisioningState: _state, ...writable } = body.properties;
  await waitForOperation(await call('PUT', `${standInUrl}${vnetFlowLogId}?api-version=${network}`, { location: body.location, properties: { ...writable, flowAnalyticsConfiguration: configuration } }, demoToken()));
}

/** A query straight to the Log Analytics stand-in, to know what the workspace holds. */
async function workspaceRows(query: string): Promise<unknown[][]> {
  const token = createTestToken({ tenantId: demoTenantId, audience: 'https://api.loganalytics.io' }).token;
  const answer = await call('POST', `${logAnalyticsUrl}/v1/workspaces/${workspaceId}/query`, { query, timespan: 'P1D' }, token);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as { tables: { rows: unknown[][] }[] }).tables[0].rows;
}

describe('Traffic Analytics queries', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => {
    api = started;
  }, { cleanUp: () => setTrafficAnalytics({}) });

  before(async function () {
    if (logAnalyticsUrl === '') {
      this.skip();
    }
    await setTrafficAnalytics({ networkWatcherFlowAnalyticsConfiguration: { enabled: true, workspaceResourceId: workspaceArmId, workspaceId, workspaceRegion: 'uksouth', trafficAnalyticsInterval: 60 } });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function waitForRows(uri: vscode.Uri): Promise<RenderedReport> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const report = await api.flowLogViewer.nextRendered(uri, Math.max(1000, deadline - Date.now()));
      if (!report.loading && report.total > 0) {
        return report;
      }
      assert.ok(Date.now() < deadline, `no rows rendered for ${uri.toString()}: ${JSON.stringify(report).slice(0, 300)}`);
    }
  }

  it('runs "Traffic between two addresses" from the palette and shows its flows in the flow-log viewer', async () => {
    const [pair] = await workspaceRows("NTANetAnalytics | where isnotempty(SrcIp) and isnotempty(DestIp) and FlowStatus == 'Allowed' | project SrcIp, DestIp | take 1");
    assert.ok(pair, 'the workspace holds flows of fl-vnet-prod-spoke');
    const [a, b] = pair.map(String);
    api.wizards.answer([
      { id: 'trafficAnalytics.workspace', pick: 'law-dev-uks' },
      { id: 'trafficAnalytics.table', pick: 'NTANetAnalytics' },
      { id: 'trafficAnalytics.query', pick: 'Traffic between two addresses' },
      { id: 'trafficAnalytics.addressA', input: a },
      { id: 'trafficAnalytics.addressB', input: b },
      { id: 'trafficAnalytics.timeRange', pick: 'Last 24 hours' },
    ]);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('trafficLens.queryTrafficAnalytics');
    assert.equal(document.languageId, 'kql');
    assert.match(document.getText(), new RegExp(`// workspace: law-dev-uks ${workspaceId} `));
    assert.match(document.getText(), /^NTANetAnalytics\n\| where SubType == 'FlowLog' and TimeGenerated > ago\(24h\)/m);
    assert.equal(vscode.window.activeTextEditor?.document, document, 'the query opens as an editor');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.ok(lenses.some((lens) => lens.command?.command === 'trafficLens.runQuery' && /Run Query/.test(lens.command.title)), 'a Run Query lens over the query');

    const outcome = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery', document.uri);
    assert.equal(outcome.kind, 'flows', JSON.stringify(outcome));
    const expected = await workspaceRows(`NTANetAnalytics | where TimeGenerated > ago(24h) and ((SrcIp == '${a}' and DestIp == '${b}') or (SrcIp == '${b}' and DestIp == '${a}')) | count`);
    assert.equal(outcome.kind === 'flows' ? outcome.rows : 0, Number(expected[0][0]), 'one connection per Traffic Analytics row');
    const report = await waitForRows(vscode.Uri.parse(outcome.kind === 'flows' ? outcome.uri : ''));
    assert.equal(report.mode, 'tuples');
    const source = report.columns.indexOf('Source');
    const destination = report.columns.indexOf('Destination');
    assert.ok(report.rows.length > 0);
    assert.ok(report.rows.every((row) => [row[source], row[destination]].sort().join() === [a, b].sort().join()), `rows: ${JSON.stringify(report.rows.slice(0, 3))}`);
  });

  it('runs "Top talkers" from the flow log row, whose workspace and table are known, and shows the summary as a table', async () => {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${prodSubscriptionId}`);
    const watchers = await api.inventory.children(`/subscriptions/${prodSubscriptionId}#watchers`);
    const watcher = watchers.find((row) => row.label === 'NetworkWatcher_germanywestcentral');
    assert.ok(watcher, `watchers: ${watchers.map((row) => row.label).join(', ')}`);
    const flowLog = (await api.inventory.children(watcher.id)).find((row) => row.label === 'fl-vnet-prod-spoke');
    assert.ok(flowLog);
    assert.match(flowLog.description ?? '', /Traffic Analytics/);
    api.wizards.answer([
      { id: 'trafficAnalytics.query', pick: 'Top talkers' },
      { id: 'trafficAnalytics.timeRange', pick: 'Last 24 hours' },
    ]);
    const document = (await api.inventory.runOnRows('trafficLens.queryTrafficAnalytics', [flowLog.id])) as vscode.TextDocument;
    assert.match(document.getText(), /^NTANetAnalytics\n/m);
    const outcome = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery', document.uri);
    assert.equal(outcome.kind, 'table', JSON.stringify(outcome));
    const table = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === (outcome.kind === 'table' ? outcome.document : ''));
    assert.ok(table);
    const [top] = await workspaceRows("NTANetAnalytics | where SubType == 'FlowLog' and TimeGenerated > ago(24h) | summarize Bytes = sum(BytesSrcToDest + BytesDestToSrc) by SrcIp | top 1 by Bytes desc");
    assert.match(table.getText(), /\| SrcIp \| Bytes \| Flows \|/);
    assert.match(table.getText(), new RegExp(`\\| ${String(top[0]).replace(/\./g, '\\.')} \\| ${String(top[1])} \\| \\d+ \\|`), 'the heaviest source first, with its bytes');
  });

  it('says a result past Log Analytics\' row limit is partial and still shows what arrived; a throttled query is retried', async () => {
    const document = await queryDocument(
      `// workspace: law-dev-uks ${workspaceId} ${workspaceArmId}\n// timespan: PT24H\nNTANetAnalytics\n| where SubType == 'FlowLog' and isnotempty(SrcIp) and isnotempty(DestIp)\n| project TimeGenerated, FlowStartTime, FlowEndTime, SrcIp, DestIp, DestPort, L4Protocol, FlowDirection, FlowStatus, BytesSrcToDest, BytesDestToSrc, AclRule\n`,
    );
    assert.equal((await call('POST', `${logAnalyticsUrl}/_standin/limits`, { rows: 3 })).status, 200);
    try {
      const outcome = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery', document.uri);
      if (outcome.kind === 'table') {
        // What came back instead of flows, for the failure below.
        suiteLog('result table:', (await vscode.workspace.openTextDocument(vscode.Uri.parse(outcome.document))).getText());
      }
      assert.equal(outcome.kind, 'flows', JSON.stringify(outcome));
      assert.equal(outcome.kind === 'flows' ? outcome.rows : 0, 3);
      assert.match(outcome.kind === 'flows' ? (outcome.partial ?? '') : '', /^Log Analytics returned a partial result \(There were some errors when processing your query\. › Something went wrong processing your query on the server\.\): 3 rows arrived\. A result holds at most 500,000 rows and 64 MB\./);
      const report = await waitForRows(vscode.Uri.parse(outcome.kind === 'flows' ? outcome.uri : ''));
      assert.ok(report.total >= 3, `${report.total} tuples from 3 rows`);
    } finally {
      await call('DELETE', `${logAnalyticsUrl}/_standin/limits`);
    }
    const before = ((await call('GET', `${logAnalyticsUrl}/_standin/queries`)).body as { queries: unknown[] }).queries.length;
    await call('POST', `${logAnalyticsUrl}/_standin/throttle`, { count: 1, seconds: 1 });
    const retried = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery', document.uri);
    assert.equal(retried.kind, 'flows', JSON.stringify(retried));
    assert.equal(retried.kind === 'flows' ? retried.partial : 'x', undefined);
    const statuses = ((await call('GET', `${logAnalyticsUrl}/_standin/queries`)).body as { queries: { status: number }[] }).queries.slice(before).map((query) => query.status);
    assert.deepEqual(statuses, [429, 200], 'answered after the wait Retry-After asked for');
  });

  it('says in words why Log Analytics refused a query outside what it evaluates', async () => {
    const document = await queryDocument(
      `// workspace: law-dev-uks ${workspaceId} ${workspaceArmId}\n// timespan: PT24H\nNTANetAnalytics\n| join kind=inner (NTANetAnalytics) on SrcIp\n`,
    );
    await vscode.window.showTextDocument(document);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), document.uri.toString(), 'Run Query from the palette takes the active editor');
    const outcome = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery');
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.message : '', /^Log Analytics refused the query \(BadArgumentError\): A semantic error occurred\. › SEM0001: The 'join' operator is outside the subset/);
    const misspelt = await queryDocument(`// workspace: law-dev-uks ${workspaceId} ${workspaceArmId}\nNTANetAnalytics | where SrcIP_s == '10.0.0.1'\n`);
    const column = await vscode.commands.executeCommand<RunQueryOutcome>('trafficLens.runQuery', misspelt.uri);
    assert.match(column.kind === 'failed' ? column.message : '', /Failed to resolve scalar expression named 'SrcIP_s'/);
  });
});
