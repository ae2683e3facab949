import assert from 'node:assert/strict';
import type { SubscriptionRef, VnetRef } from '../../../../src/azure/networkApi';
import { isBlocked, type Plan } from '../../../../src/core/plan';
import { peeringVnetOf } from '../../../../src/wizards/peering/peeringVnet';
import { combinePlans } from '../../../../src/wizards/setup/combinePlans';
import { freeHubAddressSpace, hubNetworkId, planHubNetwork, validateVnetName, type HubNetworkAnswers } from '../../../../src/wizards/setup/hubNetwork';
import { planMirrorSetUp, type MirrorEstate, type MirrorSetUp } from '../../../../src/wizards/setup/mirrorPlan';
import type { PlannedCollectorNic } from '../../../../src/wizards/setup/plannedEstate';
import { armId, estate as tapEstate, key, sourceNic, subnet, subscriptionId, vnet } from '../tap/builders';

const securityId = '99999999-8888-7777-6666-555555555555';
const subscription: SubscriptionRef = { id: `/subscriptions/${subscriptionId}`, subscriptionId, displayName: 'Workloads', tenantId: 'tenant-1', state: 'Enabled', properties: {} };

function hubAnswers(fields: Partial<HubNetworkAnswers> = {}): HubNetworkAnswers {
  return {
    subscriptionId: securityId,
    subscriptionName: 'Security',
    tenantId: 'tenant-1',
    resourceGroup: 'rg-sec',
    createResourceGroup: true,
    location: 'eastus',
    name: 'vnet-sec-hub',
    addressPrefix: '10.60.0.0/16',
    subnetName: 'snet-sensors',
    subnetPrefix: '10.60.1.0/24',
    ...fields,
  };
}

const collectorNicArmId = `/subscriptions/${securityId}/resourceGroups/rg-sec/providers/Microsoft.Network/networkInterfaces/vm-sensor-nic`;

function collectorNic(): PlannedCollectorNic {
  return {
    nicArmId: collectorNicArmId,
    ipConfigurationName: 'ipconfig1',
    vmName: 'vm-sensor',
    subnetArmId: `${hubNetworkId(hubAnswers())}/subnets/snet-sensors`,
    subscriptionId: securityId,
    subscriptionName: 'Security',
    tenantId: 'tenant-1',
    resourceGroup: 'rg-sec',
    location: 'eastus',
  };
}

/** What a collector part looks like: its NSG, its NIC, its VM. */
function collectorPlan(): Plan {
  const put = (id: string, resourceId: string, resourceType: string, dependsOn: string[]) => ({ id, kind: 'put' as const, title: `Create ${resourceId.split('/').pop()}`, resourceId, resourceType, apiVersion: '2026-01-01', body: { location: 'eastus' }, dependsOn, tenantId: 'tenant-1', existing: 'absent' as const });
  const group = `/subscriptions/${securityId}/resourceGroups/rg-sec`;
  return {
    kind: 'monitoringSetUp',
    title: 'Create collector vm-sensor',
    summary: ['Collector vm-sensor (Standard_D2s_v5).'],
    checks: [{ id: 'collector.quota', title: 'vCPU quota', status: 'passed', detail: '2 of 10 vCPUs' }],
    warnings: [],
    actions: [
      { ...put('a1', `${group}`, 'Microsoft.Resources/resourceGroups', []), title: 'Create resource group rg-sec in Security', apiVersion: '2025-04-01', body: { location: 'eastus' } },
      put('a2', `${group}/providers/Microsoft.Network/networkSecurityGroups/vm-sensor-nsg`, 'Microsoft.Network/networkSecurityGroups', ['a1']),
      put('a3', collectorNicArmId, 'Microsoft.Network/networkInterfaces', ['a2']),
      put('a4', `${group}/providers/Microsoft.Compute/virtualMachines/vm-sensor`, 'Microsoft.Compute/virtualMachines', ['a3']),
    ],
  };
}

/** Two workload VNets in one subscription, not yet peered with anything; the TAP builders' hub stays. */
function mirrorEstate(): MirrorEstate {
  const spokeA: VnetRef = { ...vnet('vnet-app', [subnet('vnet-app', 'snet-web')]), addressSpace: ['10.1.0.0/16'] };
  const spokeB: VnetRef = { ...vnet('vnet-data', [subnet('vnet-data', 'snet-db')]), addressSpace: ['10.2.0.0/16'] };
  const base = tapEstate();
  const tap = {
    ...base,
    nics: [sourceNic('nic-web-01', { vnet: 'vnet-app', subnet: 'snet-web', subscriptionName: 'Workloads' }), sourceNic('nic-db-01', { vnet: 'vnet-data', subnet: 'snet-db', privateIps: ['10.2.1.4'], subscriptionName: 'Workloads' })],
    vnets: [...base.vnets, spokeA, spokeB],
  };
  return { tap, vnets: tap.vnets.map((item) => peeringVnetOf(item, subscription)) };
}

