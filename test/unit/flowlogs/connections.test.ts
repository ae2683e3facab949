import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionAt, joinConnections } from '../../../src/flowlogs/connections';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import type { FlowTable } from '../../../src/flowlogs/flowTable';
import { projectRoot } from '../../fixtures/projectRoot';


const samples = join(projectRoot(), 'test/fixtures/samples');

function tupleLines(name: string): string[] {
  return readFileSync(join(samples, name), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

function nsgTable(...records: string[][]): FlowTable {
  const list = records.map(
    (tuples, i) =>
      `{"time":"2024-02-26T20:1${i}:00.0000000Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"UserRule_allow-https","flows":[{"mac":"000D3AF87856","flowTuples":${JSON.stringify(tuples)}}]}]}}`,
  );
  const result = decodeFlowLogBytes(Buffer.from(`{"records":[${list.join(',')}]}`));
  // The tuples come from several documents under one record time: only their distance from it is expected.
  const problems = result.problems.filter((problem) => problem.code !== 'tuple-time');
  assert.deepEqual(problems, []);
  return result.table;
}

function vnetTable(tuples: string[]): FlowTable {
  const record = JSON.stringify({
    time: '2024-02-26T20:10:00.0000000Z',
    flowLogVersion: 4,
    macAddress: '00224871C205',
    category: 'FlowLogFlowEvent',
    flowLogResourceID: '/FL',
    flowRecords: { flows: [{ aclID: 'acl', flowGroups: [{ rule: 'R', flowTuples: tuples }] }] },
  });
  const result = decodeFlowLogBytes(Buffer.from(`{"records":[${record}]}`));
  // The tuples come from several documents under one record time: only their distance from it is expected.
  const problems = result.problems.filter((problem) => problem.code !== 'tuple-time');
  assert.deepEqual(problems, []);
  return result.table;
}

describe('connections', () => {
  it("joins the documented NSG bandwidth example into one connection of 9,125 packets and 5,256,000 bytes", () => {
    const table = nsgTable(tupleLines('nsg-flow-logs-overview.bandwidth-tuples.txt'));
    const connections = joinConnections(table);
    assert.equal(connections.length, 1);
    const connection = connectionAt(table, connections, 0);
    assert.equal((connection.packetsSrcToDst ?? 0) + (connection.packetsDstToSrc ?? 0), 9125);
    assert.equal((connection.bytesSrcToDst ?? 0) + (connection.bytesDstToSrc ?? 0), 5256000);
    assert.equal(connection.packetsSrcToDst, 1073);
    assert.equal(connection.bytesDstToSrc, 4637952);
    assert.equal(connection.finalState, 'end');
    assert.equal(connection.srcIp, '203.0.113.105');
    assert.equal(connection.dstPort, 443);
    assert.deepEqual(connection.tupleRows, [0, 1, 2]);
    assert.equal(connection.rule, 'UserRule_allow-https');
  });

  it('keeps the documented VNet bandwidth totals, although its published B is stamped after its C and E', () => {
    // As published, the B tuple's time (1493763938) is 19 hours after the C and E of the same
    // flow, so ordering by time puts it after the E: it becomes a new connection without counters.
    const table = vnetTable(tupleLines('vnet-flow-logs-overview.bandwidth-tuples.txt'));
    const connections = joinConnections(table);
    assert.equal(connections.length, 2);
    const joined = connectionAt(table, connections, 0);
    assert.deepEqual(joined.tupleRows, [1, 2]);
    assert.equal((joined.packetsSrcToDst ?? 0) + (joined.packetsDstToSrc ?? 0), 9125);
    assert.equal((joined.bytesSrcToDst ?? 0) + (joined.bytesDstToSrc ?? 0), 5256000);
    assert.equal(joined.finalState, 'end');
    const late = connectionAt(table, connections, 1);
    assert.equal(late.finalState, 'begin');
    assert.equal(late.packetsSrcToDst, undefined);
  });

  it('orders B before E at the same timestamp even when E is listed first', () => {
    const table = vnetTable(['1663146004251,10.0.0.6,40.74.146.17,22732,443,6,O,E,NX,3,705,4,4569', '1663146004251,10.0.0.6,40.74.146.17,22732,443,6,O,B,NX,0,0,0,0']);
    const connections = joinConnections(table);
    assert.equal(connections.length, 1);
    const connection = connectionAt(table, connections, 0);
    assert.deepEqual(connection.tupleRows, [1, 0]);
    assert.equal(connection.finalState, 'end');
    assert.equal(connection.durationMs, 0);
    assert.equal(connection.bytesDstToSrc, 4569);
  });

  it('starts a new connection for a B after an E of the same 5-tuple, and measures duration', () => {
    const flow = '10.0.0.6,40.74.146.17,22732,443,6,O';
    const table = vnetTable([`1663146000000,${flow},B,NX,0,0,0,0`, `1663146300000,${flow},C,NX,10,1000,10,2000`, `1663146360000,${flow},E,NX,1,100,1,200`, `1663146400000,${flow},B,NX,0,0,0,0`]);
    const connections = joinConnections(table);
    assert.equal(connections.length, 2);
    const first = connectionAt(table, connections, 0);
    assert.equal(first.durationMs, 360000);
    assert.equal(first.packetsSrcToDst, 11);
    assert.equal(first.bytesDstToSrc, 2200);
    const second = connectionAt(table, connections, 1);
    assert.equal(second.finalState, 'begin');
    assert.equal(second.packetsSrcToDst, 0);
  });

  it('keeps counters absent when no tuple carried them', () => {
    const table = nsgTable(['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    const connection = connectionAt(table, joinConnections(table), 0);
    assert.equal(connection.packetsSrcToDst, undefined);
    assert.equal(connection.bytesDstToSrc, undefined);
  });

  it('makes each denied tuple its own connection unless it repeats within a record', () => {
    const denied = '203.0.113.10,10.5.16.4,56509,3389,T,I,D,B,,,,';
    const table = nsgTable([`1542110424,${denied}`, `1542110430,${denied}`, '1542110431,203.0.113.11,10.5.16.4,56509,3389,T,I,D,B,,,,'], [`1542110490,${denied}`]);
    const connections = joinConnections(table);
    assert.equal(connections.length, 3);
    const counts = Array.from(connections.tupleCount);
    assert.deepEqual(counts, [2, 1, 1]);
    assert.equal(connectionAt(table, connections, 0).decision, 'deny');
  });

  it('keeps flows of different NICs apart', () => {
    const record = (mac: string) =>
      `{"time":"t","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"${mac}","flowTuples":["1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,C,1,2,3,4"]}]}]}}`;
    const table = decodeFlowLogBytes(Buffer.from(`{"records":[${record('000D3A000001')},${record('000D3A000002')}]}`)).table;
    assert.equal(joinConnections(table).length, 2);
  });

  it('stops with an AbortError when cancelled', () => {
    const table = nsgTable(['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    const controller = new AbortController();
    controller.abort();
    assert.throws(() => joinConnections(table, controller.signal), (error: Error) => error.name === 'AbortError');
  });
});
