import assert from 'node:assert/strict';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import { galleryQueryText, trafficAnalyticsGallery } from '../../../src/flowlogs/trafficAnalyticsQueries';
import { TestCredential } from '../../standin/credential';
import { startLogAnalytics, type LogAnalyticsStandIn } from '../../standin/logAnalytics';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, devSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';

const workspaceArmId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-dev-uks`;
const workspaceId = '6f1d2c3b-4a59-4e8d-9c7b-2a1e0f3d5c48';
const watcherId = armIds.networkWatcher(prodSubscriptionId, 'NetworkWatcherRG', 'NetworkWatcher_germanywestcentral');
const vnetFlowLogId = `${watcherId}/flowLogs/fl-vnet-prod-spoke`;
const nsgFlowLogId = `${watcherId}/flowLogs/fl-nsg-prod-web`;
const lastHour = Math.floor(Date.now() / 3_600_000) * 3_600_000;

/** Turns Traffic Analytics on for a flow log, as a PUT with flowAnalyticsConfiguration would. */
function enableTrafficAnalytics(standIn: StandIn, flowLogId: string): void {
  const flowLog = standIn.state.get(flowLogId);
  assert.ok(flowLog, flowLogId);
  flowLog.properties.flowAnalyticsConfiguration = {
    networkWatcherFlowAnalyticsConfiguration: { enabled: true, workspaceResourceId: workspaceArmId, workspaceId, workspaceRegion: 'uksouth', trafficAnalyticsInterval: 60 },
  };
}

function rowsOf(table: LogsTable): Record<string, unknown>[] {
  return table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((column, index) => [column.name ?? '', row[index]])));
}

describe('Log Analytics stand-in: Traffic Analytics queries through @azure/monitor-query-logs', function () {
  this.timeout(60_000);
  let standIn: StandIn;
  let logAnalytics: LogAnalyticsStandIn;
  let client: LogsQueryClient;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    enableTrafficAnalytics(standIn, vnetFlowLogId);
    enableTrafficAnalytics(standIn, nsgFlowLogId);
    logAnalytics = await startLogAnalytics({ topology: demoTopology(), standIn, lastHour, hours: 3 });
    client = new LogsQueryClient(new TestCredential({ tenantId: demoTenantId, audience: 'https://api.loganalytics.io' }), {
      endpoint: `${logAnalytics.url}/v1`,
      tlsOptions: { ca: standIn.caPem },
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
  });

  after(async () => {
    await logAnalytics?.close();
    await standIn?.close();
  });

  async function run(query: string): Promise<Record<string, unknown>[]> {
    const result = await client.queryWorkspace(workspaceId, query, { duration: 'P1D' });
    assert.equal(result.status, LogsQueryResultStatus.Success, JSON.stringify(result));
    return result.status === LogsQueryResultStatus.Success ? rowsOf(result.tables[0]) : [];
  }

  it('holds one row per aggregated flow of each flow log, VNet flow logs in NTANetAnalytics and NSG flow logs in AzureNetworkAnalytics_CL', async () => {
    const vnet = await run("NTANetAnalytics | where SubType == 'FlowLog' | project SrcIp, DestIp, DestPort, FlowStatus, FlowDirection, FlowLogResourceId, SrcSubnet, TimeGenerated");
    assert.ok(vnet.length > 10, `${vnet.length} rows`);
    assert.ok(vnet.every((row) => String(row.FlowLogResourceId).toLowerCase() === vnetFlowLogId.toLowerCase()));
    assert.ok(vnet.every((row) => ['Allowed', 'Denied'].includes(String(row.FlowStatus)) && ['Inbound', 'Outbound'].includes(String(row.FlowDirection))));
    assert.ok(vnet.some((row) => row.SrcSubnet === 'rg-prod-network/vnet-prod-spoke/snet-web' || row.SrcSubnet === 'rg-prod-network/vnet-prod-spoke/snet-app'), 'private sources carry their subnet');
    assert.ok(vnet.every((row) => row.TimeGenerated instanceof Date), 'datetime columns arrive as dates');
    // Source ports are not part of Traffic Analytics' aggregation: one row per (source, destination, port, rule, direction, protocol) and hour.
    const nsg = await run("AzureNetworkAnalytics_CL | where SubType_s == 'FlowLog' | project SrcIP_s, DestIP_s, DestPort_d, FlowStatus_s, FlowDirection_s, NSGList_s");
    assert.ok(nsg.length > 10);
    assert.ok(nsg.every((row) => ['A', 'D'].includes(String(row.FlowStatus_s)) && ['I', 'O'].includes(String(row.FlowDirection_s))));
    assert.ok(nsg.every((row) => row.NSGList_s === `${prodSubscriptionId}/rg-prod-network/nsg-prod-web`));
  });

  it('answers every gallery query on both tables, and the top talkers add up to the rows they summarise', async () => {
    const sample = (await run("NTANetAnalytics | where isnotempty(SrcIp) and isnotempty(DestIp) | project SrcIp, DestIp, DestPort | take 1"))[0];
    const parameters = { hours: 24, addressA: String(sample.SrcIp), addressB: String(sample.DestIp), subnet: '10.0.0.0/8', port: Number(sample.DestPort) };
    for (const table of ['NTANetAnalytics', 'AzureNetworkAnalytics_CL'] as const) {
      for (const query of trafficAnalyticsGallery) {
        const rows = await run(galleryQueryText(query.id, table, parameters));
        if (table === 'NTANetAnalytics' && ['between', 'topTalkers', 'portUsers', 'timeChart'].includes(query.id)) {
          assert.ok(rows.length > 0, `${query.id} on ${table} found nothing`);
        }
      }
    }
    const talkers = await run(galleryQueryText('topTalkers', 'NTANetAnalytics', parameters));
    assert.ok(talkers.length <= 10);
    const all = await run("NTANetAnalytics | where SubType == 'FlowLog' and TimeGenerated > ago(24h) | project SrcIp, BytesSrcToDest, BytesDestToSrc");
    const first = talkers[0];
    const expected = all.filter((row) => row.SrcIp === first.SrcIp).reduce((sum, row) => sum + Number(row.BytesSrcToDest) + Number(row.BytesDestToSrc), 0);
    assert.equal(first.Bytes, expected);
    assert.deepEqual([...talkers].map((row) => Number(row.Bytes)), [...talkers].map((row) => Number(row.Bytes)).sort((a, b) => b - a));
    const between = await run(galleryQueryText('between', 'NTANetAnalytics', parameters));
    assert.ok(between.every((row) => [row.SrcIp, row.DestIp].sort().join() === [parameters.addressA, parameters.addressB].sort().join()));
  });

  it('refuses what it does not evaluate with Log Analytics error answers: syntax, unknown column, unknown table, operator outside the subset', async () => {
    const refused = async (query: string): Promise<Record<string, unknown>> => {
      const error = await client.queryWorkspace(workspaceId, query, { duration: 'P1D' }).then(() => undefined, (caught: unknown) => caught as { statusCode?: number; details?: unknown });
      assert.ok(error, `${query} was answered`);
      assert.equal(error.statusCode, 400);
      return (error.details as { error: Record<string, unknown> }).error;
    };
    const syntax = await refused('NTANetAnalytics | wher SrcIp == "x"');
    assert.equal(syntax.code, 'BadArgumentError');
    assert.deepEqual([(syntax.innererror as { code: string }).code, ((syntax.innererror as { innererror: { code: string } }).innererror).code], ['SyntaxError', 'SYN0002']);
    const column = await refused('NTANetAnalytics | where SrcIP_s == "10.0.0.1"');
    assert.match(JSON.stringify(column), /SemanticError.*SEM0100.*Failed to resolve scalar expression named 'SrcIP_s'/);
    assert.match(JSON.stringify(await refused('Heartbeat | take 1')), /Failed to resolve table or column expression named 'Heartbeat'/);
    assert.match(JSON.stringify(await refused('NTANetAnalytics | join (NTANetAnalytics) on SrcIp')), /SemanticError.*'join' operator is outside the subset/);
  });

  it('returns a partial result past the row limit, and answers an unknown workspace with 404', async () => {
    const limited = await startLogAnalytics({ topology: demoTopology(), standIn, lastHour, hours: 3, limits: { rows: 5 } });
    try {
      const small = new LogsQueryClient(new TestCredential({ tenantId: demoTenantId, audience: 'https://api.loganalytics.io' }), { endpoint: `${limited.url}/v1`, tlsOptions: { ca: standIn.caPem } });
      const result = await small.queryWorkspace(workspaceId, 'NTANetAnalytics | project SrcIp', { duration: 'P1D' });
      assert.equal(result.status, LogsQueryResultStatus.PartialFailure);
      assert.equal(result.status === LogsQueryResultStatus.PartialFailure ? result.partialTables[0].rows.length : 0, 5);
      // The SDK keeps the error's code and details but not a detail's inner error (where the limit is named).
      assert.match(JSON.stringify(result.status === LogsQueryResultStatus.PartialFailure ? result.partialError : {}), /"code":"PartialError".*"code":"EngineError"/);
      assert.match(limited.queries.at(-1)?.query ?? '', /project SrcIp/);
    } finally {
      await limited.close();
    }
    const missing = await client.queryWorkspace('00000000-0000-0000-0000-000000000000', 'NTANetAnalytics | take 1', { duration: 'P1D' }).then(() => undefined, (caught: unknown) => caught as { statusCode?: number });
    assert.equal(missing?.statusCode, 404);
  });

  it('throttles with 429 and Retry-After, which the SDK retries; refuses a token for another audience', async () => {
    const before = logAnalytics.queries.length;
    logAnalytics.throttleNext(1, 1);
    const rows = await run('NTANetAnalytics | count');
    assert.ok(Number(rows[0].Count) > 0);
    assert.deepEqual(logAnalytics.queries.slice(before).map((query) => query.status), [429, 200]);
    const armToken = new LogsQueryClient(new TestCredential({ tenantId: demoTenantId }), { endpoint: `${logAnalytics.url}/v1`, tlsOptions: { ca: standIn.caPem }, retryOptions: { maxRetries: 0 } });
    const refused = await armToken.queryWorkspace(workspaceId, 'NTANetAnalytics | take 1', { duration: 'P1D' }).then(() => undefined, (caught: unknown) => caught as { statusCode?: number });
    assert.equal(refused?.statusCode, 403);
  });

  it('keeps a workspace empty while no flow log sends Traffic Analytics to it', async () => {
    const quiet = await startStandIn({ topology: demoTopology() });
    const host = await startLogAnalytics({ topology: demoTopology(), standIn: quiet, lastHour, hours: 3 });
    try {
      const other = new LogsQueryClient(new TestCredential({ tenantId: demoTenantId, audience: 'https://api.loganalytics.io' }), { endpoint: `${host.url}/v1`, tlsOptions: { ca: quiet.caPem } });
      const result = await other.queryWorkspace(workspaceId, 'NTANetAnalytics | count', { duration: 'P1D' });
      assert.equal(result.status === LogsQueryResultStatus.Success ? result.tables[0].rows[0][0] : undefined, 0);
    } finally {
      await host.close();
      await quiet.close();
    }
  });
});