function setUp(fields: Partial<MirrorSetUp> = {}): MirrorSetUp {
  return {
    option: '1B',
    hub: { kind: 'new', answers: hubAnswers() },
    collector: { kind: 'new', plan: collectorPlan(), nic: collectorNic() },
    sourceIds: [key(armId.nic('nic-web-01')), key(armId.nic('nic-db-01'))],
    tapName: 'vtap-sensor',
    configurationName: 'tapcfg-vtap-sensor',
    restartVms: false,
    ...fields,
  };
}

describe('Monitoring set-up: mirroring plans', () => {
  it('1B: hub network, then the collector in it, peerings both ways, then the TAP on the new NIC and one tap configuration per NIC', () => {
    const plan = planMirrorSetUp(setUp(), mirrorEstate());
    assert.equal(isBlocked(plan), false, JSON.stringify(plan.checks.filter((check) => check.status === 'failed')));
    const rows = plan.actions.map((action) => `${action.id} ${action.resourceType.split('/').slice(1).join('/')} ${action.resourceId.split('/').pop()} <- ${action.dependsOn.join(',')}`);
    assert.deepEqual(rows, [
      'a1 resourceGroups rg-sec <- ',
      'a2 virtualNetworks vnet-sec-hub <- a1',
      // The collector's own resource group request is the hub's, sent once; its NSG (and so its NIC
      // in the hub's subnet) still waits for the hub network.
      'a3 networkSecurityGroups vm-sensor-nsg <- a1,a2',
      'a4 networkInterfaces vm-sensor-nic <- a3',
      'a5 virtualMachines vm-sensor <- a4',
      // The peering builder's order: each spoke's side, then the hub's; one write at a time on the hub network.
      'a6 virtualNetworks/virtualNetworkPeerings vnet-app-to-vnet-sec-hub <- a1,a2',
      'a7 virtualNetworks/virtualNetworkPeerings vnet-sec-hub-to-vnet-app <- a6,a2',
      'a8 virtualNetworks/virtualNetworkPeerings vnet-data-to-vnet-sec-hub <- a1,a2',
      'a9 virtualNetworks/virtualNetworkPeerings vnet-sec-hub-to-vnet-data <- a8,a7',
      'a10 virtualNetworkTaps vtap-sensor <- a4,a6,a7,a8,a9',
      'a11 networkInterfaces/tapConfigurations tapcfg-vtap-sensor <- a10',
      'a12 networkInterfaces/tapConfigurations tapcfg-vtap-sensor <- a10',
    ]);
    const tapPut = plan.actions[9];
    assert.deepEqual(tapPut.body, { location: 'eastus', properties: { destinationNetworkInterfaceIPConfiguration: { id: `${collectorNicArmId}/ipConfigurations/ipconfig1` }, destinationPort: 4789 } });
    // The TAP's checks judge the estate the earlier parts leave: the peerings they create reach the collector.
    const reach = plan.checks.find((check) => check.id === 'tap.reach');
    assert.equal(reach?.status, 'passed', reach?.detail);
    assert.match(reach?.detail ?? '', /via peering vnet-app ↔ vnet-sec-hub/);
    assert.ok(plan.checks.some((check) => check.id === 'collector.quota'), 'the collector part keeps its checks');
    assert.match(plan.summary.join('\n'), /2 NICs in Workloads mirrored to vm-sensor/);
    assert.match(plan.summary.join('\n'), /Hub network vnet-sec-hub \(10\.60\.0\.0\/16\) is created in Security/);
  });

  it('refuses a new hub whose address space overlaps a spoke it must be peered with, naming both', () => {
    const plan = planMirrorSetUp(setUp({ hub: { kind: 'new', answers: hubAnswers({ addressPrefix: '10.0.0.0/8', subnetPrefix: '10.0.1.0/24' }) } }), mirrorEstate());
    assert.equal(isBlocked(plan), true);
    assert.match(plan.checks.find((check) => check.id === 'hub.overlap')?.detail ?? '', /vnet-app \(10\.0\.0\.0\/8 ↔ 10\.1\.0\.0\/16\); vnet-data/);
    assert.deepEqual(plan.checks.filter((check) => check.status === 'failed').map((check) => check.id), ['hub.overlap'], 'said once, by the hub\'s check');
  });

  it('1C through a Virtual WAN hub fails with the reason instead of building a TAP that would not mirror', () => {
    const plan = planMirrorSetUp(setUp({ option: '1C', virtualHub: { armId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualHubs/vhub-gwc', name: 'vhub-gwc' } }), mirrorEstate());
    assert.equal(isBlocked(plan), true);
    const failed = plan.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    assert.ok(failed.includes('setup.virtualWan'), failed.join(', '));
    assert.match(plan.checks.find((check) => check.id === 'setup.virtualWan')?.detail ?? '', /Virtual WAN hub vhub-gwc.*not supported/);
    assert.equal(plan.actions.some((action) => action.resourceType.endsWith('virtualNetworkPeerings')), false);
  });

  it('1A with an existing collector in the sources\' network plans no hub and no peering', () => {
    const estate = mirrorEstate();
    const plan = planMirrorSetUp(
      setUp({ option: '1A', hub: { kind: 'existing', vnetId: key(armId.vnet('vnet-spoke')) }, collector: { kind: 'existing', destinationId: estate.tap.destinations[0].id }, sourceIds: [key(armId.nic('nic-web-02'))] }),
      { tap: tapEstate(), vnets: tapEstate().vnets.map((item) => peeringVnetOf(item, subscription)) },
    );
    assert.deepEqual(plan.actions.map((action) => action.resourceType), ['Microsoft.Network/virtualNetworkTaps', 'Microsoft.Network/networkInterfaces/tapConfigurations']);
  });
});

describe('Monitoring set-up: hub network', () => {
  it('suggests the first 10.x.0.0/16 no known network overlaps', () => {
    assert.deepEqual(freeHubAddressSpace(['10.0.0.0/16', '10.1.0.0/16', '10.3.0.0/24']), { addressPrefix: '10.2.0.0/16', subnetPrefix: '10.2.1.0/24' });
    assert.equal(freeHubAddressSpace(['10.0.0.0/8']), undefined);
  });

  it('names what is wrong with names and blocks', () => {
    assert.match(validateVnetName('x') ?? '', /at least 2/);
    assert.match(validateVnetName('hub-') ?? '', /must end with/);
    const plan = planHubNetwork(hubAnswers({ addressPrefix: '10.60.0.1/16', subnetPrefix: '10.61.0.0/24' }), []);
    assert.match(plan.checks.find((check) => check.id === 'hub.addressSpace')?.detail ?? '', /not a network address; Azure expects 10\.60\.0\.0\/16/);
    assert.match(plan.checks.find((check) => check.id === 'hub.subnet')?.detail ?? '', /10\.61\.0\.0\/24 is not a block inside 10\.60\.0\.0\/16/);
  });

  it('sends the VNet with its subnet, after the resource group it creates', () => {
    const plan = planHubNetwork(hubAnswers(), []);
    assert.equal(isBlocked(plan), false);
    assert.deepEqual(plan.actions[1].body, { location: 'eastus', properties: { addressSpace: { addressPrefixes: ['10.60.0.0/16'] }, subnets: [{ name: 'snet-sensors', properties: { addressPrefix: '10.60.1.0/24' } }] } });
    assert.deepEqual(plan.actions[1].dependsOn, ['a1']);
  });
});

describe('Monitoring set-up: combining plans', () => {
  it('renumbers, keeps both parts\' checks apart and refuses a dependency on a later part', () => {
    const one = collectorPlan();
    const combined = combinePlans('monitoringSetUp', 't', [], [{ key: 'x', plan: one }, { key: 'y', plan: { ...one, actions: [{ ...one.actions[3], resourceId: `${one.actions[3].resourceId}-2`, dependsOn: [] }] }, after: [{ part: 'x', resourceIds: [collectorNicArmId] }] }]);
    assert.deepEqual(combined.actions.map((action) => action.id), ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.deepEqual(combined.actions[4].dependsOn, ['a3']);
    assert.deepEqual(combined.checks.map((check) => check.id), ['collector.quota', 'y:collector.quota']);
    assert.throws(() => combinePlans('monitoringSetUp', 't', [], [{ key: 'y', plan: one, after: [{ part: 'x' }] }]), /comes after x, which is not an earlier part/);
  });

  it('makes an action whose only dependency was merged into an earlier part wait for that part', () => {
    const one = collectorPlan();
    const group = one.actions[0];
    const network = { ...group, id: 'a2', title: 'Create vnet-sec-hub', resourceId: `${group.resourceId}/providers/Microsoft.Network/virtualNetworks/vnet-sec-hub`, resourceType: 'Microsoft.Network/virtualNetworks', apiVersion: '2026-01-01', dependsOn: ['a1'] };
    const hub: Plan = { ...one, checks: [], actions: [group, network] };
    const combined = combinePlans('monitoringSetUp', 't', [], [{ key: 'hub', plan: hub }, { key: 'collector', plan: one, after: [{ part: 'hub' }] }]);
    assert.deepEqual(combined.actions.map((action) => `${action.id} ${action.resourceId.split('/').pop()} <- ${action.dependsOn.join(',')}`), [
      'a1 rg-sec <- ',
      'a2 vnet-sec-hub <- a1',
      'a3 vm-sensor-nsg <- a1,a2',
      'a4 vm-sensor-nic <- a3',
      'a5 vm-sensor <- a4',
    ]);
  });
});

describe('Monitoring set-up: an existing hub', () => {
  it('1B into an existing, unpeered hub network: the TAP is checked against the peerings the plan creates', () => {
    const estate = mirrorEstate();
    const lonelyHub = key(armId.vnet('vnet-lonely'));
    const collector = { ...collectorNic(), subnetArmId: armId.subnet('vnet-lonely', 'snet-a'), location: 'eastus' };
    const plan = planMirrorSetUp(setUp({ hub: { kind: 'existing', vnetId: lonelyHub }, collector: { kind: 'new', plan: collectorPlan(), nic: collector } }), estate);
    const reach = plan.checks.find((check) => check.id === 'tap.reach');
    assert.equal(reach?.status, 'passed', reach?.detail);
  });
});
