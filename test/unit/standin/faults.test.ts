import assert from 'node:assert/strict';
import { cidrsOverlap, overlappingPrefixes } from '../../standin/cidr';
import { Faults } from '../../standin/faults';
import { OperationTracker } from '../../standin/operations';

describe('stand-in fault rules', () => {
  it('applies a rule to the next N matching requests only, by path substring and method', () => {
    const faults = new Faults();
    faults.throttle({ match: '/virtualNetworks', method: 'get', count: 2, retryAfterSeconds: 3 });
    assert.equal(faults.take('throttle', 'PUT', '/subscriptions/s/providers/Microsoft.Network/virtualNetworks'), undefined);
    assert.equal(faults.take('throttle', 'GET', '/subscriptions/s/providers/Microsoft.Network/networkInterfaces'), undefined);
    assert.equal(faults.take('throttle', 'GET', '/subscriptions/s/providers/Microsoft.Network/VIRTUALNETWORKS')?.retryAfterSeconds, 3);
    assert.ok(faults.take('throttle', 'GET', '/x/virtualNetworks'));
    assert.equal(faults.take('throttle', 'GET', '/x/virtualNetworks'), undefined, 'used up after two');
  });

  it('reads rules from JSON, including regular expressions and latency', () => {
    const faults = new Faults();
    faults.addFromJson({ kind: 'serverError', match: 'peerings/p[0-9]+$', regex: true, status: 503 });
    faults.addFromJson({ kind: 'latency', ms: 40 });
    assert.equal(faults.latencyMs, 40);
    assert.equal(faults.take('serverError', 'PUT', '/a/virtualNetworkPeerings/p1x'), undefined);
    assert.equal(faults.take('serverError', 'PUT', '/a/virtualNetworkPeerings/p12')?.status, 503);
    assert.throws(() => faults.addFromJson({ kind: 'flood' }), /Unknown fault kind "flood"/);
    faults.reset();
    assert.deepEqual(faults.describe(), { latencyMs: 0, rules: [] });
  });
});

describe('stand-in long-running operations', () => {
  it('answer InProgress for the configured number of polls, then end and apply the change', () => {
    const tracker = new OperationTracker({ pollsBeforeDone: 2, completeAfterMs: 60000 });
    let applied = 0;
    const operation = tracker.start({ onSucceeded: () => { applied += 1; } });
    assert.equal(tracker.poll(operation.id)?.status, 'InProgress');
    assert.equal(tracker.poll(operation.id)?.status, 'InProgress');
    assert.equal(applied, 0);
    assert.equal(tracker.poll(operation.id)?.status, 'Succeeded');
    assert.equal(tracker.poll(operation.id)?.status, 'Succeeded');
    assert.equal(applied, 1, 'the change happens once');
    tracker.dispose();
  });

  it('ends as Failed with the injected error', () => {
    const tracker = new OperationTracker({ pollsBeforeDone: 0, completeAfterMs: 60000 });
    let failed = false;
    const operation = tracker.start({ onSucceeded: () => assert.fail('must not succeed'), onFailed: () => { failed = true; }, failure: { code: 'Conflict', message: 'Another operation is in progress.' } });
    const polled = tracker.poll(operation.id);
    assert.equal(polled?.status, 'Failed');
    assert.equal(polled?.failure?.code, 'Conflict');
    assert.ok(failed);
    tracker.dispose();
  });
});

describe('stand-in address-space overlap', () => {
  it('finds overlapping IPv4 and IPv6 prefixes and ignores disjoint ones', () => {
    assert.ok(cidrsOverlap('10.1.0.0/16', '10.1.4.0/24'));
    assert.ok(!cidrsOverlap('10.1.0.0/16', '10.2.0.0/16'));
    assert.ok(cidrsOverlap('fd00:1::/48', 'fd00:1:0:5::/64'));
    assert.ok(!cidrsOverlap('10.0.0.0/8', 'fd00::/8'));
    assert.deepEqual(overlappingPrefixes(['10.0.0.0/16', '192.168.0.0/24'], ['172.16.0.0/12', '10.0.128.0/17']), ['10.0.0.0/16', '10.0.128.0/17']);
  });
});
