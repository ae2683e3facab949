import assert from 'node:assert/strict';
import { decodeFlowLogBytes } from '../../../src/flowlogs/flowLogDecoder';
import { observedFlowsFromTable } from '../../../src/flowlogs/observedFlows';

const nsgId = '/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-WEB';

function nsgRecord(rule: string, mac: string, tuples: string[]): string {
  return `{"time":"2025-06-15T10:00:35.3899262Z","category":"NetworkSecurityGroupFlowEvent","resourceId":"${nsgId}","operationName":"NetworkSecurityGroupFlowEvents","properties":{"Version":2,"flows":[{"rule":"${rule}","flows":[{"mac":"${mac}","flowTuples":${JSON.stringify(tuples)}}]}]}}`;
}

describe('observed flows from decoded flow logs', () => {
  it('merges tuples of one client to one service across source ports, keeps decisions apart, and names the NIC by MAC', () => {
    const bytes = Buffer.from(
      `{"records":[${[
        nsgRecord('UserRule_allow-https-internet', '000D3A7A1001', [
          '1750000000,203.0.113.7,10.1.1.4,50001,443,T,I,A,B,,,,',
          '1750000010,203.0.113.7,10.1.1.4,50001,443,T,I,A,E,5,600,4,3000',
          '1750000020,203.0.113.7,10.1.1.4,50777,443,T,I,A,E,2,100,2,200',
        ]),
        nsgRecord('DefaultRule_DenyAllInBound', '000D3A7A1001', ['1750000030,45.1.2.3,10.1.1.4,40000,3306,T,I,D,B,,,,']),
        nsgRecord('DefaultRule_AllowInternetOutBound', '000D3A7A1002', ['1750000040,10.1.1.5,20.60.1.1,41000,443,U,O,A,B,,,,']),
      ].join(',')}]}`,
    );
    const { table } = decodeFlowLogBytes(bytes);
    const flows = observedFlowsFromTable(table, { nicIdOfMac: (mac) => (mac === '000D3A7A1001' ? '/x/networkinterfaces/nic-web-01' : undefined) });
    assert.equal(flows.length, 3);
    const https = flows.find((flow) => flow.dstPort === 443 && flow.protocol === 6)!;
    assert.equal(https.count, 3);
    assert.equal(https.packets, 13, 'packets both ways, absent counters left out');
    assert.equal(https.bytes, 3900);
    assert.equal(https.firstSeen, 1750000000000);
    assert.equal(https.lastSeen, 1750000020000);
    assert.equal(https.nicId, '/x/networkinterfaces/nic-web-01');
    assert.equal(https.targetId, nsgId.toLowerCase());
    assert.equal(https.rule, 'UserRule_allow-https-internet');
    const denied = flows.find((flow) => flow.decision === 'deny')!;
    assert.equal(denied.dstPort, 3306);
    assert.equal(denied.packets, undefined);
    const outbound = flows.find((flow) => flow.direction === 'outbound')!;
    assert.equal(outbound.protocol, 17);
    assert.equal(outbound.nicId, undefined);
    assert.equal(outbound.mac, '000D3A7A1002');
    assert.equal(observedFlowsFromTable(table, { keepSourcePorts: true }).length, 4, 'two source ports stay two flows when asked');
    assert.equal(observedFlowsFromTable(table, { from: 1750000025000 }).length, 2, 'tuples before the window are left out');
  });
});
