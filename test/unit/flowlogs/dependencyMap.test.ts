import assert from 'node:assert/strict';
import { checkMapToHost, edgeRowFilter, groupMap, type DependencyMapModel } from '../../../src/core/dependencyMap';
import { DependencyMapBuilder } from '../../../src/flowlogs/dependencyMapBuilder';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import type { FlowTable } from '../../../src/flowlogs/flowTable';
import { exportMap } from '../../../src/flowlogs/mapExport';
import { EndpointNamer, namedMap, type AddressBook } from '../../../src/flowlogs/mapEndpoints';

const t0 = Date.parse('2024-02-26T20:10:00Z');

/** One VNet flow log record per MAC, each with its tuples (`time` is added: t0 + seconds). */
function vnetTable(byMac: Record<string, string[]>): FlowTable {
  const records = Object.entries(byMac).map(([mac, tuples]) =>
    JSON.stringify({
      time: '2024-02-26T20:10:00.0000000Z',
      flowLogVersion: 4,
      macAddress: mac,
      category: 'FlowLogFlowEvent',
      flowLogResourceID: '/FL',
      flowRecords: { flows: [{ aclID: 'acl', flowGroups: [{ rule: 'R', flowTuples: tuples.map((tuple, i) => `${t0 + i * 1000},${tuple}`) }] }] },
    }),
  );
  const result = decodeFlowLogBytes(Buffer.from(`{"records":[${records.join(',')}]}`));
  assert.deepEqual(result.problems, []);
  return result.table;
}

function edgesOf(table: FlowTable): ReturnType<DependencyMapBuilder['finish']> {
  const builder = new DependencyMapBuilder();
  builder.add(table);
  return builder.finish();
}

