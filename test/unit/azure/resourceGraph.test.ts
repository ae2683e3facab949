import assert from 'node:assert/strict';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ArmNetworkApi, nicGraphQuery } from '../../../src/azure/armNetworkApi';
import type { NicRef, SubscriptionRef } from '../../../src/azure/networkApi';
import { GraphUnavailable, graphRows } from '../../../src/azure/resourceGraph';
import { nicIpConfigurations, nicTapConfigurations, nicVirtualMachineArmId } from '../../../src/azure/tapReads';
import { TestCredential } from '../../standin/credential';
import { apiFor as demoApiFor } from './demoApi';
import { graphAnswerLimit, graphQuota } from '../../standin/routes/resourceGraph';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, prodSubscriptionId } from '../../standin/topologies/demo';

const nicPages = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces';
const graphQueries = 'POST /providers/Microsoft.ResourceGraph/resources';

function apiFor(standIn: StandIn, useResourceGraph: boolean, notes: string[]): ArmNetworkApi {
  return demoApiFor(standIn, { useResourceGraph: () => useResourceGraph, onNote: (message) => notes.push(message) });
}

/** What the tree shows of a NIC: everything but the raw properties behind "View Properties". */
function shown(nics: NicRef[]): Omit<NicRef, 'properties'>[] {
  return nics.map(({ properties: _properties, ...rest }) => rest);
}

