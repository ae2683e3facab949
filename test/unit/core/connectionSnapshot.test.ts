import assert from 'node:assert/strict';
import { connectionsOf, listeningPorts, mergeSamples, normaliseAddress, socketStateOf, type ConnectionSnapshot, type SnapshotSocket } from '../../../src/core/connectionSnapshot';
import { ConnectionSnapshotStore } from '../../../src/core/connectionSnapshotStore';

const vmId = '/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-web-01';

function snapshot(takenAt: string, sockets: SnapshotSocket[], fields: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return { vmId, vmName: 'vm-web-01', os: 'Linux', takenAt, samples: 1, sockets, ...fields };
}

const listener: SnapshotSocket = { protocol: 'TCP', state: 'LISTEN', local: { address: '0.0.0.0', port: 443 }, process: { name: 'nginx', pid: 812 } };
const toApp: SnapshotSocket = { protocol: 'TCP', state: 'ESTABLISHED', local: { address: '10.1.1.4', port: 51724 }, remote: { address: '10.1.2.4', port: 8080 }, process: { name: 'nginx', pid: 813 } };
const fromClient: SnapshotSocket = { protocol: 'TCP', state: 'ESTABLISHED', local: { address: '10.1.1.4', port: 443 }, remote: { address: '10.0.2.4', port: 50110 }, process: { name: 'nginx', pid: 813 } };

describe('connection snapshot model', () => {
  it('normalises addresses: mapped IPv4, scopes, brackets, zero runs', () => {
    assert.equal(normaliseAddress('::ffff:10.0.0.4'), '10.0.0.4');
    assert.equal(normaliseAddress('[::ffff:10.1.2.3]'), '10.1.2.3');
    assert.equal(normaliseAddress('[fe80::20d:3aff:fe4c:217e%eth0]'), 'fe80::20d:3aff:fe4c:217e');
    assert.equal(normaliseAddress('fe80::1%15'), 'fe80::1');
    assert.equal(normaliseAddress('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(normaliseAddress('*'), '*');
    assert.equal(normaliseAddress('10.1.2.4'), '10.1.2.4');
    assert.equal(normaliseAddress('nginx'), undefined);
  });

  it('names states from ss and from Get-NetTCPConnection alike', () => {
    assert.equal(socketStateOf('ESTAB'), 'ESTABLISHED');
    assert.equal(socketStateOf('Established'), 'ESTABLISHED');
    assert.equal(socketStateOf('TIME-WAIT'), 'TIME_WAIT');
    assert.equal(socketStateOf('TimeWait'), 'TIME_WAIT');
    assert.equal(socketStateOf('Listen'), 'LISTEN');
    assert.equal(socketStateOf('Bound'), 'BOUND');
    assert.equal(socketStateOf('weird'), 'UNKNOWN');
  });

  it('merges samples: a short-lived connection seen once is kept, a steady one counted in each sample', () => {
    const shortLived: SnapshotSocket = { protocol: 'TCP', state: 'SYN_SENT', local: { address: '10.1.1.4', port: 40112 }, remote: { address: '10.1.3.4', port: 1433 } };
    const merged = mergeSamples([
      snapshot('2026-12-08T01:00:10.000Z', [listener, toApp, { ...shortLived }]),
      snapshot('2026-12-08T01:00:00.000Z', [listener, { ...toApp, state: 'TIME_WAIT' }]),
      snapshot('2026-12-08T01:00:20.000Z', [listener, fromClient, { ...shortLived, state: 'ESTABLISHED' }], { notes: ['stderr: partial'] }),
    ]);
    assert.equal(merged.samples, 3);
    assert.equal(merged.takenAt, '2026-12-08T01:00:00.000Z');
    assert.equal(merged.lastSampleAt, '2026-12-08T01:00:20.000Z');
    assert.deepEqual(merged.notes, ['stderr: partial']);
    assert.deepEqual(merged.sockets.map((socket) => [socket.state, socket.local.port, socket.remote?.port, socket.seenInSamples]), [
      ['LISTEN', 443, undefined, 3],
      ['ESTABLISHED', 443, 50110, 1],
      ['ESTABLISHED', 51724, 8080, 2],
      ['ESTABLISHED', 40112, 1433, 2],
    ]);
  });

  it('refuses to merge samples of different VMs or none', () => {
    assert.throws(() => mergeSamples([]), /No samples/);
    assert.throws(() => mergeSamples([snapshot('a', []), snapshot('b', [], { vmId: `${vmId}-2`, vmName: 'vm-web-02' })]), /vm-web-01 and vm-web-02/);
  });

  it('lists listeners once per port and process, and tells inbound from outbound connections', () => {
    const v6: SnapshotSocket = { ...listener, local: { address: '::', port: 443 } };
    const snap = snapshot('t', [listener, v6, toApp, fromClient]);
    assert.deepEqual(listeningPorts(snap), [{ protocol: 'TCP', port: 443, addresses: ['0.0.0.0', '::'], process: 'nginx' }]);
    assert.deepEqual(connectionsOf(snap).map((connection) => `${connection.direction} ${connection.remote.address}:${connection.remote.port} ${connection.process}`), [
      'outbound 10.1.2.4:8080 nginx',
      'inbound 10.0.2.4:50110 nginx',
    ]);
  });

  it('keeps the latest snapshot per VM and tells listeners once per put', () => {
    const store = new ConnectionSnapshotStore();
    const changes: string[][] = [];
    const subscription = store.onDidChange((change) => changes.push(change.vmIds));
    store.put([snapshot('1', [listener])]);
    store.put([snapshot('2', [listener, toApp], { vmId: vmId.toUpperCase() })]);
    assert.equal(store.all().length, 1);
    assert.equal(store.get(vmId.toUpperCase())?.takenAt, '2');
    subscription.dispose();
    store.clear();
    assert.deepEqual(changes, [[vmId], [vmId]]);
    assert.equal(store.all().length, 0);
  });
});
