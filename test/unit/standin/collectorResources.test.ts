import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, errorCode, rawRequest } from './standInHarness';
import { sshEd25519PublicKey } from '../../fixtures/sshKeys';

const poll = { updateIntervalInMs: 5 };
const group = 'rg-hub-network';
const subnetId = armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors');

describe('ARM stand-in: a collector\u2019s NSG, NIC and VM, created and deleted', function () {
  this.timeout(20000);
  let standIn: StandIn;
  const network = () => new NetworkManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));
  const compute = () => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));
  const request = (method: 'DELETE' | 'PUT', path: string, body?: Record<string, unknown>) => rawRequest(standIn, method, path, { tenantId: demoTenantId, ...(body ? { body } : {}) });

  beforeEach(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  afterEach(async () => {
    await standIn.close();
  });

  const vxlanRule = { name: 'AllowVxlanFromSources', protocol: 'Udp', sourceAddressPrefixes: ['10.1.0.0/16'], sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '4789', access: 'Allow', priority: 100, direction: 'Inbound' };

  it('creates an NSG with its rules and Azure\u2019s default rules, and refuses two rules of one priority and direction', async () => {
    const nsg = await network().networkSecurityGroups.beginCreateOrUpdateAndWait(group, 'nsg-sensor', { location: 'germanywestcentral', securityRules: [vxlanRule] }, poll);
    assert.equal(nsg.provisioningState, 'Succeeded');
    assert.deepEqual(nsg.securityRules?.map((rule) => [rule.name, rule.protocol, rule.destinationPortRange, rule.sourceAddressPrefixes]), [['AllowVxlanFromSources', 'Udp', '4789', ['10.1.0.0/16']]]);
    assert.deepEqual(nsg.defaultSecurityRules?.map((rule) => rule.name), ['AllowVnetInBound', 'AllowAzureLoadBalancerInBound', 'DenyAllInBound', 'AllowVnetOutBound', 'AllowInternetOutBound', 'DenyAllOutBound']);
    const clash = await request('PUT', `${armIds.resourceGroup(hubSubscriptionId, group)}/providers/Microsoft.Network/networkSecurityGroups/nsg-clash?api-version=2026-01-01`, {
      location: 'germanywestcentral',
      properties: { securityRules: [{ name: 'a', properties: { ...vxlanRule, name: undefined } }, { name: 'b', properties: { ...vxlanRule, name: undefined, destinationPortRange: '22', protocol: 'Tcp' } }] },
    });
    assert.equal(clash.status, 400);
    assert.equal(errorCode(clash), 'SecurityRuleConflict');
  });

  it('deletes the VM before its NIC (NicInUse) and the NIC before its NSG (InUseNetworkSecurityGroupCannotBeDeleted); the VM takes a NIC marked Delete with it', async () => {
    const nsg = await network().networkSecurityGroups.beginCreateOrUpdateAndWait(group, 'nsg-sensor', { location: 'germanywestcentral', securityRules: [vxlanRule] }, poll);
    const nic = await network().networkInterfaces.beginCreateOrUpdateAndWait(group, 'nic-sensor', {
      location: 'germanywestcentral',
      enableAcceleratedNetworking: true,
      networkSecurityGroup: { id: nsg.id },
      ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnetId }, privateIPAllocationMethod: 'Dynamic' }],
    }, poll);
    const vm = await compute().virtualMachines.beginCreateOrUpdateAndWait(group, 'vm-sensor', {
      location: 'germanywestcentral',
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }, osDisk: { createOption: 'FromImage', deleteOption: 'Delete' } },
      osProfile: { computerName: 'vm-sensor', adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshEd25519PublicKey() }] } } },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: 'Delete' }] },
    }, poll);
    assert.equal(vm.provisioningState, 'Succeeded');

    const nsgInUse = await request('DELETE', `${nsg.id}?api-version=2026-01-01`);
    assert.equal(nsgInUse.status, 400);
    assert.equal(errorCode(nsgInUse), 'InUseNetworkSecurityGroupCannotBeDeleted');
    const nicInUse = await request('DELETE', `${nic.id}?api-version=2026-01-01`);
    assert.equal(nicInUse.status, 400);
    assert.equal(errorCode(nicInUse), 'NicInUse');

    await compute().virtualMachines.beginDeleteAndWait(group, 'vm-sensor', poll);
    await assert.rejects(compute().virtualMachines.get(group, 'vm-sensor'), (error: unknown) => (error as { statusCode?: number }).statusCode === 404);
    await assert.rejects(network().networkInterfaces.get(group, 'nic-sensor'), (error: unknown) => (error as { statusCode?: number }).statusCode === 404, 'the NIC marked Delete went with the VM');
    const subnet = await network().subnets.get(group, 'vnet-hub', 'snet-collectors');
    assert.ok(!(subnet.ipConfigurations ?? []).some((configuration) => configuration.id?.toLowerCase().includes('/nic-sensor/')), 'the subnet no longer lists the NIC');
    assert.equal((await request('DELETE', `${nic.id}?api-version=2026-01-01`)).status, 204, 'deleting a NIC already gone is 204');
    await network().networkSecurityGroups.beginDeleteAndWait(group, 'nsg-sensor', poll);
    await assert.rejects(network().networkSecurityGroups.get(group, 'nsg-sensor'), (error: unknown) => (error as { statusCode?: number }).statusCode === 404);
    assert.equal((await request('DELETE', `${armIds.resourceGroup(hubSubscriptionId, group)}/providers/Microsoft.Compute/virtualMachines/vm-sensor?api-version=2026-04-01`)).status, 204, 'deleting a VM already gone is 204');
  });

  it('deletes a resource group with what is in it, and answers 404 ResourceGroupNotFound for one that does not exist', async () => {
    const groupId = armIds.resourceGroup(hubSubscriptionId, 'rg-sensors');
    assert.equal((await request('PUT', `${groupId}?api-version=2025-04-01`, { location: 'germanywestcentral' })).status, 201);
    await network().networkSecurityGroups.beginCreateOrUpdateAndWait('rg-sensors', 'nsg-sensor', { location: 'germanywestcentral', securityRules: [vxlanRule] }, poll);
    assert.equal((await request('DELETE', `${groupId}?api-version=2025-04-01`)).status, 200);
    assert.equal((await rawRequest(standIn, 'GET', `${groupId}?api-version=2025-04-01`, { tenantId: demoTenantId })).status, 404);
    assert.equal((await rawRequest(standIn, 'GET', `${groupId}/providers/Microsoft.Network/networkSecurityGroups/nsg-sensor?api-version=2026-01-01`, { tenantId: demoTenantId })).status, 404);
    const again = await request('DELETE', `${groupId}?api-version=2025-04-01`);
    assert.equal(again.status, 404);
    assert.equal(errorCode(again), 'ResourceGroupNotFound');
  });
});
