import assert from 'node:assert/strict';
import { addressCount, formatAddressCount, formatPrefixes, parsePrefix, prefixContains, prefixesOverlap, usableSubnetAddresses } from '../../../src/core/addresses';

describe('address helpers', () => {
  it('counts addresses and what Azure leaves usable in a subnet', () => {
    assert.equal(addressCount('10.0.0.0/16'), 65536);
    assert.equal(usableSubnetAddresses('10.0.1.0/24'), 251);
    assert.equal(usableSubnetAddresses('10.0.0.0/29'), 3);
    assert.equal(usableSubnetAddresses('10.0.0.0/30'), 0);
    assert.equal(addressCount('fd00::/64'), Number.POSITIVE_INFINITY);
    assert.equal(addressCount('fd00::/120'), 256);
    assert.equal(addressCount('not-a-prefix'), 0);
  });

  it('normalises a prefix to its network address and rejects what is not CIDR', () => {
    assert.deepEqual(parsePrefix('10.1.2.3/16'), { kind: 'ipv4', text: '10.1.0.0/16', length: 16 });
    assert.equal(parsePrefix('10.1.2.3'), undefined);
    assert.equal(parsePrefix('10.1.2.0/33'), undefined);
  });

  it('tells whether an address lies in a block and whether blocks overlap', () => {
    assert.equal(prefixContains('10.1.0.0/16', '10.1.2.4'), true);
    assert.equal(prefixContains('10.1.0.0/16', '10.2.0.1'), false);
    assert.equal(prefixContains('10.1.0.0/16', 'fd00::1'), false);
    assert.equal(prefixesOverlap('10.1.0.0/16', '10.1.0.0/24'), true, 'the demo sandbox overlaps prod');
    assert.equal(prefixesOverlap('10.1.0.0/24', '10.1.0.0/16'), true);
    assert.equal(prefixesOverlap('10.1.0.0/16', '10.2.0.0/16'), false);
  });

  it('formats prefix lists and counts for rows and tooltips', () => {
    assert.equal(formatPrefixes([]), 'no address space');
    assert.equal(formatPrefixes(['10.0.0.0/16', '10.5.0.0/16', '10.6.0.0/16']), '10.0.0.0/16 +2');
    assert.equal(formatAddressCount(65536), '65,536 addresses');
    assert.equal(formatAddressCount(1), '1 address');
  });
});
