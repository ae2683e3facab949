import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient, type NetworkInterface } from '@azure/arm-network';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, errorCode, rawRequest } from './standInHarness';

const poll = { updateIntervalInMs: 5 };
const group = 'rg-hub-network';
const subnetId = armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors');
const setId = armIds.availabilitySet(hubSubscriptionId, group, 'avset-sensors');
const vmId = (name: string) => armIds.virtualMachine(hubSubscriptionId, group, name);

/** The demo estate plus two sensor VMs in an availability set, one on its own and one of a B-series size, none with accelerated networking. */
function topology(): Topology {
  const estate = demoTopology();
  const hubGroup = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId)?.resourceGroups.find((candidate) => candidate.name === group);
  assert.ok(hubGroup);
  hubGroup.availabilitySets = [{ name: 'avset-sensors' }];
  hubGroup.networkInterfaces = [
    ...(hubGroup.networkInterfaces ?? []),
    { name: 'nic-sensor-a', subnetId, privateIpAddress: '10.0.1.20', macAddress: '00-0D-3A-4C-30-01', virtualMachineId: vmId('vm-sensor-a'), virtualMachine: { availabilitySetId: setId } },
    { name: 'nic-sensor-b', subnetId, privateIpAddress: '10.0.1.21', macAddress: '00-0D-3A-4C-30-02', virtualMachineId: vmId('vm-sensor-b'), virtualMachine: { availabilitySetId: setId } },
    { name: 'nic-sensor-c', subnetId, privateIpAddress: '10.0.1.22', macAddress: '00-0D-3A-4C-30-03', virtualMachineId: vmId('vm-sensor-c') },
    { name: 'nic-sensor-d', subnetId, privateIpAddress: '10.0.1.23', macAddress: '00-0D-3A-4C-30-04', virtualMachineId: vmId('vm-sensor-d'), virtualMachine: { vmSize: 'Standard_B2s' } },
  ];
  return estate;
}

