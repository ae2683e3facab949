import assert from 'node:assert/strict';
import { addressOverlaps, formatOverlaps, invalidPrefixes } from '../../../../src/wizards/peering/addressOverlap';

describe('peering address overlap', () => {
  it('finds IPv4 overlaps in either direction and ignores neighbours', () => {
    assert.deepEqual(addressOverlaps(['10.0.0.0/16'], ['10.0.4.0/24']), [{ left: '10.0.0.0/16', right: '10.0.4.0/24' }]);
    assert.deepEqual(addressOverlaps(['10.0.4.0/24'], ['10.0.0.0/16']), [{ left: '10.0.4.0/24', right: '10.0.0.0/16' }]);
    assert.deepEqual(addressOverlaps(['10.0.0.0/16'], ['10.1.0.0/16', '192.168.0.0/24']), []);
    assert.deepEqual(addressOverlaps(['10.0.0.0/24'], ['10.0.1.0/24']), []);
  });

  it('finds IPv6 overlaps and never matches IPv4 with IPv6', () => {
    assert.deepEqual(addressOverlaps(['fd00:db8::/48'], ['fd00:db8:0:1::/64']), [{ left: 'fd00:db8::/48', right: 'fd00:db8:0:1::/64' }]);
    assert.deepEqual(addressOverlaps(['fd00:db8::/48'], ['fd00:db9::/48']), []);
    assert.deepEqual(addressOverlaps(['10.0.0.0/8'], ['::ffff:10.0.0.0/104']), []);
  });

  it('checks every prefix of dual-stack spaces and formats the pairs', () => {
    const overlaps = addressOverlaps(['10.0.0.0/16', 'fd00:1::/48'], ['10.2.0.0/16', 'fd00:1:0:5::/64', '10.0.128.0/17']);
    assert.equal(formatOverlaps(overlaps), '10.0.0.0/16 ↔ 10.0.128.0/17, fd00:1::/48 ↔ fd00:1:0:5::/64');
  });

  it('names prefixes that are not CIDR blocks', () => {
    assert.deepEqual(invalidPrefixes(['10.0.0.0/16', '10.0.0.0', 'fd00::/129']), ['10.0.0.0', 'fd00::/129']);
  });
});