describe("A subscription's NICs through Azure Resource Graph", function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let prod: SubscriptionRef;

  beforeEach(async () => {
    // Two NICs per Resource Manager page: prod's five take three pages.
    standIn = await startStandIn({ topology: demoTopology(), pageSize: 2 });
    prod = (await apiFor(standIn, true, []).listSubscriptions()).find((subscription) => subscription.subscriptionId === prodSubscriptionId)!;
  });

  afterEach(async () => {
    await standIn?.close();
  });

  async function listed(useResourceGraph: boolean): Promise<{ nics: NicRef[]; notes: string[]; pages: number; queries: number }> {
    const notes: string[] = [];
    standIn.requests.reset();
    const nics = await apiFor(standIn, useResourceGraph, notes).listNics(prod);
    const byRoute = standIn.requests.byRoute();
    return { nics, notes, pages: byRoute[nicPages] ?? 0, queries: byRoute[graphQueries] ?? 0 };
  }

  it("shows the same NICs as Resource Manager's pages, after one page and one query", async () => {
    const graph = await listed(true);
    const pages = await listed(false);
    assert.deepEqual(shown(graph.nics), shown(pages.nics));
    assert.deepEqual(graph.nics.map((nic) => nic.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
    assert.deepEqual([graph.pages, graph.queries], [1, 1]);
    assert.deepEqual([pages.pages, pages.queries], [4, 0]);
    assert.match(graph.notes.join('\n'), /Listed the 8 NICs of Contoso Workload Prod through Azure Resource Graph/);
    assert.deepEqual(pages.notes, []);
    // The first page's two NICs come from Resource Manager; the other six from Resource Graph
    // (type in lower case), flattened as the SDK flattens them, so the TAP wizard reads the same
    // IP and tap configurations from either.
    const fromGraph = graph.nics.filter((nic) => (nic.properties as { type?: string }).type === 'microsoft.network/networkinterfaces');
    assert.equal(fromGraph.length, 6);
    for (const nic of fromGraph) {
      const same = pages.nics.find((candidate) => candidate.id === nic.id)!;
      assert.deepEqual(nicIpConfigurations(nic), nicIpConfigurations(same), nic.name);
      assert.deepEqual(nicTapConfigurations(nic), nicTapConfigurations(same), nic.name);
      assert.equal(nicVirtualMachineArmId(nic), nicVirtualMachineArmId(same), nic.name);
    }
    assert.ok(fromGraph.some((nic) => nicIpConfigurations(nic).length > 0));
  });

  it('lists from Resource Manager alone right after this extension changed the subscription', async () => {
    const notes: string[] = [];
    const api = apiFor(standIn, true, notes);
    api.noteChanged(prod);
    standIn.requests.reset();
    assert.equal((await api.listNics(prod)).length, 8);
    assert.deepEqual([standIn.requests.byRoute()[nicPages], standIn.requests.byRoute()[graphQueries] ?? 0], [4, 0]);
    assert.match(notes.join('\n'), /page by page from Resource Manager: changes made 0 s ago may not be in Resource Graph yet/);
  });

  it('asks Resource Graph nothing when the NICs fit in one page', async () => {
    await standIn.close();
    standIn = await startStandIn({ topology: demoTopology() });
    const one = await listed(true);
    assert.deepEqual([one.nics.length, one.pages, one.queries, one.notes.length], [8, 1, 0, 0]);
  });

  it("falls back to Resource Manager's pages when Resource Graph refuses, and says why", async () => {
    standIn.faults.forbid({ match: 'Microsoft.ResourceGraph' });
    const refused = await listed(true);
    assert.deepEqual(refused.nics.map((nic) => nic.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
    assert.deepEqual([refused.pages, refused.queries], [4, 1]);
    assert.match(refused.notes.join('\n'), /page by page from Resource Manager instead of Resource Graph\. Resource Graph refused the query: 403 AuthorizationFailed/);
  });

  const graphClient = (): ResourceGraphClient => new ResourceGraphClient(new TestCredential({ tenantId: demoTenantId }), { endpoint: standIn.url, tlsOptions: { ca: standIn.caPem } });

  it('reads Resource Graph pages side by side by $skip', async () => {
    standIn.requests.reset();
    const rows = await graphRows(graphClient(), prodSubscriptionId, nicGraphQuery, { pageSize: 2 });
    assert.deepEqual(rows.map((row) => row.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
    assert.equal(standIn.requests.byRoute()[graphQueries], 4);
  });

  it('asks again for the rows of a page that Resource Graph answered only in part', async () => {
    // Answers capped to one row each: every page is asked again for the rows it did not get.
    const saved = graphAnswerLimit.bytes;
    graphAnswerLimit.bytes = 1;
    try {
      standIn.requests.reset();
      const rows = await graphRows(graphClient(), prodSubscriptionId, nicGraphQuery, { pageSize: 2 });
      assert.deepEqual(rows.map((row) => row.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
      assert.equal(standIn.requests.byRoute()[graphQueries], 8, 'one query per row');
    } finally {
      graphAnswerLimit.bytes = saved;
    }
  });

  it('waits for the query quota to reset when the pages need more queries than it has left', async () => {
    const saved = { ...graphQuota };
    Object.assign(graphQuota, { queries: 5, windowMs: 1_000 });
    try {
      standIn.requests.reset();
      const started = Date.now();
      // Eight queries of one row against five a second: the last three wait for the next window.
      const rows = await graphRows(graphClient(), prodSubscriptionId, nicGraphQuery, { pageSize: 1 });
      assert.deepEqual(rows.map((row) => row.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
      assert.equal(standIn.requests.byRoute()[graphQueries], 8, 'no query was refused and asked again');
      assert.ok(Date.now() - started >= 900, `waited for the reset (${Date.now() - started} ms)`);
    } finally {
      Object.assign(graphQuota, saved);
    }
  });

  it('gives up when the quota resets too late, for the caller to list another way', async () => {
    const saved = { ...graphQuota };
    Object.assign(graphQuota, { queries: 2, windowMs: 60_000 });
    try {
      await assert.rejects(graphRows(graphClient(), prodSubscriptionId, nicGraphQuery, { pageSize: 2 }), (error: unknown) => {
        assert.ok(error instanceof GraphUnavailable);
        assert.match(error.message, /query quota is used up for 6\d s more/);
        return true;
      });
    } finally {
      Object.assign(graphQuota, saved);
    }
  });
});
