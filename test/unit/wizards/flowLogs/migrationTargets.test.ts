import assert from 'node:assert/strict';
import { migrationTargets } from '../../../../src/wizards/flowLogs/migrationTargets';
import { existingFlowLog, subnetArmId, subnetTarget, target, vnetArmId } from './builders';

const otherSubnetArmId = `${vnetArmId}/subnets/snet-web`;
const nicArmId = (name: string) => vnetArmId.replace(/virtualNetworks\/vnet-dev-spoke$/, `networkInterfaces/${name}`);
const nic = (name: string, subnet: string) => target({ armId: nicArmId(name), id: nicArmId(name).toLowerCase(), name, kind: 'nic', subnetIds: [subnet.toLowerCase()], nicCount: 1 });
const otherSubnet = subnetTarget({ armId: otherSubnetArmId, id: otherSubnetArmId.toLowerCase(), name: 'vnet-dev-spoke/snet-web' });
const targets = [target(), subnetTarget(), otherSubnet, nic('nic-app-01', subnetArmId), nic('nic-web-01', otherSubnetArmId)];
const ids = (list: { name: string }[]) => list.map((item) => item.name);

describe('NSG flow-log migration targets', () => {
  it('targets the subnet the NSG is attached to, not its whole VNet, and a directly attached NIC elsewhere', () => {
    const picked = migrationTargets({ subnetIds: [subnetArmId.toLowerCase()], nicIds: [nicArmId('nic-web-01').toLowerCase()] }, targets, []);
    assert.deepEqual(ids(picked), ['vnet-dev-spoke/snet-app', 'nic-web-01']);
    assert.equal(picked[0].kind, 'subnet');
    assert.equal(picked[1].kind, 'nic');
  });

  it('keeps an enabled VNet flow log that already covers the subnet', () => {
    const picked = migrationTargets({ subnetIds: [subnetArmId.toLowerCase()], nicIds: [nicArmId('nic-web-01').toLowerCase()] }, targets, [existingFlowLog()]);
    assert.deepEqual(ids(picked), ['vnet-dev-spoke'], 'the VNet flow log covers both the subnet and the NIC');
    const disabled = migrationTargets({ subnetIds: [subnetArmId.toLowerCase()], nicIds: [] }, targets, [existingFlowLog({ enabled: false })]);
    assert.deepEqual(ids(disabled), ['vnet-dev-spoke/snet-app'], 'a disabled VNet flow log covers nothing');
  });

  it('skips a NIC in a subnet the NSG already covers, and keeps a subnet flow log that covers a NIC', () => {
    const inSubnet = migrationTargets({ subnetIds: [subnetArmId.toLowerCase()], nicIds: [nicArmId('nic-app-01').toLowerCase()] }, targets, []);
    assert.deepEqual(ids(inSubnet), ['vnet-dev-spoke/snet-app']);
    const subnetLogged = existingFlowLog({ name: 'fl-snet-web', targetId: otherSubnetArmId.toLowerCase(), targetArmId: otherSubnetArmId });
    const nicOnly = migrationTargets({ subnetIds: [], nicIds: [nicArmId('nic-web-01').toLowerCase()] }, targets, [subnetLogged]);
    assert.deepEqual(ids(nicOnly), ['vnet-dev-spoke/snet-web']);
  });

  it('finds nothing for an NSG attached to nothing the inventory shows', () => {
    assert.deepEqual(migrationTargets({ subnetIds: [`${vnetArmId}/subnets/gone`.toLowerCase()], nicIds: ['/x/nic'] }, targets, []), []);
  });
});
