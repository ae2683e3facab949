import * as assert from 'node:assert/strict';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { flowTableOf, resultMarkdown, trafficAnalyticsFlowLog } from '../../../src/flowlogs/trafficAnalyticsResults';

const ntaColumns = ['TimeGenerated', 'FlowStartTime', 'FlowEndTime', 'SrcIp', 'DestIp', 'DestPort', 'L4Protocol', 'FlowDirection', 'FlowStatus', 'AllowedInFlows', 'DeniedInFlows', 'AllowedOutFlows', 'DeniedOutFlows', 'BytesSrcToDest', 'BytesDestToSrc', 'PacketsSrcToDest', 'PacketsDestToSrc', 'AclRule', 'DestPublicIps']
  .map((name) => ({ name, type: /Time|Generated/.test(name) ? 'datetime' : /Port|Flows|Bytes|Packets/.test(name) ? 'long' : 'string' }));
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString();

describe('trafficAnalyticsResults: query results for the flow-log viewer', () => {
  it('turns flow rows into tuples the decoder reads: allowed as begin and end with the counters, denied as deny, public addresses from DestPublicIps', () => {
    const rows = [
      [at(59), at(1), at(20), '10.2.1.4', '10.0.2.5', 443, 'T', 'Outbound', 'Allowed', 0, 0, 3, 0, 1200, 5400, 10, 12, 'allow-web', ''],
      [at(59), at(5), at(5), '203.0.113.9', '10.2.1.4', 22, 'T', 'Inbound', 'Denied', 0, 2, 0, 0, 0, 0, 0, 0, 'deny-ssh', ''],
      [at(59), at(7), at(9), '10.2.1.5', '', 53, 'U', 'O', 'A', 0, 0, 1, 0, 0, 0, 0, 0, 'allow-dns', '198.51.100.7|1|1|2|2|140|300 198.51.100.8|1|0|1|0|70|0'],
      [at(59), at(7), at(9), '', '', 80, 'T', 'O', 'A', 0, 0, 1, 0, 0, 0, 0, 0, 'r', ''],
      [at(59), at(8), at(8), '10.2.1.6', '10.0.2.5', null, 'ICMP', 'O', 'A', 0, 0, 1, 0, 0, 0, 0, 0, 'allow-ping', ''],
    ];
    assert.equal(flowTableOf(ntaColumns), 'NTANetAnalytics');
    const converted = trafficAnalyticsFlowLog(ntaColumns, rows, Date.now());
    assert.ok(converted);
    assert.deepEqual([converted.rows, converted.skipped], [4, 1], 'a row without addresses is left out; one without a port is not');
    const { table, problems } = decodeFlowLogBytes(Buffer.from(converted.text));
    assert.deepEqual(problems, []);
    const tuples = Array.from({ length: table.length }, (_, index) => table.rowAt(index));
    assert.deepEqual(tuples.map((row) => [row.srcIp, row.dstIp, row.srcPort, row.dstPort, row.protocol, row.direction, row.decision, row.state, row.bytesSrcToDst ?? 0, row.bytesDstToSrc ?? 0, row.context.rule]), [
      ['10.2.1.4', '10.0.2.5', 0, 443, 6, 'outbound', 'allow', 'begin', 0, 0, 'allow-web'],
      ['10.2.1.4', '10.0.2.5', 0, 443, 6, 'outbound', 'allow', 'end', 1200, 5400, 'allow-web'],
      ['203.0.113.9', '10.2.1.4', 0, 22, 6, 'inbound', 'deny', 'deny', 0, 0, 'deny-ssh'],
      ['10.2.1.5', '198.51.100.7', 0, 53, 17, 'outbound', 'allow', 'begin', 0, 0, 'allow-dns'],
      ['10.2.1.5', '198.51.100.7', 0, 53, 17, 'outbound', 'allow', 'end', 140, 300, 'allow-dns'],
      ['10.2.1.5', '198.51.100.8', 0, 53, 17, 'outbound', 'allow', 'begin', 0, 0, 'allow-dns'],
      ['10.2.1.5', '198.51.100.8', 0, 53, 17, 'outbound', 'allow', 'end', 70, 0, 'allow-dns'],
      ['10.2.1.6', '10.0.2.5', 0, 0, 1, 'outbound', 'allow', 'begin', 0, 0, 'allow-ping'],
      ['10.2.1.6', '10.0.2.5', 0, 0, 1, 'outbound', 'allow', 'end', 0, 0, 'allow-ping'],
    ]);
    assert.deepEqual([tuples[0].time, tuples[1].time], [Date.parse(at(1)), Date.parse(at(20))], 'first and last occurrence of the aggregated flow');
  });

  it('reads the NSG table’s spelling, and leaves summaries to a table', () => {
    const nsg = ['FlowStartTime_t', 'SrcIP_s', 'DestIP_s', 'DestPort_d', 'L4Protocol_s', 'FlowDirection_s', 'FlowStatus_s', 'OutboundBytes_d', 'InboundBytes_d', 'NSGRule_s'].map((name) => ({ name, type: 'string' }));
    const converted = trafficAnalyticsFlowLog(nsg, [[at(3), '10.0.1.4', '10.0.2.4', 1433, 'T', 'I', 'D', 0, 0, 'deny-sql']], Date.now());
    assert.equal(converted?.rows, 1);
    assert.match(converted?.text ?? '', /"flowTuples":\["\d+,10\.0\.1\.4,10\.0\.2\.4,0,1433,6,I,D,NX,0,0,0,0"\]/);
    const talkers = [{ name: 'SrcIp', type: 'string' }, { name: 'Bytes', type: 'long' }, { name: 'Flows', type: 'long' }];
    assert.equal(flowTableOf(talkers), undefined);
    assert.equal(trafficAnalyticsFlowLog(talkers, [['10.2.1.4', 10, 1]], Date.now()), undefined);
    const markdown = resultMarkdown('Top talkers', talkers, [['10.2.1.4', 6600, 4], ['a|b', null, 1]], ['Partial result.']);
    assert.match(markdown, /^# Top talkers\n\n> Partial result\.\n\n2 rows\.\n\n\| SrcIp \| Bytes \| Flows \|\n\| --- \| ---: \| ---: \|\n\| 10\.2\.1\.4 \| 6600 \| 4 \|\n\| a\\\|b \| {2}\| 1 \|\n$/);
  });
});
