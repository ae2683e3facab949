import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinConnections } from '../../../src/flowlogs/connections';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { FlowLogView } from '../../../src/flowlogs/flowLogView';
import { aggregateRows, compileFilter, filterRows } from '../../../src/flowlogs/query';
import type { Query } from '../../../src/core/viewerProtocol';
import { generateFlowLog } from '../../fixtures/flowLogGenerator';
import type { HostToView, ViewMode } from '../../../src/core/viewerProtocol';
import { columnsByMode } from '../../../media/flowlogs/format';

const samplePath = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'samples', 'vnet-flow-logs-overview.sample.json');

function sampleView(): { view: FlowLogView; text: string } {
  const bytes = readFileSync(samplePath);
  const text = bytes.toString('utf8');
  const { table } = decodeFlowLogBytes(bytes);
  const view = new FlowLogView(table, joinConnections, async (offset) => {
    const start = text.indexOf('{', offset);
    assert.equal(start, offset, 'the reader is asked for the record offset');
    return { text: '{"records":"elided"}', tuples: table.contexts.length > 0 ? collectTuples(text) : [] };
  });
  return { view, text };
}

/** The sample's tuples in file order (it has one record). */
function collectTuples(text: string): string[] {
  return [...text.matchAll(/"(\d{13},[^"]+)"/g)].map((match) => match[1]);
}

function expect<T extends HostToView['type']>(message: HostToView | undefined, type: T): Extract<HostToView, { type: T }> {
  assert.ok(message !== undefined && message.type === type, `expected ${type}, got ${JSON.stringify(message)?.slice(0, 200)}`);
  return message as Extract<HostToView, { type: T }>;
}

