import assert from 'node:assert/strict';
import { actionsToSend, deallocations, isBlocked, undoStepOf, type Plan } from '../../../../src/core/plan';
import { nicUpdateBody, sizesKey, type AcceleratedFacts, type AcceleratedNic, type AcceleratedVm, type RawResource, type VmSizeFact } from '../../../../src/wizards/acceleratedNetworking/acceleratedFacts';
import { planAcceleratedNetworking } from '../../../../src/wizards/acceleratedNetworking/plan';
import { toAzureCliScript } from '../../../../src/wizards/shared/cliScript';
import { toBicep } from '../../../../src/wizards/shared/bicep';
import { renderPreview } from '../../../../src/wizards/shared/preview';

const sub = '11111111-2222-3333-4444-555555555555';
const group = `/subscriptions/${sub}/resourceGroups/rg-app`;
const subnetId = `${group}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-app`;
const vmArm = (name: string) => `${group}/providers/Microsoft.Compute/virtualMachines/${name}`;
const nicArm = (name: string) => `${group}/providers/Microsoft.Network/networkInterfaces/${name}`;
const setArm = `${group}/providers/Microsoft.Compute/availabilitySets/avset-app`;

function size(name: string, vCPUs: number, acceleratedNetworking: boolean): VmSizeFact {
  return { name, family: 'f', vCPUs, memoryGB: 4, acceleratedNetworking, maxNetworkInterfaces: 2 };
}

const sizes = [size('Standard_B1s', 1, false), size('Standard_B2s', 2, false), size('Standard_D1_test', 1, true), size('Standard_D2s_v5', 2, true)];

function nic(name: string, vm: string | undefined, overrides: Partial<AcceleratedNic> = {}): AcceleratedNic {
  return {
    id: nicArm(name).toLowerCase(), armId: nicArm(name), name, resourceGroup: 'rg-app', location: 'westeurope', subscriptionId: sub, subscriptionName: 'App', tenantId: 'tenant-1', enabled: false,
    ...(vm ? { vmId: vmArm(vm).toLowerCase(), vmName: vm } : {}), subnetIds: [subnetId.toLowerCase()], ...overrides,
  };
}

function vm(name: string, overrides: Partial<AcceleratedVm> = {}): AcceleratedVm {
  return { armId: vmArm(name), name, location: 'westeurope', size: 'Standard_D2s_v5', nicIds: [], powerState: 'running', tenantId: 'tenant-1', subscriptionId: sub, ...overrides };
}

function raw(nicName: string): RawResource {
  return {
    id: nicArm(nicName),
    location: 'westeurope',
    tags: { app: 'web' },
    properties: {
      provisioningState: 'Succeeded', macAddress: '00-0D-3A-00-00-01', virtualMachine: { id: 'x' }, tapConfigurations: [], enableAcceleratedNetworking: false, enableIPForwarding: false, nicType: 'Standard',
      networkSecurityGroup: { id: 'nsg-id', etag: 'e' },
      dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: 'x.internal' },
      ipConfigurations: [{ name: 'ipconfig1', id: `${nicArm(nicName)}/ipConfigurations/ipconfig1`, etag: 'e', properties: { provisioningState: 'Succeeded', privateIPAddress: '10.0.0.4', privateIPAllocationMethod: 'Dynamic', subnet: { id: subnetId, name: 'x' }, primary: true, privateIPAddressVersion: 'IPv4' } }],
    },
  };
}

function facts(nics: AcceleratedNic[], vms: AcceleratedVm[], extra: Partial<AcceleratedFacts> = {}): AcceleratedFacts {
  return { nics, bodies: Object.fromEntries(nics.map((item) => [item.id, raw(item.name)])), vms, availabilitySets: [], sizes: { [sizesKey(sub, 'westeurope')]: sizes }, ...extra };
}

const order = (plan: Plan) => plan.actions.map((action) => `${action.operation ?? action.kind} ${action.resourceId.split('/').at(-1)}`);
const check = (plan: Plan, id: string) => plan.checks.find((item) => item.id === id);

