import assert from 'node:assert/strict';
import { graphQuota } from '../../standin/routes/resourceGraph';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, partnerTenantId, prodSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest, type RawResponse } from './standInHarness';

const path = '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';
const nicQuery = "Resources | where type =~ 'Microsoft.Network/networkInterfaces' | order by id asc | project id, name, type, location, resourceGroup, subscriptionId, properties";
const prodNics = ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02'];

function query(standIn: StandIn, body: Record<string, unknown>, tenantId = demoTenantId): Promise<RawResponse> {
  return rawRequest(standIn, 'POST', path, { tenantId, body: { subscriptions: [prodSubscriptionId], ...body } });
}

function rows(response: RawResponse): Record<string, unknown>[] {
  return response.body.data as Record<string, unknown>[];
}

describe('ARM stand-in: Azure Resource Graph queries', function () {
  this.timeout(20_000);
  let standIn: StandIn;

  beforeEach(async () => {
    // A stand-in per test: the query quota counts per user and window.
    standIn = await startStandIn({ topology: demoTopology() });
  });

  afterEach(async () => {
    await standIn?.close();
  });

  it('pages as the First page and Random page examples show: totalRecords, count, $skipToken, $skip', async () => {
    const first = await query(standIn, { query: nicQuery, options: { $top: 2, $skip: 0 } });
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.body).sort(), ['$skipToken', 'count', 'data', 'facets', 'resultTruncated', 'totalRecords']);
    assert.deepEqual([first.body.totalRecords, first.body.count, first.body.resultTruncated], [8, 2, 'false']);
    assert.deepEqual(rows(first).map((row) => row.name), prodNics.slice(0, 2));
    // Only the projected columns; types in lower case, as Resource Graph stores them.
    assert.deepEqual(Object.keys(rows(first)[0]), ['id', 'name', 'type', 'location', 'resourceGroup', 'subscriptionId', 'properties']);
    assert.equal(rows(first)[0].type, 'microsoft.network/networkinterfaces');
    assert.equal(rows(first)[0].resourceGroup, 'rg-prod-app');
    const ipConfigurations = (rows(first)[0].properties as { ipConfigurations: { properties: { privateIPAddress: string } }[] }).ipConfigurations;
    assert.match(ipConfigurations[0].properties.privateIPAddress, /^10\.1\./);

    const next = await query(standIn, { query: nicQuery, options: { $top: 2, $skipToken: first.body.$skipToken } });
    assert.deepEqual(rows(next).map((row) => row.name), prodNics.slice(2, 4));
    const last = await query(standIn, { query: nicQuery, options: { $top: 2, $skip: 7 } });
    assert.deepEqual([rows(last).map((row) => row.name), last.body.count, '$skipToken' in last.body], [['nic-web-02'], 1, false]);
  });

  it('answers the table format, and leaves out subscriptions of another tenant', async () => {
    const table = await query(standIn, { query: "Resources | where type =~ 'microsoft.network/networkinterfaces' | order by name desc | project name, tags | limit 2", options: { resultFormat: 'table' } });
    const data = table.body.data as { columns: { name: string; type: string }[]; rows: unknown[][] };
    assert.deepEqual(data.columns, [{ name: 'name', type: 'string' }, { name: 'tags', type: 'object' }]);
    assert.deepEqual(data.rows.map((row) => row[0]), ['nic-web-02', 'nic-web-01']);
    assert.equal(table.body.totalRecords, 2);
    const foreign = await query(standIn, { query: nicQuery }, partnerTenantId);
    assert.deepEqual([foreign.status, foreign.body.totalRecords], [200, 0]);
    // `==` compares exactly: the stored type is lower case.
    const exact = await query(standIn, { query: "Resources | where type == 'Microsoft.Network/networkInterfaces'" });
    assert.equal(exact.body.totalRecords, 0);
  });

  it("refuses what it cannot answer with Resource Graph's InvalidQuery error, naming the part", async () => {
    const unknown = await query(standIn, { query: "Resources | where type =~ 'microsoft.network/networkinterfaces' | summarize count() by location" });
    assert.equal(unknown.status, 400);
    assert.equal(errorCode(unknown), 'BadRequest');
    const details = (unknown.body.error as { details: { code: string; message: string }[] }).details;
    assert.deepEqual(details.map((detail) => detail.code), ['InvalidQuery', 'ParserFailure']);
    assert.match(details[1].message, /summarize count\(\) by location/);
    const tooMany = await query(standIn, { query: nicQuery, options: { $top: 1001 } });
    assert.match((tooMany.body.error as { details: { message: string }[] }).details[1].message, /'options\.\$top' is 1001; the maximum is 1000/);
    const badColumn = await query(standIn, { query: "Resources | where type =~ 'x' | project id, colour" });
    assert.match((badColumn.body.error as { details: { message: string }[] }).details[1].message, /'colour'/);
  });

  it('counts queries against the per-user quota and answers 429 RateLimiting when it is used up', async () => {
    const remaining: string[] = [];
    for (let index = 0; index < graphQuota.queries; index++) {
      const answer = await query(standIn, { query: nicQuery, options: { $top: 1 } });
      assert.equal(answer.status, 200);
      remaining.push(String(answer.headers['x-ms-user-quota-remaining']));
      assert.match(String(answer.headers['x-ms-user-quota-resets-after']), /^00:00:0[0-5]$/);
    }
    assert.deepEqual(remaining.slice(0, 3), ['14', '13', '12']);
    assert.equal(remaining.at(-1), '0');
    const refused = await query(standIn, { query: nicQuery, options: { $top: 1 } });
    assert.deepEqual([refused.status, errorCode(refused), refused.headers['x-ms-user-quota-remaining']], [429, 'RateLimiting', '0']);
  });
});