describe('FlowLogView', () => {
  it('says which NIC/VM columns some row fills: none signed out or for unknown addresses, the logged end by its MAC', () => {
    const { view } = sampleView();
    assert.equal(view.ownedEnds(), undefined, 'signed out');
    view.owners = { byMac: {}, byIp: { '10.9.9.9': { nic: 'nic-elsewhere' } } };
    assert.deepEqual(view.ownedEnds(), { src: false, dst: false }, 'the inventory knows none of the addresses');
    view.owners = { byMac: { '00224871C205': { nic: 'nic-sample', vm: 'vm-sample' } }, byIp: {} };
    const ends = view.ownedEnds();
    assert.ok(ends !== undefined && (ends.src || ends.dst), 'the logged NIC by its MAC');
    view.owners = { byMac: {}, byIp: { '192.241.200.164': { nic: 'nic-remote' } } };
    assert.deepEqual(view.ownedEnds(), { src: true, dst: false }, 'a source address only');
  });

  it('answers a query, then row windows of that epoch only', () => {
    const { view } = sampleView();
    const result = expect(view.query(1, 1, { mode: 'tuples', filter: { decision: 'deny' }, sort: { column: 'dstPort', descending: false } }), 'queryResult');
    assert.equal(result.total, 9);
    assert.equal(result.aggregates.denied, 9);
    const rows = expect(view.rows(2, 1, 0, 3), 'rows');
    assert.deepEqual(rows.rows.map((row) => row.dstPort), [22, 119, 28184]);
    assert.equal(rows.total, 9);
    assert.equal(expect(view.rows(3, 1, 8, 50), 'rows').rows.length, 1, 'the window stops at the end');
    view.query(4, 2, { mode: 'tuples', filter: {} });
    assert.equal(view.rows(5, 1, 0, 3), undefined, 'a window of an older epoch is not answered');
  });

  it('answers a query asked again while the file loads as if all its rows had been there from the start', () => {
    const first = Buffer.from(generateFlowLog({ format: 'vnet', records: 40, macs: 4, seed: 3, ipv6: true }));
    // Five hours later: the traffic-over-time chart needs longer buckets once these rows arrive.
    const later = Buffer.from(generateFlowLog({ format: 'vnet', records: 40, macs: 4, seed: 4, ipv6: true, startTime: Date.UTC(2024, 2, 1, 15) }));
    const { table } = decodeFlowLogBytes(first);
    const view = new FlowLogView(table, joinConnections, undefined);
    for (const filter of [{}, { port: '443' }, { text: 'fd00', decision: 'allow' as const }, { port: 'x' }]) {
      const query: Query = { mode: 'tuples', filter };
      const before = expect(view.query(1, 1, query, { offset: 0, limit: 50 }), 'queryResult');
      const rowsBefore = table.length;
      decodeFlowLogBytes(later, { table });
      const after = expect(view.query(2, 2, query, { offset: 0, limit: 2000 }), 'queryResult');
      const compiled = compileFilter(table, filter);
      const rows = filterRows(table, compiled);
      assert.equal(after.total, rows.length, JSON.stringify(filter));
      assert.ok(after.total > before.total, `the new rows count (${JSON.stringify(filter)})`);
      assert.deepEqual(after.aggregates, aggregateRows(table, rows), `the aggregates of every row (${JSON.stringify(filter)})`);
      assert.deepEqual(after.filterProblems, compiled.problems);
      assert.deepEqual(
        after.rows?.map((row) => row.id),
        Array.from(rows.subarray(0, 2000)),
      );
      assert.ok((after.aggregates.timeline?.bucketMs ?? 0) > 60_000, 'longer buckets once the later rows arrived');
      assert.equal(before.aggregates.timeline?.bucketMs, 60_000);
      // Start again from the first rows for the next filter.
      table.length = rowsBefore;
    }
  });

  it('reports filter problems with the result instead of failing', () => {
    const { view } = sampleView();
    const result = expect(view.query(1, 1, { mode: 'tuples', filter: { port: '99999', decision: 'allow' } }), 'queryResult');
    assert.equal(result.total, 10);
    assert.deepEqual(result.filterProblems.map((problem) => problem.field), ['port']);
  });

  it('gives a row the raw tuple it was decoded from and its record', async () => {
    const { view, text } = sampleView();
    expect(view.query(1, 1, { mode: 'tuples', filter: { port: '119' } }), 'queryResult');
    const [row] = expect(view.rows(2, 1, 0, 1), 'rows').rows;
    const detail = expect(await view.detail(3, 'tuples', row.id), 'detail').detail;
    assert.deepEqual(detail.rawTuples, ['1663146005503,192.241.200.164,10.0.0.6,35276,119,6,I,D,NX,0,0,0,0']);
    assert.equal(detail.recordIndex, 0);
    assert.equal(text.indexOf('{', detail.recordOffset), detail.recordOffset);
    assert.ok(detail.fields.some((field) => field.name === 'Rule' && field.value === 'BlockHighRiskTCPPortsFromInternet'));
    assert.equal(JSON.parse(detail.rawRecord).records, 'elided', 'the record is pretty-printed JSON');
  });

  it('lists every tuple of a connection in its detail', async () => {
    const { view } = sampleView();
    expect(view.query(1, 1, { mode: 'connections', filter: { port: '22730' } }), 'queryResult');
    const [connection] = expect(view.rows(2, 1, 0, 1), 'rows').rows;
    assert.equal(connection.durationMs, 3);
    const detail = expect(await view.detail(3, 'connections', connection.id), 'detail').detail;
    assert.deepEqual(detail.rawTuples, ['1663146003637,10.0.0.6,40.74.146.17,22730,443,6,O,B,NX,0,0,0,0', '1663146003640,10.0.0.6,40.74.146.17,22730,443,6,O,E,NX,3,705,4,4569']);
    expect(await view.detail(4, 'connections', 999), 'problem');
  });

  it('formats the details of a row as the table shows its cells', async () => {
    // One connection of 12.9 minutes (B, then E 772,757 ms later), as in a user's report.
    const log = {
      records: [
        {
          time: '2026-11-23T10:45:00.0000000Z', flowLogVersion: 4, flowLogGUID: 'abcdef01-2345-6789-0abc-def012345678', macAddress: '000D3AC1D4BD',
          category: 'FlowLogFlowEvent', operationName: 'FlowLogFlowEvent',
          flowLogResourceID: '/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NW/FLOWLOGS/FL',
          targetResourceID: '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
          flowRecords: {
            flows: [
              {
                aclID: '00000000-1234-abcd-ef00-c1c2c3c4c5c6',
                flowGroups: [{ rule: 'UserRule_allow-https', flowTuples: ['1795430660734,191.108.178.123,10.0.0.4,50123,443,6,I,B,NX,0,0,0,0', '1795431433491,191.108.178.123,10.0.0.4,50123,443,6,I,E,NX,10,900,12,15000'] }],
              },
            ],
          },
        },
      ],
    };
    const { table } = decodeFlowLogBytes(new TextEncoder().encode(JSON.stringify(log)));
    const view = new FlowLogView(table, joinConnections, undefined);
    const shown = async (mode: ViewMode): Promise<{ cells: Record<string, string>; fields: Record<string, string> }> => {
      expect(view.query(1, 1, { mode, filter: {} }), 'queryResult');
      const [row] = expect(view.rows(2, 1, 0, 1), 'rows').rows;
      const detail = expect(await view.detail(3, mode, row.id), 'detail').detail;
      return {
        cells: Object.fromEntries(columnsByMode[mode].map((column) => [column.label, column.cell(row)])),
        fields: Object.fromEntries(detail.fields.map((field) => [field.name, field.value])),
      };
    };

    const tuple = await shown('tuples');
    assert.equal(tuple.fields['Time (UTC)'], '2026-11-23 10:44:20.734');
    for (const label of ['Time (UTC)', 'Direction', 'Decision', 'State', 'Rule']) {
      assert.equal(tuple.fields[label], tuple.cells[label], label);
    }
    assert.equal(tuple.fields['Direction'], 'Inbound');
    assert.equal(tuple.fields['Decision'], 'Allow');

    const connection = await shown('connections');
    for (const label of ['Start (UTC)', 'Duration', 'Direction', 'Decision']) {
      assert.equal(connection.fields[label], connection.cells[label], label);
    }
    assert.equal(connection.fields['Duration'], '12.9 min');
    assert.equal(connection.fields['Last tuple (UTC)'], '2026-11-23 10:57:13.491');
    assert.equal(connection.fields['Bytes destination → source'], '15,000');
  });
});
