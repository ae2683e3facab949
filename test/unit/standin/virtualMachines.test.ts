import { ComputeManagementClient } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, collect, errorCode, rawRequest } from './standInHarness';

const poll = { updateIntervalInMs: 5 };

describe('ARM stand-in: virtual machines and extensions through @azure/arm-compute', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const compute = (subscriptionId: string) => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), subscriptionId, clientOptions(standIn));

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology(), pageSize: 2 });
  });

  after(async () => {
    await standIn.close();
  });

  afterEach(() => standIn.faults.reset());

  it('derives one VM per NIC virtualMachineId, with its NIC, size, OS and location', async () => {
    const jumpbox = await compute(hubSubscriptionId).virtualMachines.get('rg-hub-network', 'vm-jumpbox-01');
    assert.equal(jumpbox.name, 'vm-jumpbox-01');
    assert.equal(jumpbox.type, 'Microsoft.Compute/virtualMachines');
    assert.equal(jumpbox.location, 'germanywestcentral');
    assert.equal(jumpbox.storageProfile?.osDisk?.osType, 'Windows');
    assert.ok(jumpbox.osProfile?.windowsConfiguration);
    assert.equal(jumpbox.hardwareProfile?.vmSize, 'Standard_D2s_v5');
    assert.deepEqual(jumpbox.networkProfile?.networkInterfaces?.map((nic) => nic.id), [
      `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network/networkInterfaces/nic-jumpbox-01`,
    ]);
    const app = await compute(prodSubscriptionId).virtualMachines.get('rg-prod-app', 'vm-app-01');
    assert.equal(app.storageProfile?.osDisk?.osType, 'Linux');
    assert.ok(app.osProfile?.linuxConfiguration);
  });

  it('lists VMs by resource group and subscription across pages', async () => {
    const client = compute(prodSubscriptionId);
    const before = standIn.requests.countMatching('Microsoft.Compute/virtualMachines');
    const inGroup = await collect(client.virtualMachines.list('rg-prod-app'));
    assert.deepEqual(inGroup.map((vm) => vm.name), ['vm-web-01', 'vm-web-02', 'vm-app-01', 'vm-app-02', 'vm-db-01', 'vm-legacy-01', 'vm-legacy-02', 'vm-jump-01']);
    assert.equal(standIn.requests.countMatching('Microsoft.Compute/virtualMachines') - before, 4, 'eight VMs at two per page take four requests');
    const all = await collect(compute(hubSubscriptionId).virtualMachines.listAll());
    assert.deepEqual(all.map((vm) => vm.name).sort(), ['vm-collector-01', 'vm-jumpbox-01']);
  });

  it('answers the instance view with power state and the agent extension where installed', async () => {
    const client = compute(prodSubscriptionId);
    const web = await client.virtualMachines.instanceView('rg-prod-app', 'vm-web-01');
    assert.ok(web.statuses?.some((status) => status.code === 'PowerState/running'));
    assert.ok(web.extensions?.some((extension) => extension.type === 'Microsoft.Azure.NetworkWatcher.NetworkWatcherAgentLinux'));
    const app = await client.virtualMachines.instanceView('rg-prod-app', 'vm-app-01');
    assert.deepEqual(app.extensions, []);
    const dev = await compute(devSubscriptionId).virtualMachines.instanceView('rg-dev-network', 'vm-dev-02');
    assert.ok(dev.statuses?.some((status) => status.code === 'PowerState/deallocated'));
    assert.equal(dev.vmAgent, undefined);
    const expanded = await client.virtualMachines.get('rg-prod-app', 'vm-web-02', { expand: 'instanceView' });
    assert.ok(expanded.instanceView?.statuses?.some((status) => status.code === 'PowerState/running'));
  });

  it('deallocates and starts a VM as long-running operations that change the power state when done', async () => {
    const client = compute(devSubscriptionId);
    const power = async () => (await client.virtualMachines.instanceView('rg-dev-network', 'vm-dev-01')).statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code;
    const poller = await client.virtualMachines.beginDeallocate('rg-dev-network', 'vm-dev-01', poll);
    assert.equal(await power(), 'PowerState/deallocating');
    await poller.pollUntilDone();
    assert.equal(await power(), 'PowerState/deallocated');
    await client.virtualMachines.beginStartAndWait('rg-dev-network', 'vm-dev-01', poll);
    assert.equal(await power(), 'PowerState/running');
  });

  it('answers the compute LRO headers: 202 with Azure-AsyncOperation and a monitor Location', async () => {
    const path = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Compute/virtualMachines/vm-dev-01/start?api-version=2026-04-01`;
    const started = await rawRequest(standIn, 'POST', path, { tenantId: demoTenantId });
    assert.equal(started.status, 202);
    assert.match(String(started.headers['azure-asyncoperation']), /\/providers\/Microsoft\.Compute\/locations\/uksouth\/operations\/[0-9a-f-]{36}\?p=/);
    assert.match(String(started.headers.location), /monitor=true/);
    const wrongVersion = await rawRequest(standIn, 'GET', path.replace('/start', '').replace('2026-04-01', '2026-01-01'), { tenantId: demoTenantId });
    assert.equal(errorCode(wrongVersion), 'NoRegisteredProviderFound');
  });

  it('creates, reads, lists and deletes a VM extension, and refuses it on a deallocated VM', async () => {
    const client = compute(prodSubscriptionId);
    const created = await client.virtualMachineExtensions.beginCreateOrUpdateAndWait('rg-prod-app', 'vm-app-02', 'AzureNetworkWatcherExtension', {
      location: 'germanywestcentral',
      publisher: 'Microsoft.Azure.NetworkWatcher',
      typePropertiesType: 'NetworkWatcherAgentLinux',
      typeHandlerVersion: '1.4',
      autoUpgradeMinorVersion: true,
    }, poll);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.typePropertiesType, 'NetworkWatcherAgentLinux');
    const listed = await client.virtualMachineExtensions.list('rg-prod-app', 'vm-app-02');
    assert.deepEqual(listed.value?.map((extension) => extension.name), ['AzureNetworkWatcherExtension']);
    const vm = await client.virtualMachines.get('rg-prod-app', 'vm-app-02');
    assert.equal(vm.resources?.length, 1);
    await client.virtualMachineExtensions.beginDeleteAndWait('rg-prod-app', 'vm-app-02', 'AzureNetworkWatcherExtension', poll);
    await assert.rejects(client.virtualMachineExtensions.get('rg-prod-app', 'vm-app-02', 'AzureNetworkWatcherExtension'), (error: { statusCode?: number }) => error.statusCode === 404);
    await assert.rejects(
      compute(devSubscriptionId).virtualMachineExtensions.beginCreateOrUpdateAndWait('rg-dev-network', 'vm-dev-02', 'AzureNetworkWatcherExtension', {
        location: 'uksouth', publisher: 'Microsoft.Azure.NetworkWatcher', typePropertiesType: 'NetworkWatcherAgentLinux', typeHandlerVersion: '1.4',
      }, poll),
      (error: { code?: string }) => error.code === 'OperationNotAllowed',
    );
  });

  it('fails an extension install whose operation fails, leaving it Failed', async () => {
    standIn.faults.addFromJson({ kind: 'failOperation', match: 'extensions/AzureNetworkWatcherExtension', method: 'PUT', code: 'VMExtensionProvisioningError', message: 'VM has reported a failure when processing extension.' });
    const client = compute(prodSubscriptionId);
    await assert.rejects(
      client.virtualMachineExtensions.beginCreateOrUpdateAndWait('rg-prod-app', 'vm-db-01', 'AzureNetworkWatcherExtension', {
        location: 'germanywestcentral', publisher: 'Microsoft.Azure.NetworkWatcher', typePropertiesType: 'NetworkWatcherAgentWindows', typeHandlerVersion: '1.4',
      }, poll),
      /VM has reported a failure/,
    );
    const failed = await client.virtualMachineExtensions.get('rg-prod-app', 'vm-db-01', 'AzureNetworkWatcherExtension');
    assert.equal(failed.provisioningState, 'Failed');
    await client.virtualMachineExtensions.beginDeleteAndWait('rg-prod-app', 'vm-db-01', 'AzureNetworkWatcherExtension', poll);
  });

  it('answers ResourceNotFound for a VM that does not exist', async () => {
    await assert.rejects(compute(prodSubscriptionId).virtualMachines.get('rg-prod-app', 'vm-missing'), (error: { code?: string }) => error.code === 'ResourceNotFound');
  });
});
