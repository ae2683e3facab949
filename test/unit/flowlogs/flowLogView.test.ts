import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinConnections } from '../../../src/flowlogs/connections';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { FlowLogView } from '../../../src/flowlogs/flowLogView';
import type { HostToView } from '../../../src/webview/protocol';

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
});