const book: AddressBook = {
  vnets: [
    {
      id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod',
      name: 'vnet-prod',
      addressSpace: ['10.0.0.0/16'],
      subnets: [
        { id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod/subnets/snet-web', name: 'snet-web', addressPrefixes: ['10.0.1.0/24'] },
        { id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod/subnets/snet-app', name: 'snet-app', addressPrefixes: ['10.0.2.0/24'] },
      ],
    },
    { id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-copy-a', name: 'vnet-copy-a', addressSpace: ['172.16.0.0/24'], subnets: [] },
    { id: '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-copy-b', name: 'vnet-copy-b', addressSpace: ['172.16.0.0/24'], subnets: [] },
  ],
  nics: [
    { id: 'nic-web-01', name: 'nic-web-01', privateIpAddresses: ['10.0.1.4'], subnetIds: ['/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod/subnets/snet-web'], virtualMachineName: 'vm-web-01' },
    { id: 'nic-web-02', name: 'nic-web-02', privateIpAddresses: ['10.0.1.5'], subnetIds: ['/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod/subnets/snet-web'], virtualMachineName: 'vm-web-02' },
    { id: 'nic-app-01', name: 'nic-app-01', privateIpAddresses: ['10.0.2.4'], subnetIds: ['/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-prod/subnets/snet-app'], virtualMachineName: 'vm-app-01' },
  ],
};

describe('dependency map', () => {
  it('counts a connection logged at both of its ends once, with its bytes from the continuing and end tuples', () => {
    const table = vnetTable({
      // Outbound at the web VM's NIC…
      '000D3A000001': ['10.0.1.4,10.0.2.4,50000,8080,6,O,B,NX,0,0,0,0', '10.0.1.4,10.0.2.4,50000,8080,6,O,C,NX,10,1000,8,4000', '10.0.1.4,10.0.2.4,50000,8080,6,O,E,NX,2,200,1,100'],
      // …and inbound at the app VM's NIC.
      '000D3A000002': ['10.0.1.4,10.0.2.4,50000,8080,6,I,B,NX,0,0,0,0', '10.0.1.4,10.0.2.4,50000,8080,6,I,E,NX,12,1200,9,4100'],
    });
    const { ips, edges, tuples } = edgesOf(table);
    assert.equal(tuples, 5);
    assert.deepEqual(ips, ['10.0.1.4', '10.0.2.4']);
    assert.equal(edges.length, 1);
    const [edge] = edges;
    assert.deepEqual({ source: ips[edge.source], target: ips[edge.target], protocol: edge.protocol, port: edge.port }, { source: '10.0.1.4', target: '10.0.2.4', protocol: 6, port: 8080 });
    assert.equal(edge.connections, 1);
    assert.equal(edge.allowed, 1);
    assert.equal(edge.denied, 0);
    assert.equal(edge.bytes, 5300);
    assert.equal(edge.packets, 21);
    assert.equal(edge.firstSeen, t0);
    assert.equal(edge.lastSeen, t0 + 2000);
  });

  it('keeps services apart, counts denied attempts as denied, and ignores the ephemeral source port', () => {
    const table = vnetTable({
      '000D3A000002': [
        '10.0.1.4,10.0.2.4,50000,8080,6,I,B,NX,0,0,0,0',
        '10.0.1.4,10.0.2.4,50001,8080,6,I,B,NX,0,0,0,0',
        '10.0.1.4,10.0.2.4,50002,22,6,I,D,NX,0,0,0,0',
        '203.0.113.9,10.0.2.4,40000,22,6,I,D,NX,0,0,0,0',
        '203.0.113.9,10.0.2.4,40001,22,6,I,D,NX,0,0,0,0',
      ],
    });
    const { ips, edges } = edgesOf(table);
    const byKey = new Map(edges.map((edge) => [`${ips[edge.source]}>${ips[edge.target]}:${edge.port}`, edge]));
    assert.deepEqual([...byKey.keys()].sort(), ['10.0.1.4>10.0.2.4:22', '10.0.1.4>10.0.2.4:8080', '203.0.113.9>10.0.2.4:22']);
    assert.deepEqual([byKey.get('10.0.1.4>10.0.2.4:8080')?.connections, byKey.get('10.0.1.4>10.0.2.4:8080')?.allowed], [2, 2]);
    assert.deepEqual([byKey.get('203.0.113.9>10.0.2.4:22')?.denied, byKey.get('203.0.113.9>10.0.2.4:22')?.allowed], [2, 0]);
  });

  it('counts every tuple of an NSG version 1 log, which has no flow states', () => {
    const record = JSON.stringify({
      time: '2024-02-26T20:10:00.0000000Z',
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: '/NSG',
      properties: { Version: 1, flows: [{ rule: 'DefaultRule_DenyAllInBound', flows: [{ mac: '000D3AF87856', flowTuples: [`${t0 / 1000},198.51.100.7,10.0.1.4,5000,3389,T,I,D`, `${t0 / 1000 + 60},198.51.100.7,10.0.1.4,5000,3389,T,I,D`] }] }] },
    });
    const { edges } = edgesOf(decodeFlowLogBytes(Buffer.from(`{"records":[${record}]}`)).table);
    assert.equal(edges.length, 1);
    assert.deepEqual([edges[0].connections, edges[0].denied, edges[0].allowed], [2, 2, 0]);
  });

  it('merges tables decoded from several files, whose address dictionaries differ', () => {
    const builder = new DependencyMapBuilder();
    builder.add(vnetTable({ '000D3A000001': ['10.0.1.4,10.0.2.4,50000,8080,6,O,B,NX,0,0,0,0'] }));
    builder.add(vnetTable({ '000D3A000003': ['10.0.1.9,10.0.1.4,50000,443,6,O,B,NX,0,0,0,0', '10.0.1.4,10.0.2.4,50003,8080,6,O,B,NX,0,0,0,0'] }));
    const { ips, edges, tuples } = builder.finish();
    assert.equal(tuples, 3);
    assert.deepEqual(ips, ['10.0.1.4', '10.0.2.4', '10.0.1.9']);
    assert.equal(edges.length, 2);
    assert.equal(edges.find((edge) => edge.port === 8080)?.connections, 2);
  });

  it('builds from the rows a filter kept only', () => {
    const table = vnetTable({ '000D3A000001': ['10.0.1.4,10.0.2.4,50000,8080,6,O,B,NX,0,0,0,0', '10.0.1.4,10.0.2.5,50000,443,6,O,B,NX,0,0,0,0'] });
    const builder = new DependencyMapBuilder();
    builder.add(table, Uint32Array.of(1));
    const { ips, edges } = builder.finish();
    assert.deepEqual(ips, ['10.0.1.4', '10.0.2.5']);
    assert.equal(edges[0].port, 443);
  });
});

describe('dependency map: naming addresses from the inventory', () => {
  const namer = new EndpointNamer(book);

  it('names a NIC with its VM, subnet and network', () => {
    assert.deepEqual(namer.name('10.0.1.4'), {
      ip: '10.0.1.4',
      kind: 'nic',
      nic: 'nic-web-01',
      vm: 'vm-web-01',
      subnet: 'snet-web',
      vnet: 'vnet-prod',
      vnetId: book.vnets[0].id,
      subnetPrefixes: ['10.0.1.0/24'],
      vnetPrefixes: ['10.0.0.0/16'],
    });
  });

  it('places an address on no known NIC in its subnet or network, and tells Azure platform, private and internet addresses apart', () => {
    assert.deepEqual([namer.name('10.0.1.200').kind, namer.name('10.0.1.200').subnet], ['subnet', 'snet-web']);
    assert.deepEqual([namer.name('10.0.9.9').kind, namer.name('10.0.9.9').vnet], ['vnet', 'vnet-prod']);
    assert.equal(namer.name('168.63.129.16').kind, 'azure');
    assert.equal(namer.name('169.254.169.254').kind, 'azure');
    assert.equal(namer.name('192.168.7.7').kind, 'private');
    assert.equal(namer.name('100.64.0.9').kind, 'private');
    assert.equal(namer.name('fd00::5').kind, 'private');
    assert.equal(namer.name('203.0.113.9').kind, 'internet');
    assert.equal(namer.name('2001:db8::1').kind, 'internet');
  });

  it('names no network for an address two networks with one address space both hold', () => {
    const endpoint = namer.name('172.16.0.4');
    assert.equal(endpoint.kind, 'private');
    assert.equal(endpoint.vnet, undefined);
  });
});

describe('dependency map: grouping, filtering and exports', () => {
  function model(): DependencyMapModel {
    const table = vnetTable({
      '000D3A000001': [
        '10.0.1.4,10.0.2.4,50000,8080,6,O,B,NX,0,0,0,0',
        '10.0.1.5,10.0.2.4,50000,8080,6,O,B,NX,0,0,0,0',
        '10.0.1.5,10.0.2.4,50001,8080,6,O,E,NX,1,100,1,100',
        '10.0.1.4,203.0.113.9,50000,443,6,O,B,NX,0,0,0,0',
        '10.0.1.5,198.51.100.7,50000,443,6,O,B,NX,0,0,0,0',
        '198.51.100.7,10.0.1.4,40000,22,6,I,D,NX,0,0,0,0',
      ],
    });
    return namedMap(edgesOf(table), 'PT1H.json', book);
  }

  it('merges the edges that join the same two groups on the same service', () => {
    const byEndpoint = groupMap(model(), 'endpoint');
    assert.equal(byEndpoint.nodes.length, 5);
    assert.equal(byEndpoint.edges.length, 5);
    const bySubnet = groupMap(model(), 'subnet');
    assert.deepEqual(bySubnet.nodes.map((node) => node.label).sort(), ['Internet', 'snet-app', 'snet-web']);
    const webToApp = bySubnet.edges.find((edge) => edge.port === 8080);
    assert.equal(webToApp?.connections, 2);
    assert.equal(webToApp?.bytes, 200);
    assert.deepEqual(bySubnet.nodes[webToApp?.source ?? -1].addresses.sort(), ['10.0.1.4', '10.0.1.5']);
    const toInternet = bySubnet.edges.filter((edge) => edge.port === 443);
    assert.equal(toInternet.length, 1, 'both public peers are one Internet node');
    assert.equal(toInternet[0].connections, 2);
    const byVnet = groupMap(model(), 'vnet');
    assert.deepEqual(byVnet.nodes.map((node) => node.label).sort(), ['Internet', 'vnet-prod']);
    const byVm = groupMap(model(), 'vm');
    assert.deepEqual(byVm.nodes.map((node) => node.label).sort(), ['Internet', 'vm-app-01', 'vm-web-01', 'vm-web-02']);
  });

  it('filters by name or address, decision and service before grouping', () => {
    const denied = groupMap(model(), 'vm', { decision: 'deny' });
    assert.equal(denied.edges.length, 1);
    assert.equal(denied.edges[0].port, 22);
    const app = groupMap(model(), 'vm', { text: 'APP-01' });
    assert.deepEqual(app.edges.map((edge) => `${app.nodes[edge.source].label} > ${app.nodes[edge.target].label}:${edge.port}`).sort(), ['vm-web-01 > vm-app-01:8080', 'vm-web-02 > vm-app-01:8080']);
    assert.deepEqual(groupMap(model(), 'endpoint', { port: 443, protocol: 6 }).edges.length, 2);
    assert.deepEqual(groupMap(model(), 'endpoint', { port: 443, protocol: 17 }).edges.length, 0);
  });

  it('filters the viewer to the flows behind an edge: addresses, a subnet\'s prefixes, and no list for the internet', () => {
    const byEndpoint = groupMap(model(), 'endpoint');
    const single = byEndpoint.edges.find((edge) => edge.port === 22);
    assert.ok(single);
    assert.deepEqual(edgeRowFilter(model(), byEndpoint, single, 'endpoint'), { protocols: [6], srcIp: '198.51.100.7', dstIp: '10.0.1.4', port: '22' });
    const bySubnet = groupMap(model(), 'subnet');
    const webToApp = bySubnet.edges.find((edge) => edge.port === 8080);
    assert.ok(webToApp);
    assert.deepEqual(edgeRowFilter(model(), bySubnet, webToApp, 'subnet'), { protocols: [6], srcIp: '10.0.1.0/24', dstIp: '10.0.2.0/24', port: '8080' });
    const toInternet = bySubnet.edges.find((edge) => edge.port === 443);
    assert.ok(toInternet);
    assert.deepEqual(edgeRowFilter(model(), bySubnet, toInternet, 'subnet'), { protocols: [6], srcIp: '10.0.1.0/24', port: '443' });
    const byVm = groupMap(model(), 'vm');
    const fromWeb02 = byVm.edges.find((edge) => edge.port === 8080 && byVm.nodes[edge.source].label === 'vm-web-02');
    assert.ok(fromWeb02);
    assert.deepEqual(edgeRowFilter(model(), byVm, fromWeb02, 'vm'), { protocols: [6], srcIp: '10.0.1.5', dstIp: '10.0.2.4', port: '8080' });
  });

  it('exports a CSV edge list with names a spreadsheet would run as formulas neutralised', () => {
    const hostile = model();
    hostile.endpoints[0] = { ...hostile.endpoints[0], vm: '=HYPERLINK("http://x")' };
    const csv = exportMap(groupMap(hostile, 'vm'), 'csv');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'source,source_kind,source_addresses,destination,destination_kind,destination_addresses,protocol,port,connections,allowed,denied,bytes,packets,first_seen,last_seen,processes');
    assert.ok(lines.some((line) => line.startsWith(`"'=HYPERLINK(""http://x"")",nic,10.0.1.4,vm-app-01,nic,10.0.2.4,TCP,8080,1,1,0,0,0,`)), csv);
  });

  it('exports Mermaid and DOT graphs with every name escaped for its format', () => {
    const tricky = model();
    tricky.endpoints[0] = { ...tricky.endpoints[0], vm: 'vm "web" #1 \\ a' };
    const mermaid = exportMap(groupMap(tricky, 'vm'), 'mermaid');
    assert.match(mermaid, /^flowchart LR\n/);
    assert.ok(mermaid.includes('["vm #quot;web#quot; #35;1 \\ a (snet-web)"]'), mermaid);
    assert.ok(/n\d+ -\.->\|"TCP 22 · 1 conn\. · 1 denied"\| n\d+/.test(mermaid), mermaid);
    const dot = exportMap(groupMap(tricky, 'vm'), 'dot');
    assert.ok(dot.includes('[label="vm \\"web\\" #1 \\\\ a\\nsnet-web"'), dot);
    assert.ok(dot.includes('style=dashed, color=red'));
    assert.ok(dot.trim().endsWith('}'));
  });
});

describe('dependency map: messages from its page', () => {
  it('takes well-formed messages and names the field of a bad one', () => {
    assert.deepEqual(checkMapToHost({ type: 'openEdge', grouping: 'vm', filter: { text: 'web', port: 443 }, edge: 3 }), {
      message: { type: 'openEdge', grouping: 'vm', filter: { text: 'web', port: 443 }, edge: 3 },
    });
    assert.deepEqual(checkMapToHost({ type: 'export', grouping: 'subnet', filter: {}, format: 'pdf' }), { problem: 'format: not csv, mermaid or dot' });
    assert.deepEqual(checkMapToHost({ type: 'openEdge', grouping: 'vm', filter: { port: 70000 }, edge: 1 }), { problem: 'filter.port: not a port 0–65535' });
    assert.deepEqual(checkMapToHost({ type: 'openEdge', grouping: 'tenant', filter: {}, edge: 1 }), { problem: 'grouping: not endpoint, vm, subnet or vnet' });
    assert.deepEqual(checkMapToHost({ type: 'openEdge', grouping: 'vm', filter: {}, edge: -1 }), { problem: 'edge: not an edge index' });
    assert.deepEqual(checkMapToHost({ type: 'run', command: 'rm' }), { problem: 'type: "run" is not a message the map sends' });
  });
});
