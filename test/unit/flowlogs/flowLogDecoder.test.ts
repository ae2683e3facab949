import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFlowLogBytes, decodeFlowLogFile, describeProblem, readRecordAt, type DecodeResult } from '../../../src/flowlogs/flowLogDecoder';
import { FlowTable, type FlowRow } from '../../../src/flowlogs/flowTable';
import { generateFlowLog, writeFlowLogFile } from '../../fixtures/flowLogGenerator';
import { projectRoot } from '../../fixtures/projectRoot';


const samples = join(projectRoot(), 'test/fixtures/samples');
const sample = (name: string): Buffer => readFileSync(join(samples, name));
const decodeText = (text: string): DecodeResult => decodeFlowLogBytes(Buffer.from(text, 'utf8'));
const rows = (result: DecodeResult): FlowRow[] => Array.from({ length: result.table.length }, (_, i) => result.table.rowAt(i));
const errors = (result: DecodeResult) => result.problems.filter((problem) => problem.severity === 'error');

const nsgHeader = (version: number) =>
  `"time":"2018-11-13T12:00:35.3899262Z","systemId":"66aa66aa-bb77-cc88-dd99-00ee00ee00ee","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG","operationName":"NetworkSecurityGroupFlowEvents","properties":{"Version":${version}`;

/** One NSG record with one rule and MAC around the given tuples. */
function nsgRecord(version: number, tuples: string[], rule = 'DefaultRule_AllowInternetOutBound', mac = '000D3AF87856'): string {
  return `{${nsgHeader(version)},"flows":[{"rule":${JSON.stringify(rule)},"flows":[{"mac":"${mac}","flowTuples":${JSON.stringify(tuples)}}]}]}}`;
}

function vnetRecord(tuples: string[], mac = '00224871C205'): string {
  return JSON.stringify({
    time: '2022-09-14T09:00:52.5625085Z',
    flowLogVersion: 4,
    macAddress: mac,
    category: 'FlowLogFlowEvent',
    flowLogResourceID: '/SUBSCRIPTIONS/X/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NW/FLOWLOGS/FL',
    targetResourceID: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
    operationName: 'FlowLogFlowEvent',
    flowRecords: { flows: [{ aclID: 'acl-1', flowGroups: [{ rule: 'DefaultRule_AllowInternetOutBound', flowTuples: tuples }] }] },
  });
}

const blob = (...records: string[]) => `{"records":[${records.join(',')}]}`;

