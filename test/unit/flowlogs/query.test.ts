import * as assert from 'node:assert/strict';
import { joinConnections } from '../../../src/flowlogs/connections';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { buildAddressOwners } from '../../../src/flowlogs/addressOwners';
import type { FlowTable } from '../../../src/flowlogs/flowTable';
import {
  aggregateConnections,
  aggregateRows,
  compileFilter,
  connectionViewRow,
  filterConnections,
  filterRows,
  maxTimelineBuckets,
  parsePortFilter,
  sortConnections,
  sortRows,
  timelineBuckets,
  tupleViewRow,
} from '../../../src/flowlogs/query';
import { sortByKeys } from '../../../src/flowlogs/sortKeys';
import type { RowFilter, SortSpec } from '../../../src/core/viewerProtocol';

interface Group {
  rule: string;
  tuples: string[];
  acl?: string;
}

/** A one-record VNet flow log (flowLogVersion 4) with the given rule groups. */
function vnetLog(groups: Group[], mac = '00224871C205', target = '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/myVNet'): FlowTable {
  return decode({ records: [vnetRecord(groups, mac, target)] });
}

function vnetRecord(groups: Group[], mac: string, target = '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/myVNet'): unknown {
  return {
    time: '2022-09-14T09:00:52.5625085Z',
    flowLogVersion: 4,
    flowLogGUID: 'abcdef01-2345-6789-0abc-def012345678',
    macAddress: mac,
    category: 'FlowLogFlowEvent',
    flowLogResourceID: '/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/VNETFLOWLOG',
    targetResourceID: target,
    operationName: 'FlowLogFlowEvent',
    flowRecords: {
      flows: groups.map((group) => ({ aclID: group.acl ?? '00000000-1234-abcd-ef00-c1c2c3c4c5c6', flowGroups: [{ rule: group.rule, flowTuples: group.tuples }] })),
    },
  };
}

function decode(log: unknown): FlowTable {
  const result = decodeFlowLogBytes(new TextEncoder().encode(JSON.stringify(log)));
  assert.equal(result.rejectedTuples, 0, JSON.stringify(result.problems));
  return result.table;
}

/** Ten VNet tuples (rows 0–9) with varied addresses, ports, states and counters. */
function sampleTable(): FlowTable {
  return vnetLog([
    {
      rule: 'DefaultRule_AllowInternetOutBound',
      tuples: [
        '1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0', // 0
        '1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2,1580', // 1
        '1663146003637,10.0.0.10,40.74.146.17,22730,443,6,O,B,NX,0,0,0,0', // 2
        '1663146003640,10.0.0.10,40.74.146.17,22730,443,6,O,E,NX,3,705,4,4569', // 3
        '1663146004251,10.0.0.9,168.63.129.16,50000,53,17,O,C,NX,1,60,1,120', // 4
      ],
    },
    {
      rule: 'BlockHighRiskTCPPortsFromInternet_456b4993',
      acl: '01020304-abcd-ef00-1234-102030405060',
      tuples: [
        '1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0', // 5
        '1663146005503,192.241.200.164,10.0.0.6,35276,119,6,I,D,NX,0,0,0,0', // 6
        '1663145989563,20.106.221.10,10.0.0.6,50557,22,6,I,D,NX,0,0,0,0', // 7
        '1663145989679,2001:db8::7,2001:db8:0:1::6,62797,3389,6,I,D,NX,0,0,0,0', // 8
        '1663145989709,fd00::5,2001:db8:0:1::6,51961,3389,17,I,D,NX,0,0,0,0', // 9
      ],
    },
  ]);
}

function rowsFor(table: FlowTable, filter: RowFilter): number[] {
  const compiled = compileFilter(table, filter);
  assert.deepEqual(compiled.problems, [], 'unexpected filter problems');
  return Array.from(filterRows(table, compiled));
}