describe('ARM stand-in: network interface writes and accelerated networking on existing VMs', function () {
  this.timeout(20000);
  let standIn: StandIn;
  const credential = () => new TestCredential({ tenantId: demoTenantId });
  const network = () => new NetworkManagementClient(credential(), hubSubscriptionId, clientOptions(standIn));
  const compute = () => new ComputeManagementClient(credential(), hubSubscriptionId, clientOptions(standIn));

  beforeEach(async () => {
    standIn = await startStandIn({ topology: topology() });
  });

  afterEach(async () => {
    await standIn.close();
  });

  function withAcceleratedNetworking(nic: NetworkInterface): NetworkInterface {
    return {
      location: nic.location,
      ipConfigurations: nic.ipConfigurations?.map((configuration) => ({ name: configuration.name, subnet: { id: configuration.subnet?.id }, privateIPAllocationMethod: configuration.privateIPAllocationMethod })),
      networkSecurityGroup: nic.networkSecurityGroup ? { id: nic.networkSecurityGroup.id } : undefined,
      enableAcceleratedNetworking: true,
    };
  }

  async function powerStateOf(name: string): Promise<string | undefined> {
    const view = await compute().virtualMachines.instanceView(group, name);
    return view.statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code;
  }

  it('creates a NIC without a public IP in a subnet, with a free address, a MAC and accelerated networking', async () => {
    const created = await network().networkInterfaces.createOrUpdate(group, 'nic-collector-new', {
      location: 'germanywestcentral',
      ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnetId }, privateIPAllocationMethod: 'Dynamic' }],
      networkSecurityGroup: { id: armIds.networkSecurityGroup(hubSubscriptionId, group, 'nsg-collectors') },
      enableAcceleratedNetworking: true,
    }, poll);
    assert.equal(created.provisioningState, 'Succeeded');
    const nsg = await network().networkSecurityGroups.get(group, 'nsg-collectors');
    assert.ok(nsg.networkInterfaces?.some((reference) => reference.id === created.id), 'the NSG lists the new NIC');
    const detached = await network().networkInterfaces.createOrUpdate(group, 'nic-collector-new', {
      location: 'germanywestcentral',
      ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnetId }, privateIPAllocationMethod: 'Dynamic' }],
      enableAcceleratedNetworking: true,
    }, poll);
    assert.equal(detached.networkSecurityGroup, undefined);
    assert.equal(detached.ipConfigurations?.[0].privateIPAddress, created.ipConfigurations?.[0].privateIPAddress, 'a dynamic address stays on update');
    assert.ok(!(await network().networkSecurityGroups.get(group, 'nsg-collectors')).networkInterfaces?.some((reference) => reference.id === created.id));
    assert.equal(created.enableAcceleratedNetworking, true);
    assert.equal(created.ipConfigurations?.[0].privateIPAddress, '10.0.1.5', '10.0.1.4 is taken and .0-.3 are reserved');
    assert.equal(created.ipConfigurations?.[0].publicIPAddress, undefined);
    assert.match(created.macAddress ?? '', /^00-0D-3A-[0-9A-F]{2}-[0-9A-F]{2}-[0-9A-F]{2}$/);
    const subnet = await network().subnets.get(group, 'vnet-hub', 'snet-collectors');
    assert.ok(subnet.ipConfigurations?.some((configuration) => configuration.id === `${created.id}/ipConfigurations/ipconfig1`));
  });

  it('refuses a NIC in a subnet that does not exist or in another region', async () => {
    for (const [location, subnet] of [['germanywestcentral', `${subnetId}-nope`], ['uksouth', subnetId]]) {
      const response = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/networkInterfaces/nic-x?api-version=2026-01-01`, {
        tenantId: demoTenantId,
        body: { location, properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: subnet } } }] } },
      });
      assert.equal(response.status, 400);
      assert.equal(errorCode(response), 'InvalidResourceReference');
    }
  });

  it('enables accelerated networking on a running VM alone: deallocate, update the NIC, start', async () => {
    const client = network();
    await compute().virtualMachines.deallocate(group, 'vm-sensor-c', poll);
    const nic = await client.networkInterfaces.get(group, 'nic-sensor-c');
    const updated = await client.networkInterfaces.createOrUpdate(group, 'nic-sensor-c', withAcceleratedNetworking(nic), poll);
    assert.equal(updated.enableAcceleratedNetworking, true);
    assert.equal(updated.macAddress, '00-0D-3A-4C-30-03', 'the MAC stays');
    assert.equal(updated.ipConfigurations?.[0].privateIPAddress, '10.0.1.22', 'the address stays');
    assert.equal(updated.virtualMachine?.id, vmId('vm-sensor-c'));
    await compute().virtualMachines.start(group, 'vm-sensor-c', poll);
    assert.equal(await powerStateOf('vm-sensor-c'), 'PowerState/running');
  });

  it('in an availability set, starts a VM with a newly accelerated NIC only once every VM of the set was deallocated', async () => {
    const client = network();
    const vms = compute();
    await vms.virtualMachines.deallocate(group, 'vm-sensor-a', poll);
    const nic = await client.networkInterfaces.get(group, 'nic-sensor-a');
    await client.networkInterfaces.createOrUpdate(group, 'nic-sensor-a', withAcceleratedNetworking(nic), poll);
    await assert.rejects(vms.virtualMachines.start(group, 'vm-sensor-a', poll), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, 'ExistingAvailabilitySetWasNotDeployedOnAcceleratedNetworkingEnabledCluster');
      assert.match(error.message ?? '', /Still allocated: vm-sensor-b/);
      return true;
    });
    assert.equal(await powerStateOf('vm-sensor-a'), 'PowerState/deallocated');
    await vms.virtualMachines.deallocate(group, 'vm-sensor-b', poll);
    await vms.virtualMachines.start(group, 'vm-sensor-a', poll);
    await vms.virtualMachines.start(group, 'vm-sensor-b', poll);
    assert.equal(await powerStateOf('vm-sensor-a'), 'PowerState/running');
    assert.equal(await powerStateOf('vm-sensor-b'), 'PowerState/running');
    const vm = await vms.virtualMachines.get(group, 'vm-sensor-a');
    assert.equal(vm.availabilitySet?.id, setId);
  });

  it('starts a VM of an availability set without accelerated NICs while the others run', async () => {
    const vms = compute();
    await vms.virtualMachines.deallocate(group, 'vm-sensor-a', poll);
    await vms.virtualMachines.start(group, 'vm-sensor-a', poll);
    assert.equal(await powerStateOf('vm-sensor-a'), 'PowerState/running');
  });

  it('refuses accelerated networking on the NIC of a VM whose size does not support it, running or deallocated', async () => {
    const client = network();
    const nic = await client.networkInterfaces.get(group, 'nic-sensor-d');
    for (const attempt of ['running', 'deallocated']) {
      if (attempt === 'deallocated') {
        await compute().virtualMachines.deallocate(group, 'vm-sensor-d', poll);
      }
      await assert.rejects(client.networkInterfaces.createOrUpdate(group, 'nic-sensor-d', withAcceleratedNetworking(nic), poll), (error: { code?: string; message?: string }) => {
        assert.equal(error.code, 'VMSizeIsNotPermittedToEnableAcceleratedNetworking');
        assert.match(error.message ?? '', /Virtual Machine size Standard_B2s is not in the allowed list/);
        return true;
      });
    }
    assert.equal((await client.networkInterfaces.get(group, 'nic-sensor-d')).enableAcceleratedNetworking, false);
  });
});