describe('flowLogDecoder', () => {
  describe("Microsoft's samples", () => {
    it('decodes the NSG v2 sample: 2 records, 11 tuples, B counters absent, C/E counters present', () => {
      const result = decodeFlowLogBytes(sample('nsg-flow-logs-overview.v2-sample.json'));
      assert.equal(result.records, 2);
      assert.equal(result.tuples, 11);
      assert.equal(result.rejectedTuples, 0);
      assert.deepEqual(result.formats, ['NSG flow log v2']);
      assert.deepEqual(errors(result), []);
      const all = rows(result);
      const first = all[0];
      assert.equal(new Date(first.time).toISOString(), '2018-11-13T12:00:02.000Z');
      assert.equal(first.srcIp, '192.0.2.190');
      assert.equal(first.dstPort, 443);
      assert.equal(first.protocol, 17);
      assert.equal(first.direction, 'inbound');
      assert.equal(first.decision, 'deny');
      assert.equal(first.state, 'begin');
      assert.equal(first.packetsSrcToDst, undefined);
      assert.equal(first.bytesDstToSrc, undefined);
      assert.equal(first.context.rule, 'DefaultRule_DenyAllInBound');
      assert.equal(first.context.mac, '000D3AF87856');
      assert.equal(first.context.version, 2);
      assert.equal(first.context.recordTime, '2018-11-13T12:00:35.3899262Z');
      const continuing = all.find((row) => row.state === 'continuing');
      assert.ok(continuing);
      assert.equal(continuing.protocol, 6);
      assert.equal(continuing.direction, 'outbound');
      assert.deepEqual([continuing.packetsSrcToDst, continuing.bytesSrcToDst, continuing.packetsDstToSrc, continuing.bytesDstToSrc], [30, 16978, 24, 14008]);
      assert.equal(all[10].context.recordIndex, 1);
    });

    it('decodes the VNet sample: 19 tuples, millisecond times, IANA protocol, D state means denied, zero counters stay 0', () => {
      const result = decodeFlowLogBytes(sample('vnet-flow-logs-overview.sample.json'));
      assert.equal(result.records, 1);
      assert.equal(result.tuples, 19);
      assert.deepEqual(result.formats, ['VNet flow log v4']);
      const all = rows(result);
      assert.equal(new Date(all[0].time).toISOString(), '2022-09-14T09:00:03.599Z');
      assert.equal(all[0].protocol, 6);
      assert.equal(all[0].state, 'begin');
      assert.equal(all[0].encryption, 'NX');
      assert.equal(all[0].packetsSrcToDst, 0);
      assert.equal(all[0].context.targetResourceId, '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Network/virtualNetworks/myVNet');
      assert.equal(all[0].context.aclId, '00000000-1234-abcd-ef00-c1c2c3c4c5c6');
      const denied = all.filter((row) => row.decision === 'deny');
      assert.equal(denied.length, 9);
      assert.ok(denied.every((row) => row.state === 'deny'));
    });

    it('decodes the nested v1 sample as 12 tuples from 3 distinct records and says what it skipped', () => {
      const result = decodeFlowLogBytes(sample('nsg-flow-logs-overview.v1-sample.json'));
      assert.equal(result.tuples, 12);
      assert.equal(result.records, 3);
      assert.deepEqual(result.formats, ['NSG flow log v1']);
      assert.deepEqual(errors(result), []);
      const codes = result.problems.map((problem) => problem.code);
      assert.ok(codes.includes('nested-records'));
      const duplicate = result.problems.find((problem) => problem.code === 'duplicate-records');
      assert.ok(duplicate);
      assert.match(duplicate.message, /skipped 2 records/);
      const all = rows(result);
      assert.equal(all[0].state, undefined);
      assert.equal(all[0].packetsSrcToDst, undefined);
      assert.deepEqual(
        [...new Set(all.map((row) => row.context.recordTime))],
        ['2017-02-16T22:00:32.8950000Z', '2017-02-16T22:01:32.8960000Z', '2017-02-16T22:02:32.9040000Z'],
      );
      assert.deepEqual([...new Set(all.map((row) => row.context.recordIndex))], [0, 1, 2]);
    });

    it('decodes the appended NSG v1 block with empty rule groups', () => {
      const result = decodeFlowLogBytes(sample('flow-logs-read.nsg-v1-block.json'));
      assert.equal(result.tuples, 40);
      assert.deepEqual(errors(result), []);
      assert.deepEqual([...new Set(rows(result).map((row) => row.context.rule))], ['DefaultRule_AllowInternetOutBound', 'UserRule_web-rule']);
    });

    it('decodes a bare VNet record block with GUID-suffixed rules', () => {
      const result = decodeFlowLogBytes(sample('flow-logs-read.vnet-block-record.json'));
      assert.equal(result.records, 1);
      assert.equal(result.tuples, 10);
      assert.equal(result.truncatedAt, undefined);
      assert.equal(rows(result)[0].context.rule, 'BlockHighRiskTCPPortsFromInternet_456b4993-6e57-4e46-aa4d-81767afff09c');
    });

    it("keeps each record's systemId (NSG), flowLogGUID (VNet) and operationName for every tuple", () => {
      const expected = [
        ['nsg-flow-logs-overview.v1-sample.json', 'NetworkSecurityGroupFlowEvents', { systemId: '55ff55ff-aa66-bb77-cc88-99dd99dd99dd' }],
        ['nsg-flow-logs-overview.v2-sample.json', 'NetworkSecurityGroupFlowEvents', { systemId: '66aa66aa-bb77-cc88-dd99-00ee00ee00ee' }],
        ['flow-logs-read.nsg-v1-block.json', 'NetworkSecurityGroupFlowEvents', { systemId: '5f4d02d3-a7d0-4ed4-9ce8-c0ae9377951c' }],
        ['vnet-flow-logs-overview.sample.json', 'FlowLogFlowEvent', { flowLogGuid: 'abcdef01-2345-6789-0abc-def012345678' }],
        ['flow-logs-read.vnet-block-record.json', 'FlowLogFlowEvent', { flowLogGuid: 'c4de7bdb-291a-4315-84c2-ba1ecd0296dd' }],
      ] as const;
      for (const [name, operationName, guid] of expected) {
        const all = rows(decodeFlowLogBytes(sample(name)));
        assert.ok(all.length > 0, name);
        for (const row of all) {
          const { context } = row;
          assert.deepEqual(
            { operationName: context.operationName, systemId: context.systemId, flowLogGuid: context.flowLogGuid },
            { operationName, systemId: undefined, flowLogGuid: undefined, ...guid },
            `${name}, tuple ${row.tupleIndex}`,
          );
        }
      }
    });
  });

  describe('framing quirks', () => {
    const record = nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);

    it('skips a UTF-8 BOM', () => {
      const result = decodeFlowLogBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(blob(record))]));
      assert.equal(result.tuples, 1);
      assert.equal(result.problemCount, 0);
    });

    it('reads an appended block that starts with a comma', () => {
      const result = decodeText(`,${record}`);
      assert.equal(result.tuples, 1);
      assert.equal(result.problemCount, 0);
    });

    it('reads several appended blocks in a row', () => {
      const second = nsgRecord(2, ['1542110437,10.5.16.4,203.0.113.7,1000,443,T,O,A,B,,,,']);
      const result = decodeText(`${record}\n,${second}`);
      assert.equal(result.records, 2);
      assert.equal(result.tuples, 2);
    });

    it('reads keys in any order (alphabetical, flowTuples before rule)', () => {
      const sorted = JSON.stringify({
        category: 'FlowLogFlowEvent',
        flowLogResourceID: '/FL',
        flowLogVersion: 4,
        flowRecords: { flows: [{ aclID: 'acl', flowGroups: [{ flowTuples: ['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0'], rule: 'R1' }] }] },
        macAddress: '0022487bC205',
        time: '2022-09-14T09:00:52.5625085Z',
      });
      const result = decodeText(blob(sorted));
      assert.equal(result.tuples, 1);
      const row = rows(result)[0];
      assert.equal(row.context.rule, 'R1');
      assert.equal(row.context.mac, '0022487BC205');
      assert.equal(row.context.version, 4);
      assert.equal(row.context.recordTime, '2022-09-14T09:00:52.5625085Z');
    });

    it('reads properties.flows before properties.Version', () => {
      const text = `{"records":[{"category":"NetworkSecurityGroupFlowEvent","properties":{"flows":[{"flows":[{"flowTuples":["1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,C,1,2,3,4"],"mac":"aa"}],"rule":"R"}],"Version":2},"time":"t"}]}`;
      const result = decodeText(text);
      assert.deepEqual(errors(result), []);
      assert.equal(rows(result)[0].bytesDstToSrc, 4);
      assert.equal(rows(result)[0].context.mac, 'AA');
    });

    it('honours JSON escapes in keys, names and tuples', () => {
      const text = `{"records":[{"ti\\u006de":"2018","category":"NetworkSecurityGroupFlowEvent","properties":{"Version":2,"flows":[{"rule":"Rule \\"quoted\\" \\\\ back","flows":[{"mac":"AA","flowTuples":["1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,E\\u002c1,2,3,4"]}]}]}}]}`;
      const result = decodeText(text);
      assert.deepEqual(errors(result), []);
      const row = rows(result)[0];
      assert.equal(row.context.rule, 'Rule "quoted" \\ back');
      assert.equal(row.context.recordTime, '2018');
      assert.equal(row.state, 'end');
      assert.equal(row.packetsSrcToDst, 1);
    });

    it('turns 10-digit seconds and 13-digit milliseconds into exact UTC epoch ms', () => {
      const result = decodeText(
        blob(vnetRecord(['1493763938,185.170.185.105,10.2.0.4,35370,23,6,I,B,NX,,,,', '1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,C,NX,1,2,3,4'])),
      );
      const [seconds, milliseconds] = rows(result);
      assert.equal(seconds.time, 1493763938000);
      assert.equal(new Date(seconds.time).toISOString(), '2017-05-02T22:25:38.000Z');
      assert.equal(milliseconds.time, 1663146003599);
      assert.equal(seconds.packetsSrcToDst, undefined);
    });

    it('keeps IPv6 addresses whole (colons are not separators)', () => {
      const result = decodeText(blob(vnetRecord(['1663146003599,2001:db8::1,fd00:db8::4,443,51000,6,I,B,NX,0,0,0,0', '1663146003600,::ffff:10.0.0.1,2001:0db8:0000:0000:0000:ff00:0042:8329,1,2,17,O,E,X,1,2,3,4'])));
      assert.deepEqual(errors(result), []);
      const [a, b] = rows(result);
      assert.equal(a.srcIp, '2001:db8::1');
      assert.equal(a.dstIp, 'fd00:db8::4');
      assert.equal(a.srcPort, 443);
      assert.equal(b.srcIp, '::ffff:10.0.0.1');
      assert.equal(b.protocol, 17);
      assert.equal(b.encryption, 'X');
    });

    it('reads the version per record when one file mixes NSG v1, NSG v2 and VNet records', () => {
      const result = decodeText(
        blob(
          nsgRecord(1, ['1487282421,192.0.2.95,10.1.0.4,51529,5358,T,I,D']),
          nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']),
          vnetRecord(['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0']),
        ),
      );
      assert.deepEqual(result.formats, ['NSG flow log v1', 'NSG flow log v2', 'VNet flow log v4']);
      assert.deepEqual(
        rows(result).map((row) => [row.context.format, row.context.version]),
        [
          ['nsg', 1],
          ['nsg', 2],
          ['vnet', 4],
        ],
      );
    });

    it('accepts a trailing empty field (14 fields) without a problem', () => {
      const result = decodeText(blob(nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,E,1,66,1,66,'])));
      assert.equal(result.tuples, 1);
      assert.equal(result.problemCount, 0);
      assert.equal(rows(result)[0].bytesDstToSrc, 66);
    });

    it('upper-cases mixed-case MAC addresses', () => {
      const result = decodeText(blob(vnetRecord(['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0'], '0022487bC205')));
      assert.equal(rows(result)[0].context.mac, '0022487BC205');
    });

    it('records where each record starts, for the detail view', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'decoder-'));
      try {
        const path = join(folder, 'PT1H.json');
        const first = nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
        const second = nsgRecord(2, ['1542110437,10.5.16.4,203.0.113.7,1000,443,T,O,A,B,,,,', '1542110438,10.5.16.4,203.0.113.8,1001,443,T,O,A,B,,,,']);
        writeFileSync(path, blob(first, second));
        const result = await decodeFlowLogFile(path);
        const row = result.table.rowAt(2);
        assert.equal(row.context.recordOffset, 12 + first.length + 1);
        const record = await readRecordAt(path, row.context.recordOffset);
        assert.equal(record.text, second);
        assert.equal(record.tuples[row.tupleIndex], '1542110438,10.5.16.4,203.0.113.8,1001,443,T,O,A,B,,,,');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });

  describe('bad input', () => {
    it('rejects a tuple with the wrong field count, naming byte, record and tuple, and keeps the rest', () => {
      const good = '1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,';
      const bad = '1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B';
      const text = blob(nsgRecord(2, [good]), nsgRecord(2, [good, good, bad, good]));
      const result = decodeText(text);
      assert.equal(result.tuples, 4);
      assert.equal(result.rejectedTuples, 1);
      const [problem] = errors(result);
      assert.equal(problem.code, 'bad-tuple');
      assert.equal(problem.recordIndex, 1);
      assert.equal(problem.tupleIndex, 2);
      assert.equal(problem.tuple, bad);
      assert.equal(problem.offset, Buffer.from(text).indexOf(`"${bad}"`) + 1);
      assert.equal(describeProblem(problem), `byte ${problem.offset}, record 1, tuple 2: expected 13 fields for NSG flow log v2, found 9: "${bad}"`);
      assert.deepEqual(
        rows(result).map((row) => row.tupleIndex),
        [0, 0, 1, 3],
      );
    });

    it('explains each kind of bad field', () => {
      const cases: [string, RegExp][] = [
        ['154211037,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,', /timestamp "154211037" is not Unix epoch seconds/],
        ['1542110377,10.5.16.400,203.0.113.118,59831,443,T,O,A,B,,,,', /source address "10.5.16.400"/],
        ['1542110377,10.5.16.4,host,59831,443,T,O,A,B,,,,', /destination address "host"/],
        ['1542110377,10.5.16.4,203.0.113.118,65536,443,T,O,A,B,,,,', /source port "65536"/],
        ['1542110377,10.5.16.4,203.0.113.118,59831,443,X,O,A,B,,,,', /protocol "X"/],
        ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,Q,A,B,,,,', /direction "Q"/],
        ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,Z,B,,,,', /decision "Z"/],
        ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,Q,,,,', /flow state "Q"/],
        ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,C,1,x,3,4', /bytes source→destination "x" is not a whole number/],
      ];
      for (const [tuple, message] of cases) {
        const result = decodeText(blob(nsgRecord(2, [tuple])));
        assert.equal(result.rejectedTuples, 1, tuple);
        assert.match(result.problems[0].message, message);
      }
    });

    it('reports malformed JSON in one record and decodes the others', () => {
      const good = nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
      const broken = good.replace('"flows":[{"mac"', '"flows":[{"mac" 12');
      const result = decodeText(blob(good, broken, good.replace('59831', '59832')));
      assert.equal(result.tuples, 2);
      assert.equal(result.records, 2);
      const [problem] = errors(result);
      assert.equal(problem.code, 'json');
      assert.equal(problem.recordIndex, 1);
      assert.match(problem.message, /expected ':' after "mac"/);
    });

    it('reports an unknown record', () => {
      const result = decodeText(blob('{"time":"t","category":"SomethingElse","properties":{}}', nsgRecord(1, ['1487282421,192.0.2.95,10.1.0.4,51529,5358,T,I,D'])));
      assert.equal(result.tuples, 1);
      const [problem] = errors(result);
      assert.equal(problem.code, 'unknown-record');
      assert.match(problem.message, /category "SomethingElse"/);
    });

    it('reports a truncated blob, decodes up to the cut and says where it was cut', () => {
      const text = blob(nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']), nsgRecord(2, ['1542110437,10.5.16.4,203.0.113.7,1000,443,T,O,A,B,,,,']));
      const cut = text.length - 40;
      const result = decodeText(text.slice(0, cut));
      assert.equal(result.tuples, 1);
      assert.equal(result.truncatedAt, cut);
      const warning = result.problems.find((problem) => problem.code === 'truncated');
      assert.ok(warning);
      assert.equal(warning.recordIndex, 1);
      assert.match(warning.message, new RegExp(`ends at byte ${cut} inside record 1`));
    });

    it('never throws when a blob is cut at any offset, and always reports the cut', () => {
      const text = generateFlowLog({ format: 'nsg2', records: 3, flowsPerRecord: 3, seed: 7 });
      const whole = decodeText(text);
      for (let cut = 0; cut < text.length; cut += 7) {
        const result = decodeText(text.slice(0, cut));
        assert.ok(result.tuples <= whole.tuples);
        if (cut > 0) {
          assert.equal(result.truncatedAt, cut, `cut at ${cut}`);
        }
      }
    });

    it('reports garbage instead of throwing', () => {
      for (const garbage of ['hello world', '\u0000\u0001\u0002', '[1,2,3]', '{"records":5}', '{"records":[1,"x",null]}', '}}}]]]', '{"a":', '"just a string"']) {
        const result = decodeText(garbage);
        assert.equal(result.tuples, 0, garbage);
        assert.ok(result.problemCount > 0, garbage);
      }
    });

    it('caps the kept problems but counts them all', () => {
      const bad = Array.from({ length: 50 }, () => 'nonsense');
      const result = decodeFlowLogBytes(Buffer.from(blob(nsgRecord(2, bad))), { maxProblems: 5 });
      assert.equal(result.problems.length, 5);
      assert.equal(result.problemCount, 50);
      assert.equal(result.rejectedTuples, 50);
    });
  });

  describe('streaming from disk', () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(join(tmpdir(), 'decoder-stream-'));
    });
    after(() => {
      rmSync(folder, { recursive: true, force: true });
    });

    for (const format of ['nsg1', 'nsg2', 'vnet'] as const) {
      it(`gives the same rows with a tiny read buffer as in memory (${format})`, async () => {
        const path = join(folder, `${format}.json`);
        const generated = await writeFlowLogFile(path, { format, records: 30, flowsPerRecord: 6, seed: 3, ipv6: true });
        const inMemory = decodeFlowLogBytes(readFileSync(path));
        const streamed = await decodeFlowLogFile(path, { chunkBytes: 97 });
        assert.equal(inMemory.tuples, generated.tuples);
        assert.equal(streamed.tuples, generated.tuples);
        assert.equal(streamed.records, 30);
        assert.equal(streamed.problemCount, 0);
        assert.deepEqual(rows(streamed), rows(inMemory));
      });
    }

    it('reports the same problems from disk as in memory when skipped garbage holds brackets', async () => {
      const good = nsgRecord(2, ['1542110377,10.0.0.4,13.67.143.118,44931,443,T,O,A,B,,,,']);
      const text = `{"records":[${good},{"time": ]]] oops [[ "x"},${good.replace('10.0.0.4', '10.0.0.5')}]}`;
      const path = join(folder, 'garbage-brackets.json');
      writeFileSync(path, text);
      const inMemory = decodeFlowLogBytes(Buffer.from(text));
      for (const chunkBytes of [16, 97, 4096]) {
        const streamed = await decodeFlowLogFile(path, { chunkBytes });
        assert.equal(streamed.tuples, inMemory.tuples, `chunk ${chunkBytes}`);
        assert.deepEqual(rows(streamed), rows(inMemory), `chunk ${chunkBytes}`);
        assert.deepEqual(
          streamed.problems.map((problem) => [problem.code, problem.offset, problem.recordIndex]),
          inMemory.problems.map((problem) => [problem.code, problem.offset, problem.recordIndex]),
          `chunk ${chunkBytes}`,
        );
      }
    });

    it('names the byte offset of an invalid escape correctly when reading from disk', async () => {
      const good = nsgRecord(2, ['1542110377,10.0.0.4,13.67.143.118,44931,443,T,O,A,B,,,,']);
      const bad = good.replace('DefaultRule_AllowInternetOutBound', 'Bad\\qRule');
      const text = `{"records":[${good},${good},${bad}]}`;
      const escapeOffset = text.indexOf('\\q');
      const path = join(folder, 'bad-escape.json');
      writeFileSync(path, text);
      const inMemory = decodeFlowLogBytes(Buffer.from(text));
      const streamed = await decodeFlowLogFile(path, { chunkBytes: 97 });
      const messages = (result: DecodeResult) => result.problems.map((problem) => [problem.offset, problem.message]);
      assert.deepEqual(messages(streamed), messages(inMemory));
      const escapeProblem = streamed.problems.find((problem) => /invalid escape/.test(problem.message));
      assert.ok(escapeProblem, `the bad escape is reported: ${JSON.stringify(streamed.problems)}`);
      const byte = Number(/at byte (\d+)/.exec(escapeProblem.message)?.[1]);
      // The message names the string holding the escape: its opening quote is 5 bytes earlier.
      assert.ok(byte <= escapeOffset && escapeOffset - byte <= 8, `byte ${byte} names the string at ${escapeOffset}`);
    });

    it('hands over batches of whole records and reports progress', async () => {
      const path = join(folder, 'batches.json');
      const generated = await writeFlowLogFile(path, { format: 'vnet', records: 40, flowsPerRecord: 10, seed: 5 });
      const batchSizes: number[] = [];
      const progress: number[] = [];
      const result = await decodeFlowLogFile(path, {
        batchRows: 100,
        chunkBytes: 4096,
        onBatch: (table) => {
          batchSizes.push(table.length);
          const last = table.rowAt(table.length - 1);
          assert.equal(table.contexts[table.context[table.length - 1]], last.context);
        },
        onProgress: (read, total) => progress.push(read / total),
      });
      assert.equal(result.tuples, generated.tuples);
      assert.equal(batchSizes.reduce((a, b) => a + b, 0), generated.tuples);
      assert.ok(batchSizes.length > 3);
      assert.equal(result.table.length, 0);
      assert.equal(progress[progress.length - 1], 1);
    });

    it('skips the repeated records of the nested v1 sample also when they arrive in another batch', async () => {
      let tuples = 0;
      const result = await decodeFlowLogFile(join(samples, 'nsg-flow-logs-overview.v1-sample.json'), {
        batchRows: 1,
        chunkBytes: 64,
        onBatch: (table) => {
          tuples += table.length;
        },
      });
      assert.equal(tuples, 12);
      assert.equal(result.tuples, 12);
      assert.equal(result.records, 3);
    });

    it('keeps records that share a header but differ in a middle tuple', () => {
      const first = nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.1,1000,443,T,O,A,B,,,,', '1542110378,10.5.16.4,203.0.113.2,1001,443,T,O,A,B,,,,', '1542110379,10.5.16.4,203.0.113.3,1002,443,T,O,A,B,,,,']);
      const second = first.replace('203.0.113.2,1001', '203.0.113.9,1001');
      const result = decodeText(blob(first, second, first));
      assert.equal(result.records, 2);
      assert.equal(result.tuples, 6);
    });

    it('appends to a given table', async () => {
      const path = join(folder, 'append.json');
      writeFileSync(path, blob(nsgRecord(2, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,'])));
      const table = new FlowTable();
      await decodeFlowLogFile(path, { table });
      const second = await decodeFlowLogFile(path, { table });
      assert.equal(table.length, 2);
      assert.equal(second.tuples, 1);
      assert.equal(table.ips.size, 2);
    });

    it('stops with an AbortError when cancelled', async () => {
      const path = join(folder, 'cancel.json');
      await writeFlowLogFile(path, { format: 'nsg2', records: 200, seed: 9 });
      const controller = new AbortController();
      await assert.rejects(
        decodeFlowLogFile(path, {
          chunkBytes: 1024,
          onProgress: (read) => {
            if (read > 4096) {
              controller.abort();
            }
          },
          signal: controller.signal,
        }),
        (error: Error) => error.name === 'AbortError',
      );
    });

    it('rejects a missing file with a clear error', async () => {
      await assert.rejects(decodeFlowLogFile(join(folder, 'missing.json')), /ENOENT/);
    });
  });

  describe('honest on every input', () => {
    const tuple2 = '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,';
    const vnetTuple = '1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0';
    const renamed = (record: string, from: string, to: string): string => {
      assert.ok(record.includes(from), from);
      return record.replace(from, to);
    };

    it('reports a renamed or missing list key as an error naming byte, record and key, and counts its tuples as rejected', () => {
      const cases: [string, string, RegExp][] = [
        [renamed(nsgRecord(2, [tuple2]), '"flowTuples":', '"flowTuple":'), '{"mac"', /^properties\.flows\[0\]\.flows\[0\] has no "flowTuples" list \(its keys are "mac", "flowTuple"\); 1 tuple listed under its other keys was not read/],
        [renamed(nsgRecord(2, [tuple2]), '"flows":[{"mac"', '"flow":[{"mac"'), '{"rule"', /^properties\.flows\[0\] has no "flows" list \(its keys are "rule", "flow"\)/],
        [renamed(nsgRecord(2, [tuple2]), '"flows":[{"rule"', '"flow":[{"rule"'), '{"Version"', /^properties has no "flows" list/],
        [renamed(vnetRecord([vnetTuple]), '"flowRecords":{"flows"', '"flowRecords":{"flow"'), '{"flow"', /^flowRecords has no "flows" list/],
        [renamed(vnetRecord([vnetTuple]), '"flowGroups"', '"groups"'), '{"aclID"', /^flowRecords\.flows\[0\] has no "flowGroups" list/],
        [renamed(vnetRecord([vnetTuple]), '"flowTuples"', '"tuples"'), '{"rule"', /^flowRecords\.flows\[0\]\.flowGroups\[0\] has no "flowTuples" list/],
      ];
      for (const [record, objectStart, message] of cases) {
        const text = blob(nsgRecord(2, [tuple2], 'R0'), record);
        const result = decodeText(text);
        assert.equal(result.tuples, 1, record);
        assert.equal(result.rejectedTuples, 1, record);
        const [problem] = errors(result);
        assert.equal(problem?.code, 'missing-list', record);
        assert.match(problem.message, message);
        assert.equal(problem.recordIndex, 1);
        assert.equal(problem.offset, text.indexOf(objectStart, text.indexOf(record)));
      }
    });

    it('says what is wrong with a record of a known category that lacks its flows', () => {
      const record = JSON.stringify({ time: '2018-11-13T12:00:35Z', category: 'NetworkSecurityGroupFlowEvent', resourceId: '/X', property: { Version: 2, flows: [] } });
      const result = decodeText(blob(record));
      const [problem] = errors(result);
      assert.equal(problem.code, 'missing-list');
      assert.equal(
        problem.message,
        'record skipped: the NSG flow log record (category "NetworkSecurityGroupFlowEvent") has no "properties" object (its keys are "time", "category", "resourceId", "property"); no tuples were read from it',
      );
      assert.doesNotMatch(problem.message, /unknown record|expected an NSG/);
      const vnet = decodeText(blob(JSON.stringify({ time: '2022-09-14T09:00:52Z', category: 'FlowLogFlowEvent', records: 1 })));
      assert.match(errors(vnet)[0].message, /the VNet flow log record \(category "FlowLogFlowEvent"\) has no "flowRecords" object/);
    });

    it('rejects an IPv4 address with a leading zero in an octet', () => {
      for (const address of ['20.55.013.5', '010.0.0.1', '10.0.0.01']) {
        const result = decodeText(blob(nsgRecord(2, [`1542110377,${address},203.0.113.118,59336,443,T,O,A,B,,,,`, `1542110377,10.5.16.4,${address},59336,443,T,O,A,B,,,,`])));
        assert.equal(result.tuples, 0, address);
        assert.equal(result.rejectedTuples, 2, address);
        assert.match(result.problems[0].message, new RegExp(`^source address "${address.replace(/\./g, '\\.')}" has an octet with a leading zero`));
        assert.match(result.problems[1].message, /^destination address .* has an octet with a leading zero/);
      }
      assert.equal(decodeText(blob(nsgRecord(2, ['1542110377,10.0.0.0,0.0.0.0,59336,443,T,O,A,B,,,,']))).tuples, 1);
      assert.equal(decodeText(blob(nsgRecord(2, ['1542110377,::ffff:10.0.0.1,::ffff:10.0.013.1,59336,443,T,O,A,B,,,,']))).rejectedTuples, 1);
    });

    it('cuts a long bad value in messages, and says how long it was', () => {
      const long = '9'.repeat(1024 * 1024);
      const result = decodeText(blob(nsgRecord(2, [`1542110377,${long},203.0.113.118,59336,443,T,O,A,B,,,,`])));
      const [problem] = errors(result);
      assert.ok(problem.message.length < 600, `message of ${problem.message.length} characters`);
      assert.match(problem.message, /^source address "9{200}…" \(1048576 characters\) is not an IPv4 or IPv6 address: "1542110377,9{189}…" \(1048623 characters\)$/);
      assert.ok((problem.tuple ?? '').length <= 1001);
      const longKey = decodeText(blob(`{"${'k'.repeat(100000)}" 1}`));
      assert.ok(longKey.problems[0].message.length < 600, longKey.problems[0].message.slice(0, 300));
    });

    it('says there are no records in an empty file, an empty list or a lone byte order mark', () => {
      const cases: [Buffer, string][] = [
        [Buffer.alloc(0), 'the file is empty: there are no records'],
        [Buffer.from('[]'), 'there are no records in the file (it holds only whitespace, a byte order mark or an empty list)'],
        [Buffer.from('{"records":[]}'), 'there are no records in the file (it holds only whitespace, a byte order mark or an empty list)'],
        [Buffer.from([0xef, 0xbb, 0xbf]), 'there are no records in the file (it holds only whitespace, a byte order mark or an empty list)'],
        [Buffer.from(' \n'), 'there are no records in the file (it holds only whitespace, a byte order mark or an empty list)'],
      ];
      for (const [bytes, message] of cases) {
        const result = decodeFlowLogBytes(bytes);
        assert.deepEqual(
          result.problems.map((problem) => [problem.severity, problem.code, problem.message]),
          [['warning', 'no-records', message]],
          bytes.toString(),
        );
      }
      assert.deepEqual(decodeFlowLogBytes(sample('nsg-flow-logs-overview.v2-sample.json')).problems, []);
    });

    it('reads the tuples of a list with a trailing comma and warns where the comma is', () => {
      const text = blob(nsgRecord(2, [tuple2]).replace(`"${tuple2}"]`, `"${tuple2}","${tuple2.replace('59336', '59337')}" ,\n ]`));
      const result = decodeText(text);
      assert.equal(result.tuples, 2);
      assert.deepEqual(errors(result), []);
      assert.deepEqual(
        result.problems.map((problem) => [problem.code, problem.offset, problem.recordIndex, problem.message]),
        [['trailing-comma', text.indexOf(' ,\n ]') + 1, 0, "a ',' before the ']' that closes flowTuples (not valid JSON); the list was read up to it"]],
      );
      const rules = decodeText(blob(nsgRecord(2, [tuple2]).replace(']}]}}', ']},]}}')));
      assert.equal(rules.tuples, 1);
      assert.deepEqual(
        rules.problems.map((problem) => [problem.severity, problem.code]),
        [['warning', 'trailing-comma']],
      );
      assert.match(rules.problems[0].message, /closes properties\.flows/);
    });

    it('reads a version 1 tuple in a version 2 record as version 1, with one warning per record', () => {
      const v1 = '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A';
      const text = blob(nsgRecord(2, [tuple2, v1, `${v1},`, tuple2]), nsgRecord(2, [v1], 'R1'));
      const result = decodeText(text);
      assert.equal(result.tuples, 5);
      assert.equal(result.rejectedTuples, 0);
      assert.deepEqual(errors(result), []);
      assert.deepEqual(
        result.problems.map((problem) => [problem.code, problem.recordIndex, problem.tupleIndex]),
        [
          ['tuple-layout', 0, 1],
          ['tuple-layout', 1, 0],
        ],
      );
      assert.equal(result.problems[0].offset, text.indexOf(`"${v1}"`) + 1);
      const row = rows(result)[1];
      assert.equal(row.state, undefined);
      assert.equal(row.packetsSrcToDst, undefined);
      assert.equal(row.decision, 'allow');
    });

    it('reads an unknown NSG version like an unknown VNet version: what is recognisable, with a warning', () => {
      const v1 = '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A';
      const result = decodeText(blob(nsgRecord(3, [tuple2, v1, 'nonsense'])));
      assert.equal(result.records, 1);
      assert.equal(result.tuples, 2);
      assert.equal(result.rejectedTuples, 1);
      assert.deepEqual(
        result.problems.map((problem) => [problem.severity, problem.code]),
        [
          ['warning', 'unknown-version'],
          ['error', 'bad-tuple'],
        ],
      );
      assert.match(result.problems[0].message, /^properties\.Version 3 is not documented \(versions 1 and 2 are\); each tuple was read as version 1 or 2 from its field count$/);
      assert.deepEqual(result.formats, ['NSG flow log v3']);
      const vnet = decodeText(blob(vnetRecord([vnetTuple]).replace('"flowLogVersion":4', '"flowLogVersion":5')));
      assert.equal(vnet.tuples, 1);
      assert.deepEqual(
        vnet.problems.map((problem) => [problem.severity, problem.code]),
        [['warning', 'unknown-version']],
      );
    });

    it('infers the version of a record without one from each tuple, a v2 begin tuple with its four empty counters included', () => {
      const record = nsgRecord(2, [tuple2, '1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A']).replace('"properties":{"Version":2,', '"properties":{');
      const result = decodeText(blob(record));
      assert.equal(result.tuples, 2);
      assert.equal(result.rejectedTuples, 0);
      assert.deepEqual(
        rows(result).map((row) => [row.context.version, row.state]),
        [
          [2, 'begin'],
          [2, undefined],
        ],
      );
    });

    it('warns about tuple times far from their record time, with the tuple offset, and keeps the tuples', () => {
      const epoch = '0000000001,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,';
      const future = '2542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,';
      const text = blob(nsgRecord(2, [tuple2, epoch, future, tuple2]));
      const result = decodeText(text);
      assert.equal(result.tuples, 4);
      assert.deepEqual(errors(result), []);
      assert.deepEqual(
        result.problems.map((problem) => [problem.severity, problem.code, problem.offset, problem.recordIndex, problem.tupleIndex]),
        [['warning', 'tuple-time', text.indexOf(epoch), 0, 1]],
      );
      assert.equal(
        result.problems[0].message,
        "the tuple's time 1970-01-01T00:00:01.000Z is 48 years before its record's time 2018-11-13T12:00:35.3899262Z; 1 more tuple of this record is more than a day from it too; kept as written, so the time range includes them",
      );
      const nearby = decodeText(blob(nsgRecord(2, ['1542106777,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,'])));
      assert.deepEqual(nearby.problems, [], 'an hour off is normal');
      const vnet = decodeText(blob(vnetRecord(['1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0', '1863146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0'])));
      assert.deepEqual(
        vnet.problems.map((problem) => [problem.code, problem.tupleIndex]),
        [['tuple-time', 1]],
      );
      assert.match(vnet.problems[0].message, /is 6 years after its record's time/);
    });

    it('skips repeated records with one warning by default, and keeps them with keepDuplicates', async () => {
      const record = nsgRecord(2, [tuple2]);
      const text = blob(record, record, record);
      const skipped = decodeText(text);
      assert.equal(skipped.records, 1);
      assert.equal(skipped.duplicateRecords, 2);
      assert.equal(skipped.tuples, 1);
      assert.deepEqual(
        skipped.problems.map((problem) => [problem.severity, problem.code, problem.offset]),
        [['warning', 'duplicate-records', 12 + record.length + 1]],
      );
      assert.match(skipped.problems[0].message, /^skipped 2 records identical to an earlier record .*Keep them and the command line.s --keep-duplicates keep them/);
      const kept = decodeFlowLogBytes(Buffer.from(text), { keepDuplicates: true });
      assert.equal(kept.records, 3);
      assert.equal(kept.duplicateRecords, 2, 'kept repeats are still counted');
      assert.equal(kept.tuples, 3);
      assert.deepEqual(kept.problems, []);
      const folder = mkdtempSync(join(tmpdir(), 'decoder-'));
      try {
        const path = join(folder, 'PT1H.json');
        writeFileSync(path, text);
        const streamed = await decodeFlowLogFile(path, { keepDuplicates: true, chunkBytes: 64, onBatch: () => undefined, batchRows: 1 });
        assert.equal(streamed.records, 3);
        assert.equal(streamed.duplicateRecords, 2);
        assert.equal(streamed.tuples, 3);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('reads records whose systemId, flowLogGUID or operationName is not a string, without them', () => {
      const odd = nsgRecord(2, [tuple2]).replace('"systemId":"66aa66aa-bb77-cc88-dd99-00ee00ee00ee"', '"systemId":null').replace('"operationName":"NetworkSecurityGroupFlowEvents"', '"operationName":{"name":7}');
      const nsg = decodeText(blob(odd));
      assert.deepEqual(nsg.problems, []);
      assert.equal(nsg.tuples, 1);
      assert.equal(nsg.table.rowAt(0).context.systemId, undefined);
      assert.equal(nsg.table.rowAt(0).context.operationName, undefined);
      const vnet = decodeText(blob(vnetRecord(['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,,,,']).replace('"flowLogVersion":4', '"flowLogVersion":4,"flowLogGUID":["x"]')));
      assert.deepEqual(vnet.problems, []);
      assert.equal(vnet.tuples, 1);
      assert.equal(vnet.table.rowAt(0).context.flowLogGuid, undefined);
    });

    it('does not take records that differ only in their systemId or flowLogGUID for repeats', () => {
      const record = nsgRecord(2, [tuple2]);
      const nsg = decodeText(blob(record, record.replace('66aa66aa-bb77', '77bb77bb-cc88')));
      assert.equal(nsg.records, 2);
      assert.equal(nsg.tuples, 2);
      assert.deepEqual(nsg.problems, []);
      const vnet = vnetRecord(['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,,,,']);
      const withGuid = (guid: string): string => vnet.replace('"flowLogVersion":4', `"flowLogVersion":4,"flowLogGUID":"${guid}"`);
      const both = decodeText(blob(withGuid('c4de7bdb-291a-4315-84c2-ba1ecd0296dd'), withGuid('abcdef01-2345-6789-0abc-def012345678'), withGuid('abcdef01-2345-6789-0abc-def012345678')));
      assert.equal(both.records, 2, 'the third record repeats the second');
      assert.deepEqual([0, 1].map((row) => both.table.rowAt(row).context.flowLogGuid), ['c4de7bdb-291a-4315-84c2-ba1ecd0296dd', 'abcdef01-2345-6789-0abc-def012345678']);
    });
  });
});
