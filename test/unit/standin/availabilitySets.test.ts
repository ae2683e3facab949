import { ComputeManagementClient } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, collect, errorCode, rawRequest } from './standInHarness';

const group = 'rg-hub-network';
const subnetId = armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors');
const setId = armIds.availabilitySet(hubSubscriptionId, group, 'avset-sensors');

function topology(): Topology {
  const estate = demoTopology();
  const hubGroup = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId)?.resourceGroups.find((candidate) => candidate.name === group);
  assert.ok(hubGroup);
  hubGroup.availabilitySets = [{ name: 'avset-sensors', onAcceleratedNetworkingHardware: true }];
  hubGroup.networkInterfaces = [
    ...(hubGroup.networkInterfaces ?? []),
    { name: 'nic-sensor-a', subnetId, privateIpAddress: '10.0.1.20', macAddress: '00-0D-3A-4C-30-01', virtualMachineId: armIds.virtualMachine(hubSubscriptionId, group, 'vm-sensor-a'), virtualMachine: { availabilitySetId: setId } },
  ];
  return estate;
}

describe('ARM stand-in: availability sets through @azure/arm-compute', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const compute = () => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));

  before(async () => {
    standIn = await startStandIn({ topology: topology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('gets a set with its member VMs, and lists by group and subscription, without the stand-in bookkeeping', async () => {
    const client = compute();
    const set = await client.availabilitySets.get(group, 'avset-sensors');
    assert.equal(set.id, setId);
    assert.deepEqual(set.virtualMachines?.map((vm) => vm.id), [armIds.virtualMachine(hubSubscriptionId, group, 'vm-sensor-a')]);
    assert.equal(set.platformFaultDomainCount, 2);
    assert.equal(set.sku?.name, 'Aligned');
    const raw = await rawRequest(standIn, 'GET', `${setId}?api-version=2026-04-01`, { tenantId: demoTenantId });
    assert.equal(raw.body.onAcceleratedNetworkingHardware, undefined);
    assert.deepEqual((await collect(client.availabilitySets.list(group))).map((item) => item.name), ['avset-sensors']);
    assert.deepEqual((await collect(client.availabilitySets.listBySubscription())).map((item) => item.name), ['avset-sensors']);
  });

  it('creates a set, keeps its members on update, and refuses domain counts out of range or changed with members', async () => {
    const client = compute();
    const created = await client.availabilitySets.createOrUpdate(group, 'avset-new', { location: 'germanywestcentral', sku: { name: 'Aligned' }, platformFaultDomainCount: 3, platformUpdateDomainCount: 10 });
    assert.deepEqual([created.platformFaultDomainCount, created.platformUpdateDomainCount, created.virtualMachines], [3, 10, []]);
    const tooMany = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/availabilitySets/avset-x?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: { location: 'germanywestcentral', properties: { platformFaultDomainCount: 4 } },
    });
    assert.deepEqual([tooMany.status, errorCode(tooMany)], [400, 'InvalidParameter']);
    const changed = await rawRequest(standIn, 'PUT', `${setId}?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: { location: 'germanywestcentral', sku: { name: 'Aligned' }, properties: { platformFaultDomainCount: 3, platformUpdateDomainCount: 5 } },
    });
    assert.deepEqual([changed.status, errorCode(changed)], [409, 'OperationNotAllowed']);
    const tagged = await client.availabilitySets.createOrUpdate(group, 'avset-sensors', { location: 'germanywestcentral', sku: { name: 'Aligned' }, tags: { role: 'sensors' } });
    assert.equal(tagged.virtualMachines?.length, 1);
    assert.deepEqual(tagged.tags, { role: 'sensors' });
  });

  it('refuses read-only members in a create body', async () => {
    const response = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/availabilitySets/avset-y?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: { location: 'germanywestcentral', properties: { statuses: [] } },
    });
    assert.deepEqual([response.status, errorCode(response)], [400, 'InvalidRequestContent']);
  });
});