describe('accelerated networking plan', () => {
  it('deallocates a running VM, updates its NIC with a read-modify-write body, and starts it again; undo turns it off the same way', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a')]));
    assert.equal(plan.kind, 'acceleratedNetworking');
    assert.equal(isBlocked(plan), false);
    assert.deepEqual(order(plan), ['deallocate vm-a', 'put nic-a', 'start vm-a']);
    const [stop, put, start] = plan.actions;
    assert.deepEqual(put.dependsOn, [stop.id]);
    assert.deepEqual(start.dependsOn, [put.id]);
    assert.deepEqual(put.body, {
      location: 'westeurope',
      tags: { app: 'web' },
      properties: {
        ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: subnetId }, privateIPAddress: '10.0.0.4', privateIPAllocationMethod: 'Dynamic', privateIPAddressVersion: 'IPv4', primary: true } }],
        networkSecurityGroup: { id: 'nsg-id' },
        dnsSettings: { dnsServers: [] },
        enableIPForwarding: false,
        nicType: 'Standard',
        enableAcceleratedNetworking: true,
      },
    });
    assert.equal(put.apiVersion, '2026-01-01');
    assert.match(stop.impact ?? '', /vm-a is down .* a few minutes of downtime/);
    assert.deepEqual(undoStepOf(put), { kind: 'put', body: { ...put.body, properties: { ...(put.body?.properties as object), enableAcceleratedNetworking: false } } });
    assert.deepEqual(undoStepOf(stop), { kind: 'post', operation: 'start' });
    assert.deepEqual(undoStepOf(start), { kind: 'post', operation: 'deallocate' });
    assert.equal(deallocations(plan).length, 1);
  });

  it('deallocates every VM of an availability set before any NIC of the set is updated, and starts them only after all are', () => {
    const set = { id: setArm.toLowerCase(), name: 'avset-app', memberIds: ['vm-a', 'vm-b', 'vm-c'].map((name) => vmArm(name).toLowerCase()) };
    const vms = [vm('vm-a', { availabilitySetId: set.id }), vm('vm-b', { availabilitySetId: set.id }), vm('vm-c', { availabilitySetId: set.id, powerState: 'deallocated' })];
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a'), nicArm('nic-b'), nicArm('nic-c')] }, facts([nic('nic-a', 'vm-a'), nic('nic-b', 'vm-b'), nic('nic-c', 'vm-c')], vms, { availabilitySets: [set] }));
    assert.equal(isBlocked(plan), false);
    assert.deepEqual(order(plan), ['deallocate vm-a', 'deallocate vm-b', 'put nic-a', 'put nic-b', 'put nic-c', 'start vm-a', 'start vm-b']);
    const ids = (prefix: string) => plan.actions.filter((action) => `${action.operation ?? action.kind}`.startsWith(prefix)).map((action) => action.id);
    for (const put of plan.actions.filter((action) => action.kind === 'put')) {
      assert.deepEqual(put.dependsOn, ids('deallocate'), `${put.title} waits for every VM of the set`);
    }
    for (const start of plan.actions.filter((action) => action.operation === 'start')) {
      assert.deepEqual(start.dependsOn, ids('put'), `${start.title} waits for every NIC of the set`);
    }
    assert.match(plan.actions.find((action) => action.resourceId.endsWith('nic-c'))?.impact ?? '', /vm-c stays deallocated/);
    assert.ok(!plan.actions.some((action) => action.operation === 'start' && action.resourceId.endsWith('vm-c')), 'a deallocated VM stays deallocated');
    assert.match(check(plan, 'an.availabilitySet:avset-app')?.detail ?? '', /vm-a \(running\), vm-b \(running\), vm-c \(deallocated\) are all deallocated before 3 NICs are updated/);
  });

  it('stops and starts a VM of the set whose NIC is not chosen, saying so', () => {
    const set = { id: setArm.toLowerCase(), name: 'avset-app', memberIds: [vmArm('vm-a').toLowerCase(), vmArm('vm-b').toLowerCase()] };
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a', { availabilitySetId: set.id }), vm('vm-b', { availabilitySetId: set.id })], { availabilitySets: [set] }));
    assert.deepEqual(order(plan), ['deallocate vm-a', 'deallocate vm-b', 'put nic-a', 'start vm-a', 'start vm-b']);
    assert.equal(check(plan, 'an.availabilitySet:avset-app')?.status, 'warning');
    assert.match(check(plan, 'an.availabilitySet:avset-app')?.detail ?? '', /vm-b has no NIC to change but is stopped too/);
  });

  it('refuses a size without accelerated networking, naming the size and the region', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a', { size: 'Standard_B2s' })]));
    assert.equal(isBlocked(plan), true);
    assert.equal(check(plan, 'an.size')?.status, 'failed');
    assert.match(check(plan, 'an.size')?.detail ?? '', /vm-a is Standard_B2s, which does not support accelerated networking in westeurope/);
    assert.equal(check(plan, 'an.vcpus')?.status, 'passed');
  });

  it('refuses a size Resource SKUs does not list in the region', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a', { size: 'Standard_E4s_v5' })]));
    assert.match(check(plan, 'an.size')?.detail ?? '', /vm-a is Standard_E4s_v5, which Resource SKUs does not list in westeurope/);
    assert.equal(isBlocked(plan), true);
  });

  it('refuses a 1-vCPU size', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a', { size: 'Standard_D1_test' })]));
    assert.equal(check(plan, 'an.size')?.status, 'passed');
    assert.equal(check(plan, 'an.vcpus')?.status, 'failed');
    assert.match(check(plan, 'an.vcpus')?.detail ?? '', /vm-a is Standard_D1_test with 1 vCPU: accelerated networking needs two or more vCPUs/);
    assert.equal(isBlocked(plan), true);
  });

  it('keeps NICs already on (nothing sent), and updates a NIC without a VM with no restart', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-on'), nicArm('nic-free')] }, facts([nic('nic-on', 'vm-on', { enabled: true }), nic('nic-free', undefined)], []));
    assert.equal(isBlocked(plan), false);
    assert.deepEqual(order(plan), ['put nic-free', 'put nic-on']);
    assert.equal(plan.actions[1].existing, 'same');
    assert.deepEqual(actionsToSend(plan).map((action) => action.title), ['Turn on accelerated networking on nic-free']);
    assert.match(check(plan, 'an.nics')?.detail ?? '', /Already on, kept: nic-on/);
    assert.equal(deallocations(plan).length, 0);
    assert.match(plan.actions[0].impact ?? '', /no downtime/);
  });

  it('deallocates a stopped VM and leaves it deallocated', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a', { powerState: 'stopped' })]));
    assert.deepEqual(order(plan), ['deallocate vm-a', 'put nic-a']);
    assert.equal(undoStepOf(plan.actions[0]).kind, 'none');
  });

  it('leaves read-only fields out of the body', () => {
    const body = nicUpdateBody(raw('nic-a'), false);
    const properties = body.properties as Record<string, unknown>;
    for (const field of ['macAddress', 'virtualMachine', 'tapConfigurations', 'provisioningState']) {
      assert.equal(field in properties, false, field);
    }
    assert.equal(properties.enableAcceleratedNetworking, false);
  });

  it('exports the steps in order as an Azure CLI script and previews the downtime per VM', () => {
    const plan = planAcceleratedNetworking({ nicIds: [nicArm('nic-a')] }, facts([nic('nic-a', 'vm-a')], [vm('vm-a')]));
    const script = toAzureCliScript(plan);
    const deallocate = script.indexOf('az vm deallocate');
    const put = script.search(/enableAcceleratedNetworking.{0,3}:.{0,3}true/);
    const start = script.indexOf('az vm start');
    assert.ok(deallocate >= 0 && put > deallocate && start > put, script);
    assert.match(renderPreview(plan), /vm-a is down from here until it is started again/);
    assert.doesNotThrow(() => toBicep(plan));
  });
});