function problemsFor(table: FlowTable, filter: RowFilter): { field: string; message: string }[] {
  return compileFilter(table, filter).problems;
}

describe('query: filters', () => {
  const table = sampleTable();

  it('matches every row when the filter is empty', () => {
    assert.equal(table.length, 10);
    assert.deepEqual(rowsFor(table, {}), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(rowsFor(table, { text: '  ', ip: '', port: '', protocols: [], states: [] }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('filters by decision and direction', () => {
    assert.deepEqual(rowsFor(table, { decision: 'deny' }), [5, 6, 7, 8, 9]);
    assert.deepEqual(rowsFor(table, { decision: 'allow' }), [0, 1, 2, 3, 4]);
    assert.deepEqual(rowsFor(table, { direction: 'inbound' }), [5, 6, 7, 8, 9]);
    assert.deepEqual(rowsFor(table, { direction: 'outbound', decision: 'deny' }), []);
  });

  it('filters by flow state, including tuples without a state', () => {
    assert.deepEqual(rowsFor(table, { states: ['begin'] }), [0, 2]);
    assert.deepEqual(rowsFor(table, { states: ['end', 'continuing'] }), [1, 3, 4]);
    const v1 = decode({
      records: [
        {
          time: '2017-02-16T22:00:32.8950000Z',
          systemId: '2c002c16-72f3-4dc5-b391-3444c3527434',
          category: 'NetworkSecurityGroupFlowEvent',
          resourceId: '/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG',
          operationName: 'NetworkSecurityGroupFlowEvents',
          properties: { Version: 1, flows: [{ rule: 'DefaultRule_DenyAllInBound', flows: [{ mac: '000D3AF8801A', flowTuples: ['1487282421,42.119.146.95,10.1.0.4,51529,5358,T,I,D'] }] }] },
        },
      ],
    });
    assert.deepEqual(rowsFor(v1, { states: ['none'] }), [0]);
    assert.deepEqual(rowsFor(v1, { states: ['begin'] }), []);
  });

  it('filters by protocol number', () => {
    assert.deepEqual(rowsFor(table, { protocols: [17] }), [4, 9]);
    assert.deepEqual(rowsFor(table, { protocols: [6, 17] }).length, 10);
  });

  it('matches a port or range against source or destination port', () => {
    assert.deepEqual(rowsFor(table, { port: '22' }), [5, 7]);
    assert.deepEqual(rowsFor(table, { port: '3000-4000' }), [8, 9]);
    assert.deepEqual(rowsFor(table, { port: '53, 119' }), [4, 6]);
    assert.deepEqual(rowsFor(table, { port: '23956' }), [0, 1], 'source ports match too');
  });

  it('matches an IPv4 address or CIDR against source or destination', () => {
    assert.deepEqual(rowsFor(table, { ip: '10.0.0.6' }), [0, 1, 5, 6, 7]);
    assert.deepEqual(rowsFor(table, { ip: '10.0.0.8/29' }), [2, 3, 4], '10.0.0.8–15 holds .9 and .10 but not .6');
    assert.deepEqual(rowsFor(table, { ip: '52.0.0.0/8' }), [0, 1]);
    assert.deepEqual(rowsFor(table, { ip: '0.0.0.0/0' }), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(rowsFor(table, { ip: '::ffff:101.33.218.153' }), [5], 'an IPv4-mapped address matches its IPv4 form');
  });

  it('matches lists of addresses and CIDRs against the source or the destination alone', () => {
    assert.deepEqual(rowsFor(table, { srcIp: '10.0.0.6' }), [0, 1], 'the rows where 10.0.0.6 is the source, not those where it is the destination');
    assert.deepEqual(rowsFor(table, { dstIp: '10.0.0.6' }), [5, 6, 7]);
    assert.deepEqual(rowsFor(table, { srcIp: '10.0.0.6, 10.0.0.8/29' }), [0, 1, 2, 3, 4]);
    assert.deepEqual(rowsFor(table, { srcIp: '10.0.0.0/24', dstIp: '40.74.146.17, 168.63.129.16' }), [2, 3, 4]);
    assert.deepEqual(rowsFor(table, { srcIp: '2001:db8::/32, fd00::/8', dstIp: '2001:db8:0:1::6' }), [8, 9]);
    assert.deepEqual(problemsFor(table, { dstIp: '10.0.0.6, 10.0.0.300' }), [{ field: 'dstIp', message: '"10.0.0.300" is not an IPv4 or IPv6 address. Examples: 10.0.0.6, 10.1.0.0/16, 2001:db8::/32' }]);
  });

  it('matches IPv6 addresses and CIDRs', () => {
    assert.deepEqual(rowsFor(table, { ip: '2001:db8::/32' }), [8, 9]);
    assert.deepEqual(rowsFor(table, { ip: '2001:0db8:0000:0000:0000:0000:0000:0007' }), [8]);
    assert.deepEqual(rowsFor(table, { ip: 'fd00::/8' }), [9]);
    assert.deepEqual(rowsFor(table, { ip: '2001:db8:0:2::/64' }), []);
  });

  it('searches text case-insensitively over addresses, ports, rule, MAC and resource IDs', () => {
    assert.deepEqual(rowsFor(table, { text: 'blockhighrisk' }), [5, 6, 7, 8, 9]);
    assert.deepEqual(rowsFor(table, { text: '168.63' }), [4]);
    assert.deepEqual(rowsFor(table, { text: '3389' }), [8, 9]);
    assert.deepEqual(rowsFor(table, { text: 'FD00::' }), [9]);
    assert.deepEqual(rowsFor(table, { text: '71c205' }).length, 10, 'the MAC matches every row of the record');
    assert.deepEqual(rowsFor(table, { text: 'myvnet' }).length, 10, 'the target resource ID');
    assert.deepEqual(rowsFor(table, { text: '01020304-abcd' }), [5, 6, 7, 8, 9], 'the ACL ID');
    assert.deepEqual(rowsFor(table, { text: 'no such thing' }), []);
  });

  it('finds a MAC written with dashes or colons, as Azure shows it, like the bare form the log stores', () => {
    const twoNics = decode({
      records: [
        vnetRecord([{ rule: 'UserRule_allow-https', tuples: ['1663146003599,10.0.0.4,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0'] }], '000D3AC1D4BD'),
        vnetRecord([{ rule: 'UserRule_allow-https', tuples: ['1663146003606,10.0.0.5,52.239.184.180,23957,443,6,O,B,NX,0,0,0,0'] }], '00224871C205'),
      ],
    });
    assert.deepEqual(rowsFor(twoNics, { text: '000D3AC1D4BD' }), [0]);
    for (const text of ['00-0D-3A-C1-D4-BD', '00:0D:3A:C1:D4:BD', '00-0d-3a-c1-d4-bd', ' 00:0d:3a:c1:d4:bd ']) {
      assert.deepEqual(rowsFor(twoNics, { text }), [0], text);
    }
    assert.deepEqual(rowsFor(twoNics, { text: '00-22-48-71-C2-05' }), [1]);
    assert.deepEqual(rowsFor(twoNics, { text: '00-0D-3A:C1-D4-BD' }), [], 'mixed separators are not a MAC');
    assert.deepEqual(rowsFor(twoNics, { text: 'allow-https' }), [0, 1], 'other dashes still match as typed');
  });

  it('keeps matching a MAC-shaped search inside IPv6 addresses as typed', () => {
    const v6 = vnetLog([{ rule: 'UserRule_v6', tuples: ['1663146003599,2001:db8:aa:bb:cc:dd:ee:ff,2001:db8::1,50000,443,6,O,B,NX,0,0,0,0'] }]);
    assert.deepEqual(rowsFor(v6, { text: 'aa:bb:cc:dd:ee:ff' }), [0]);
  });

  it('filters by exact rule name', () => {
    assert.deepEqual(rowsFor(table, { rule: 'DefaultRule_AllowInternetOutBound' }), [0, 1, 2, 3, 4]);
    assert.deepEqual(rowsFor(table, { rule: 'DefaultRule' }), []);
  });

  it('filters by an inclusive time range', () => {
    assert.deepEqual(rowsFor(table, { timeFrom: 1663146003606, timeTo: 1663146003640 }), [1, 2, 3]);
    assert.deepEqual(rowsFor(table, { timeFrom: 1663146004251 }), [4, 6]);
    assert.deepEqual(rowsFor(table, { timeTo: 1663145989679 }), [7, 8]);
  });

  it('combines every condition with AND', () => {
    assert.deepEqual(rowsFor(table, { decision: 'deny', port: '22', ip: '20.0.0.0/8' }), [7]);
    assert.deepEqual(rowsFor(table, { text: '10.0.0', protocols: [6], states: ['end'] }), [1, 3]);
    assert.deepEqual(rowsFor(table, { decision: 'deny', protocols: [17], ip: '2001:db8::/32', timeFrom: 1663145989700 }), [9]);
  });
});

describe('query: invalid filter values', () => {
  const table = sampleTable();

  it('reports a bad address or CIDR on the ip field and does not filter by it', () => {
    for (const ip of ['10.0.0', '10.0.0.256', 'server-1', '10.0.0.0/33', '10.0.0.0/x', '2001:db8::/129']) {
      const compiled = compileFilter(table, { ip, decision: 'deny' });
      assert.equal(compiled.problems.length, 1, ip);
      assert.equal(compiled.problems[0].field, 'ip');
      assert.match(compiled.problems[0].message, /address|prefix/);
      assert.deepEqual(Array.from(filterRows(table, compiled)), [5, 6, 7, 8, 9], 'the other fields still apply');
    }
    assert.match(problemsFor(table, { ip: '10.0.0.0/33' })[0].message, /0 to 32/);
  });

  it('reports bad ports and ranges with what is wrong', () => {
    assert.match(problemsFor(table, { port: '70000' })[0].message, /0 to 65535/);
    assert.match(problemsFor(table, { port: '2000-1000' })[0].message, /starts after it ends/);
    assert.match(problemsFor(table, { port: 'https' })[0].message, /not a port or range/);
    assert.equal(problemsFor(table, { port: '2000-1000' })[0].field, 'port');
    const parsed = parsePortFilter('1-3,65535');
    assert.ok('ports' in parsed);
    assert.deepEqual([0, 1, 2, 3, 4, 65535].map((port) => parsed.ports[port]), [0, 1, 1, 1, 0, 1]);
  });

  it('reports a time range that ends before it starts', () => {
    const problems = problemsFor(table, { timeFrom: 2000, timeTo: 1000 });
    assert.deepEqual(problems.map((problem) => problem.field), ['timeTo']);
  });
});

describe('query: sorting', () => {
  const table = sampleTable();
  const all = (): Uint32Array => filterRows(table, compileFilter(table, {}));
  const sorted = (sort: SortSpec): number[] => Array.from(sortRows(table, all(), sort));

  it('sorts by destination port, keeping file order among equal ports (stable)', () => {
    assert.deepEqual(sorted({ column: 'dstPort', descending: false }), [5, 7, 4, 6, 0, 1, 2, 3, 8, 9]);
    assert.deepEqual(sorted({ column: 'dstPort', descending: true }), [8, 9, 0, 1, 2, 3, 6, 4, 5, 7]);
  });

  it('sorts addresses numerically, IPv4 before IPv6', () => {
    const order = sorted({ column: 'srcIp', descending: false }).map((row) => table.rowAt(row).srcIp);
    assert.deepEqual(order, ['10.0.0.6', '10.0.0.6', '10.0.0.9', '10.0.0.10', '10.0.0.10', '20.106.221.10', '101.33.218.153', '192.241.200.164', '2001:db8::7', 'fd00::5']);
  });

  it('sorts by time, bytes and rule', () => {
    assert.deepEqual(sorted({ column: 'time', descending: false }), [7, 8, 9, 5, 0, 1, 2, 3, 4, 6]);
    assert.deepEqual(sorted({ column: 'bytes', descending: true }).slice(0, 3), [3, 1, 4]);
    assert.deepEqual(sorted({ column: 'rule', descending: false }), [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
  });

  it('sorts only the filtered rows', () => {
    const denied = filterRows(table, compileFilter(table, { decision: 'deny' }));
    assert.deepEqual(Array.from(sortRows(table, denied, { column: 'dstPort', descending: false })), [5, 7, 6, 8, 9]);
  });

  it('matches a reference stable sort on random keys of every shape', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const shapes: ((i: number) => number)[] = [
      () => Math.floor(random() * 5),
      () => 1.6e12 + Math.floor(random() * 1e6),
      () => (random() < 0.2 ? NaN : random() * 1e9),
      (i) => (i % 3 === 0 ? -5 : 3e9),
    ];
    for (const shape of shapes) {
      for (const descending of [false, true]) {
        const count = 3000;
        const index = Uint32Array.from({ length: count }, (_, i) => i * 2);
        const values = Array.from({ length: count }, (_, i) => shape(i));
        const keys = Float64Array.from(values);
        const key = (position: number): number => (Number.isNaN(values[position]) ? -Infinity : values[position]);
        const expected = Array.from({ length: count }, (_, i) => i)
          .sort((a, b) => (descending ? key(b) - key(a) : key(a) - key(b)) || a - b)
          .map((position) => index[position]);
        assert.deepEqual(Array.from(sortByKeys(index, keys, descending)), expected);
      }
    }
  });
});

describe('query: aggregates and rows', () => {
  const table = sampleTable();

  it('counts allowed and denied, sums counters and ranks talkers by bytes', () => {
    const aggregates = aggregateRows(table, filterRows(table, compileFilter(table, {})));
    assert.equal(aggregates.total, 10);
    assert.equal(aggregates.allowed, 5);
    assert.equal(aggregates.denied, 5);
    assert.equal(aggregates.bytes, 767 + 1580 + 705 + 4569 + 60 + 120);
    assert.equal(aggregates.packets, 3 + 2 + 3 + 4 + 1 + 1);
    assert.deepEqual(aggregates.topTalkers.slice(0, 3), [
      { label: '10.0.0.10', bytes: 5274, tuples: 2 },
      { label: '10.0.0.6', bytes: 2347, tuples: 2 },
      { label: '10.0.0.9', bytes: 180, tuples: 1 },
    ]);
    assert.deepEqual(aggregates.topDeniedPorts, [
      { label: '22/TCP', count: 2 },
      { label: '119/TCP', count: 1 },
      { label: '3389/TCP', count: 1 },
      { label: '3389/UDP', count: 1 },
    ]);
    assert.deepEqual(aggregates.rules, ['BlockHighRiskTCPPortsFromInternet_456b4993', 'DefaultRule_AllowInternetOutBound']);
  });

  it('aggregates only the filtered view', () => {
    const aggregates = aggregateRows(table, filterRows(table, compileFilter(table, { protocols: [17] })));
    assert.equal(aggregates.total, 2);
    assert.deepEqual(aggregates.topDeniedPorts, [{ label: '3389/UDP', count: 1 }]);
    assert.equal(aggregates.rules.length, 2, 'the rule list is the whole file');
  });

  it('shows a tuple with display values and summed counters', () => {
    const row = tupleViewRow(table, 3);
    assert.equal(row.protocol, 'TCP');
    assert.equal(row.state, 'End');
    assert.equal(row.direction, 'outbound');
    assert.equal(row.bytes, 705 + 4569);
    assert.equal(row.packets, 7);
    assert.equal(row.rule, 'DefaultRule_AllowInternetOutBound');
    assert.equal(tupleViewRow(table, 5).decision, 'deny');
    assert.equal(tupleViewRow(table, 5).state, 'Deny');
  });
});

describe('query: connections', () => {
  const table = sampleTable();
  const connections = joinConnections(table);
  const matching = (filter: RowFilter): number[] => Array.from(filterConnections(connections, compileFilter(table, filter)));
  const endpoints = (indexes: ArrayLike<number>): string[] =>
    Array.from(indexes, (index) => {
      const row = connectionViewRow(table, connections, index);
      return `${row.srcIp}:${row.srcPort}>${row.dstIp}:${row.dstPort}`;
    });

  it('joins B and E tuples into one connection with summed counters and its span', () => {
    assert.equal(connections.length, 8, '2 B→E flows, 1 C-only flow and 5 denied tuples');
    const all = matching({});
    const first = connectionViewRow(table, connections, all.find((index) => connectionViewRow(table, connections, index).srcPort === 22730) ?? -1);
    assert.equal(first.time, 1663146003637);
    assert.equal(first.durationMs, 3);
    assert.equal(first.state, 'End');
    assert.equal(first.bytes, 705 + 4569);
    assert.equal(first.packets, 7);
  });

  it('filters connections by their endpoints, final decision and time span', () => {
    assert.deepEqual(endpoints(matching({ decision: 'deny', port: '22' })).sort(), ['101.33.218.153:55188>10.0.0.6:22', '20.106.221.10:50557>10.0.0.6:22']);
    assert.deepEqual(endpoints(matching({ states: ['end'] })).sort(), ['10.0.0.10:22730>40.74.146.17:443', '10.0.0.6:23956>52.239.184.180:443']);
    assert.deepEqual(endpoints(matching({ ip: '52.239.0.0/16', direction: 'outbound' })), ['10.0.0.6:23956>52.239.184.180:443']);
    // The span 03599–03606 overlaps a range that starts after the first tuple.
    assert.deepEqual(endpoints(matching({ timeFrom: 1663146003600, timeTo: 1663146003601 })), ['10.0.0.6:23956>52.239.184.180:443']);
    assert.deepEqual(matching({ text: 'blockhighrisk' }).length, 5);
  });

  it('sorts connections by duration and bytes, stably', () => {
    const all = filterConnections(connections, compileFilter(table, {}));
    const byDuration = sortConnections(table, connections, all, { column: 'duration', descending: true });
    assert.deepEqual(endpoints(byDuration.slice(0, 2)), ['10.0.0.6:23956>52.239.184.180:443', '10.0.0.10:22730>40.74.146.17:443']);
    const byBytes = sortConnections(table, connections, all, { column: 'bytes', descending: true });
    assert.deepEqual(endpoints(byBytes.slice(0, 3)), ['10.0.0.10:22730>40.74.146.17:443', '10.0.0.6:23956>52.239.184.180:443', '10.0.0.9:50000>168.63.129.16:53']);
    const zeroBytes = Array.from(byBytes.slice(3));
    assert.deepEqual(zeroBytes, [...zeroBytes].sort((a, b) => a - b), 'ties keep connection order');
  });

  it('aggregates connections, counting their tuples per talker', () => {
    const aggregates = aggregateConnections(table, connections, filterConnections(connections, compileFilter(table, { decision: 'allow' })));
    assert.equal(aggregates.total, 3);
    assert.equal(aggregates.denied, 0);
    assert.equal(aggregates.bytes, 767 + 1580 + 705 + 4569 + 60 + 120);
    assert.deepEqual(aggregates.topTalkers[0], { label: '10.0.0.10', bytes: 5274, tuples: 2 });
  });
});

describe('traffic over time', () => {
  const minute = 60_000;
  const start = Date.UTC(2022, 8, 14, 9, 0);

  it('buckets whole minutes from the first tuple, longer ones for long files', () => {
    assert.deepEqual(timelineBuckets(start + 3_599, start + 59 * minute + 58_000), { start, bucketMs: minute, count: 60 });
    assert.deepEqual(timelineBuckets(start, start), { start, bucketMs: minute, count: 1 });
    const day = timelineBuckets(start, start + 24 * 60 * minute - 1);
    assert.equal(day.bucketMs, 8 * minute, 'a day in 180 buckets of 8 minutes');
    assert.ok(day.count <= maxTimelineBuckets);
  });

  it('counts flows and bytes per minute, allowed and denied apart, over the filtered rows only', () => {
    const t = (offsetMs: number): number => start + offsetMs;
    const table = vnetLog([
      {
        rule: 'DefaultRule_AllowInternetOutBound',
        tuples: [`${t(3_000)},10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,700,2,67`, `${t(62_000)},10.0.0.6,52.239.184.180,23957,443,6,O,E,NX,1,100,1,50`],
      },
      { rule: 'DefaultRule_DenyAllInBound', tuples: [`${t(65_000)},1.2.3.4,10.0.0.6,4444,22,6,I,D,NX,0,0,0,0`, `${t(185_000)},1.2.3.4,10.0.0.6,4445,22,6,I,D,NX,0,0,0,0`] },
    ]);
    const all = aggregateRows(table, filterRows(table, compileFilter(table, {}))).timeline;
    assert.ok(all !== undefined);
    assert.equal(all.start, start);
    assert.equal(all.bucketMs, minute);
    assert.deepEqual(all.allowedFlows, [1, 1, 0, 0]);
    assert.deepEqual(all.deniedFlows, [0, 1, 0, 1]);
    assert.deepEqual(all.allowedBytes, [767, 150, 0, 0]);
    assert.deepEqual(all.deniedBytes, [0, 0, 0, 0]);
    const denied = aggregateRows(table, filterRows(table, compileFilter(table, { decision: 'deny' }))).timeline;
    assert.deepEqual(denied?.allowedFlows, [0, 0, 0, 0], 'the axis stays the whole file');
    assert.deepEqual(denied?.deniedFlows, [0, 1, 0, 1]);
    const connections = joinConnections(table);
    const byConnection = aggregateConnections(table, connections, filterConnections(connections, compileFilter(table, {}))).timeline;
    assert.equal(byConnection?.allowedFlows.reduce((sum, value) => sum + value, 0), 2);
  });
});

describe('searching NIC and VM names', () => {
  it('finds rows by the NIC or VM of an address or of the logged MAC, only with the inventory', () => {
    const table = vnetLog(
      [{ rule: 'DefaultRule_AllowInternetOutBound', tuples: ['1663146003599,10.0.0.6,10.0.0.9,23956,1433,6,O,B,NX,0,0,0,0', '1663146003606,10.0.0.7,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0'] }],
      '000D3A7A1001',
    );
    const owners = buildAddressOwners([
      { name: 'nic-web-01', macAddress: '00-0D-3A-7A-10-01', privateIpAddresses: [], virtualMachineName: 'vm-web-01' },
      { name: 'nic-db-01', privateIpAddresses: ['10.0.0.9'], virtualMachineName: 'vm-db-01' },
    ]);
    const count = (text: string, withOwners = true): number => filterRows(table, compileFilter(table, { text }, withOwners ? owners : undefined)).length;
    assert.equal(count('vm-db'), 1, 'by the address of the other end');
    assert.equal(count('VM-WEB-01'), 2, 'by the MAC that logged both rows, in any case');
    assert.equal(count('vm-db', false), 0, 'not without the inventory');
  });
});
