import assert from 'node:assert/strict';
import { checkQuota, checkSize, eligibleSizes, parseSshPublicKey, validateAdminUsername, validateSourcePrefix, validateSourcePrefixes, validateVmName } from '../../../../src/wizards/collector/checks';
import { answers, facts, size, sshKey } from './builders';

describe('collector checks', () => {
  it('takes RSA keys of 2048 bits or more and ED25519 keys, and names the file and the problem otherwise', () => {
    const rsa = parseSshPublicKey(`${sshKey('rsa', 2048)}\n`, '~/.ssh/id_rsa.pub');
    assert.ok(!('problem' in rsa) && rsa.type === 'ssh-rsa' && rsa.bits === 2048);
    const ed = parseSshPublicKey(sshKey('ed25519'), '~/.ssh/id_ed25519.pub');
    assert.ok(!('problem' in ed) && ed.type === 'ssh-ed25519' && ed.comment === 'ops@example');

    const short = parseSshPublicKey(sshKey('rsa', 1024), '/keys/old.pub');
    assert.ok('problem' in short);
    assert.match(short.problem, /^\/keys\/old\.pub: an RSA key of 1024 bits; Azure needs at least 2048 bits/);

    const privateKey = parseSshPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n', '/keys/id_ed25519');
    assert.ok('problem' in privateKey && /\/keys\/id_ed25519 holds a private key/.test(privateKey.problem));

    const ecdsa = parseSshPublicKey('ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me', 'ecdsa.pub');
    assert.ok('problem' in ecdsa && /ecdsa\.pub is a ecdsa-sha2-nistp256 key; Azure takes only RSA/.test(ecdsa.problem));

    const damaged = sshKey('ed25519').replace(/^ssh-ed25519/, 'ssh-rsa');
    const mismatch = parseSshPublicKey(damaged, 'k.pub');
    assert.ok('problem' in mismatch && /does not match its type ssh-rsa/.test(mismatch.problem));

    const empty = parseSshPublicKey('\n\n', 'empty.pub');
    assert.ok('problem' in empty && /empty\.pub is empty/.test(empty.problem));
  });

  it('refuses VM names Azure or a host name would refuse', () => {
    assert.equal(validateVmName('vm-sensor-1'), undefined);
    assert.match(validateVmName('a'.repeat(65)) ?? '', /1 to 64/);
    assert.match(validateVmName('vm_sensor') ?? '', /letters, digits and hyphens/);
    assert.match(validateVmName('vm.sensor') ?? '', /letters, digits and hyphens/);
    assert.match(validateVmName('-vm') ?? '', /start or end with a hyphen/);
    assert.match(validateVmName('12345') ?? '', /digits only/);
    assert.match(validateAdminUsername('root') ?? '', /reserved/);
    assert.match(validateAdminUsername('Azure User') ?? '', /lower-case/);
  });

  it('never lets the whole internet in', () => {
    for (const prefix of ['*', 'Internet', '0.0.0.0/0', 'any']) {
      assert.match(validateSourcePrefix(prefix, 'Source prefixes') ?? '', /whole internet/, prefix);
    }
    assert.equal(validateSourcePrefix('10.1.0.0/16', 'x'), undefined);
    assert.equal(validateSourcePrefix('10.1.0.4', 'x'), undefined);
    assert.equal(validateSourcePrefix('VirtualNetwork', 'x'), undefined);
    assert.match(validateSourcePrefix('10.1.0.0/33', 'Source prefixes') ?? '', /not an IP address/);
  });

  it('refuses what Azure refuses in a rule: a block with host bits set, a service tag in a list', () => {
    assert.equal(validateSourcePrefix('10.1.2.3/16', 'Source prefixes'), 'Source prefixes: 10.1.2.3/16 has bits set after its prefix length; Azure takes only the block\'s first address: 10.1.0.0/16.');
    assert.equal(validateSourcePrefix('fd00:0:0::/64', 'x'), undefined, 'one IPv6 block in another spelling');
    assert.match(validateSourcePrefix('fd00::1/64', 'x') ?? '', /fd00::\/64/);
    assert.match(validateSourcePrefixes('10.1.0.0/16, VirtualNetwork') ?? '', /VirtualNetwork is a service tag, which Azure takes only on its own/);
    assert.equal(validateSourcePrefixes('VirtualNetwork'), undefined);
    assert.equal(validateSourcePrefixes('10.1.0.0/16, 10.2.0.0/16'), undefined);
  });

  it('refuses Premium SSD disks on a size without Premium Storage', () => {
    const plain = checkSize(answers({ size: 'Standard_D2_v5' }), facts({ sizes: [size('Standard_D2_v5', 2, { premiumIO: false })] }));
    assert.equal(plain.status, 'failed');
    assert.match(plain.detail, /Standard_D2_v5 does not take Premium SSD disks/);
    assert.equal(checkSize(answers({ size: 'Standard_D2_v5', osDiskType: 'StandardSSD_LRS' }), facts({ sizes: [size('Standard_D2_v5', 2, { premiumIO: false })] })).status, 'passed');
  });

  it('leaves out restricted sizes, sizes under 2 vCPUs and sizes without accelerated networking', () => {
    assert.deepEqual(eligibleSizes(facts().sizes).map((entry) => entry.name), ['Standard_D2s_v5', 'Standard_D4s_v5']);
  });

  it('fails the quota check naming the quota, the usage, the limit and what is needed', () => {
    const regional = checkQuota(answers(), facts({ usages: [
      { name: 'cores', localizedName: 'Total Regional vCPUs', current: 18, limit: 20 },
      { name: 'standardDSv5Family', localizedName: 'Standard DSv5 Family vCPUs', current: 2, limit: 10 },
    ] }));
    assert.equal(regional.status, 'failed');
    assert.match(regional.detail, /Total Regional vCPUs \(cores\): 18 of 20 in use, Standard_D4s_v5 needs 4 more \(a limit of at least 22\)/);
    assert.doesNotMatch(regional.detail, /DSv5/, 'the family limit that fits is not named as a problem');

    const family = checkQuota(answers(), facts({ usages: [
      { name: 'cores', localizedName: 'Total Regional vCPUs', current: 0, limit: 100 },
      { name: 'standardDSv5Family', localizedName: 'Standard DSv5 Family vCPUs', current: 8, limit: 10 },
    ] }));
    assert.equal(family.status, 'failed');
    assert.match(family.detail, /Standard DSv5 Family vCPUs \(standardDSv5Family\): 8 of 10 in use, Standard_D4s_v5 needs 4 more \(a limit of at least 12\)/);

    const fits = checkQuota(answers(), facts());
    assert.equal(fits.status, 'passed');
    assert.match(fits.detail, /cores\): 6 \+ 4 of 20; .*standardDSv5Family\): 2 \+ 4 of 10/);

    const unknown = checkQuota(answers(), facts({ usages: [{ name: 'cores', localizedName: 'Total Regional vCPUs', current: 0, limit: 100 }] }));
    assert.equal(unknown.status, 'warning');
    assert.match(unknown.detail, /standardDSv5Family vCPUs/);

    const existing = checkQuota(answers(), facts({ sizes: [size('Standard_D4s_v5', 4)], usages: [], existingVm: { armId: 'x', name: 'vm-sensor-1', location: 'westeurope', size: 'Standard_D4s_v5', nicIds: [], powerState: 'running' } }));
    assert.equal(existing.status, 'passed', 'a VM that already exists needs no more quota');
  });
});
