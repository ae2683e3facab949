import * as assert from 'node:assert/strict';
import { buildAddressOwners, flowOwners, hasNoOwners, ownerLabel, type OwnedNic } from '../../../src/flowlogs/addressOwners';

function nic(fields: Partial<OwnedNic> & { name: string }): OwnedNic {
  return { privateIpAddresses: [], ...fields };
}

describe('address owners', () => {
  const web = nic({ name: 'nic-web-01', macAddress: '00-0D-3A-7A-10-01', privateIpAddresses: ['10.1.1.4'], virtualMachineName: 'vm-web-01' });
  const db = nic({ name: 'nic-db-01', macAddress: '00:0d:3a:7a:10:02', privateIpAddresses: ['10.1.2.4'] });

  it('keys NICs by the MAC as flow logs write it and by their private addresses', () => {
    const owners = buildAddressOwners([web, db]);
    assert.deepEqual(owners.byMac['000D3A7A1001'], { nic: 'nic-web-01', vm: 'vm-web-01' });
    assert.deepEqual(owners.byMac['000D3A7A1002'], { nic: 'nic-db-01' });
    assert.deepEqual(owners.byIp['10.1.2.4'], { nic: 'nic-db-01' });
  });

  it('names no NIC for an address two NICs share (the same range in two networks)', () => {
    const twin = nic({ name: 'nic-web-02', privateIpAddresses: ['10.1.1.4'] });
    const owners = buildAddressOwners([web, twin, nic({ name: 'nic-web-03', privateIpAddresses: ['10.1.1.4'] })]);
    assert.equal(owners.byIp['10.1.1.4'], undefined);
    assert.deepEqual(owners.byMac['000D3A7A1001'], { nic: 'nic-web-01', vm: 'vm-web-01' }, 'its MAC still names it');
  });

  it('names no NIC for an address two NICs of the same name share (a dev copy of prod in another resource group)', () => {
    const prod = nic({ armId: '/subscriptions/p/resourceGroups/rg-prod/providers/Microsoft.Network/networkInterfaces/nic-web-01', name: 'nic-web-01', privateIpAddresses: ['10.1.1.4'], virtualMachineName: 'vm-web-01' });
    const dev = nic({ armId: '/subscriptions/d/resourceGroups/rg-dev/providers/Microsoft.Network/networkInterfaces/nic-web-01', name: 'nic-web-01', privateIpAddresses: ['10.1.1.4'], virtualMachineName: 'vm-web-01-dev' });
    assert.equal(buildAddressOwners([prod, dev]).byIp['10.1.1.4'], undefined);
    const twoConfigurations = nic({ armId: prod.armId, name: 'nic-web-01', privateIpAddresses: ['10.1.1.4', '10.1.1.4'] });
    assert.deepEqual(buildAddressOwners([twoConfigurations]).byIp['10.1.1.4'], { nic: 'nic-web-01' }, 'one NIC listing an address twice still owns it');
  });

  it('labels a NIC with its VM when it has one', () => {
    assert.equal(ownerLabel({ nic: 'nic-web-01', vm: 'vm-web-01' }), 'nic-web-01 (vm-web-01)');
    assert.equal(ownerLabel({ nic: 'nic-db-01' }), 'nic-db-01');
    assert.equal(ownerLabel(undefined), '');
  });

  it("names the logged NIC's end by the record's MAC and the other end by its address", () => {
    const owners = buildAddressOwners([web, db]);
    // Outbound from web's NIC to db: the source is the MAC's NIC even when its address is not listed.
    assert.deepEqual(flowOwners(owners, { srcIp: '10.1.1.99', dstIp: '10.1.2.4', direction: 'outbound', mac: '000D3A7A1001' }), {
      src: { nic: 'nic-web-01', vm: 'vm-web-01' },
      dst: { nic: 'nic-db-01' },
    });
    // Inbound from the internet to web's NIC.
    assert.deepEqual(flowOwners(owners, { srcIp: '52.239.184.180', dstIp: '10.1.1.4', direction: 'inbound', mac: '000D3A7A1001' }), {
      dst: { nic: 'nic-web-01', vm: 'vm-web-01' },
    });
    assert.deepEqual(flowOwners(owners, { srcIp: '8.8.8.8', dstIp: '1.1.1.1', direction: 'inbound', mac: 'FFFFFFFFFFFF' }), {});
  });

  it('tells an empty lookup apart', () => {
    assert.equal(hasNoOwners(undefined), true);
    assert.equal(hasNoOwners(buildAddressOwners([])), true);
    assert.equal(hasNoOwners(buildAddressOwners([db])), false);
  });
});
