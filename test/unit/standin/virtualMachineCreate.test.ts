import { ComputeManagementClient, type VirtualMachine } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { defaultComputeCatalog } from '../../standin/computeCatalog';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, collect, errorCode, rawRequest } from './standInHarness';
import { sshEd25519PublicKey, sshRsaPublicKey } from '../../fixtures/sshKeys';

const poll = { updateIntervalInMs: 5 };
const group = 'rg-hub-network';
const subnetId = armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors');
const nicId = (name: string) => armIds.networkInterface(hubSubscriptionId, group, name);

/** The demo estate plus free NICs in the hub (one with accelerated networking, one in another region) and a tight quota in uksouth. */
function topology(): Topology {
  const estate = demoTopology();
  const hubSubscription = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId);
  assert.ok(hubSubscription);
  const hubGroup = hubSubscription.resourceGroups.find((candidate) => candidate.name === group);
  assert.ok(hubGroup);
  hubGroup.networkInterfaces = [
    ...(hubGroup.networkInterfaces ?? []),
    { name: 'nic-collector-02', subnetId, privateIpAddress: '10.0.1.5', macAddress: '00-0D-3A-4C-21-80', acceleratedNetworking: true },
    { name: 'nic-collector-03', subnetId, privateIpAddress: '10.0.1.6', macAddress: '00-0D-3A-4C-21-81', acceleratedNetworking: true },
    { name: 'nic-plain-01', subnetId, privateIpAddress: '10.0.1.7', macAddress: '00-0D-3A-4C-21-82' },
    { name: 'nic-plain-02', subnetId, privateIpAddress: '10.0.1.8', macAddress: '00-0D-3A-4C-21-83' },
    { name: 'nic-plain-03', subnetId, privateIpAddress: '10.0.1.10', macAddress: '00-0D-3A-4C-21-85' },
    { name: 'nic-elsewhere-01', location: 'uksouth', subnetId, privateIpAddress: '10.0.1.9', macAddress: '00-0D-3A-4C-21-84' },
  ];
  hubSubscription.compute = {
    sizes: defaultComputeCatalog().sizes.map((size) => (size.name === 'Standard_D2as_v5' ? { ...size, restrictedIn: ['germanywestcentral'] } : size)),
    // vm-collector-01 (D4s_v5) and vm-jumpbox-01 (D2s_v5) already hold 6 vCPUs of the DSv5 family here.
    quotas: { germanywestcentral: { totalVCpus: 15, families: { standardDSv5Family: 10 } } },
  };
  return estate;
}

function collectorVm(overrides: { nic?: string; size?: string; keyData?: string; image?: Record<string, string>; password?: string; disablePassword?: boolean; customData?: string } = {}): VirtualMachine {
  return {
    location: 'germanywestcentral',
    identity: { type: 'SystemAssigned' },
    hardwareProfile: { vmSize: overrides.size ?? 'Standard_D2s_v5' },
    storageProfile: {
      imageReference: overrides.image ?? { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
      osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'Premium_LRS' }, deleteOption: 'Delete' },
      dataDisks: [{ lun: 0, createOption: 'Empty', diskSizeGB: 256, managedDisk: { storageAccountType: 'Premium_LRS' }, deleteOption: 'Delete' }],
    },
    osProfile: {
      computerName: 'collector',
      adminUsername: 'azureuser',
      ...(overrides.password === undefined ? {} : { adminPassword: overrides.password }),
      ...(overrides.customData === undefined ? {} : { customData: overrides.customData }),
      linuxConfiguration: {
        disablePasswordAuthentication: overrides.disablePassword ?? true,
        ssh: { publicKeys: overrides.keyData === '' ? [] : [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: overrides.keyData ?? sshRsaPublicKey() }] },
      },
    },
    networkProfile: { networkInterfaces: [{ id: nicId(overrides.nic ?? 'nic-collector-02'), primary: true, deleteOption: 'Detach' }] },
  };
}

describe('ARM stand-in: creating a collector VM through @azure/arm-compute', function () {
  this.timeout(20000);
  let standIn: StandIn;
  const compute = () => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));

  beforeEach(async () => {
    standIn = await startStandIn({ topology: topology() });
  });

  afterEach(async () => {
    await standIn.close();
  });

  async function refusal(vm: VirtualMachine, name = 'vm-collector-02'): Promise<{ status: number; code?: string; message: string; target?: string }> {
    const response = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: { location: vm.location, identity: vm.identity, properties: { hardwareProfile: vm.hardwareProfile, storageProfile: vm.storageProfile, osProfile: vm.osProfile, networkProfile: { networkInterfaces: vm.networkProfile?.networkInterfaces?.map((nic) => ({ id: nic.id, properties: { primary: nic.primary, deleteOption: nic.deleteOption } })) } } },
    });
    const error = response.body.error as { message: string; target?: string } | undefined;
    return { status: response.status, code: errorCode(response), message: error?.message ?? '', target: error?.target };
  }

  it('creates a Linux VM with SSH key, identity, OS and data disk on a NIC with accelerated networking, as a long-running operation', async () => {
    const client = compute();
    const created = await client.virtualMachines.createOrUpdate(group, 'vm-collector-02', collectorVm(), poll);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.identity?.type, 'SystemAssigned');
    assert.match(created.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created.identity?.tenantId, demoTenantId);
    assert.equal(created.storageProfile?.imageReference?.exactVersion, '24.04.202411030', 'latest is the newest version');
    assert.equal(created.storageProfile?.osDisk?.osType, 'Linux');
    assert.match(created.storageProfile?.osDisk?.managedDisk?.id ?? '', /\/providers\/Microsoft\.Compute\/disks\/vm-collector-02_OsDisk_1_/);
    assert.equal(created.storageProfile?.dataDisks?.[0].diskSizeGB, 256);
    assert.equal(created.osProfile?.linuxConfiguration?.disablePasswordAuthentication, true);
    assert.equal(created.osProfile?.adminPassword, undefined);
    const view = await client.virtualMachines.instanceView(group, 'vm-collector-02');
    assert.ok(view.statuses?.some((status) => status.code === 'PowerState/running'));
    const nic = await rawRequest(standIn, 'GET', `${nicId('nic-collector-02')}?api-version=2026-01-01`, { tenantId: demoTenantId });
    assert.equal((nic.body.properties as { virtualMachine?: { id: string } }).virtualMachine?.id, created.id);
    const put = [...standIn.requests.apiVersions.entries()].find(([route]) => route.startsWith('PUT') && route.endsWith('/virtualMachines/{vmName}'));
    assert.deepEqual([...(put?.[1] ?? [])], ['2026-04-01']);
  });

  it('answers 201 with Creating and Azure-AsyncOperation, and takes an ed25519 key and base64 cloud-init', async () => {
    const response = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/vm-collector-03?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: {
        location: 'germanywestcentral',
        properties: {
          hardwareProfile: { vmSize: 'Standard_D2s_v5' },
          storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }, osDisk: { createOption: 'FromImage' } },
          osProfile: { computerName: 'c3', adminUsername: 'azureuser', customData: Buffer.from('#cloud-config\npackages: [tcpdump]\n').toString('base64'), linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshEd25519PublicKey() }] } } },
          networkProfile: { networkInterfaces: [{ id: nicId('nic-collector-03') }] },
        },
      },
    });
    assert.equal(response.status, 201);
    assert.equal((response.body.properties as { provisioningState: string }).provisioningState, 'Creating');
    assert.match(String(response.headers['azure-asyncoperation']), /\/providers\/Microsoft\.Compute\/locations\/germanywestcentral\/operations\//);
    assert.equal((response.body.properties as { osProfile: Record<string, unknown> }).osProfile.customData, undefined, 'customData is not returned');
  });

  it('refuses a size the region does not offer the subscription, and one unknown, with SkuNotAvailable', async () => {
    const restricted = await refusal(collectorVm({ size: 'Standard_D2as_v5' }));
    assert.equal(restricted.status, 409);
    assert.equal(restricted.code, 'SkuNotAvailable');
    assert.match(restricted.message, /Standard_D2as_v5' is currently not available in location 'germanywestcentral'/);
    assert.equal((await refusal(collectorVm({ size: 'Standard_E2s_v5' }))).code, 'SkuNotAvailable');
    const stored = await rawRequest(standIn, 'GET', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/vm-collector-02?api-version=2026-04-01`, { tenantId: demoTenantId });
    assert.equal(stored.status, 404, 'nothing is stored when a create is refused');
  });

  it('refuses an image that does not exist with PlatformImageNotFound, and a custom image id with ImageNotFound', async () => {
    const missing = await refusal(collectorVm({ image: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server-arm64', version: 'latest' } }));
    assert.deepEqual([missing.status, missing.code, missing.target], [404, 'PlatformImageNotFound', 'imageReference']);
    assert.match(missing.message, /The platform image 'Canonical:ubuntu-24_04-lts:server-arm64:latest' is not available/);
    const missingVersion = await refusal(collectorVm({ image: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: '24.04.1' } }));
    assert.equal(missingVersion.code, 'PlatformImageNotFound');
    const custom = await refusal(collectorVm({ image: { id: `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/images/nope` } }));
    assert.deepEqual([custom.status, custom.code], [404, 'ImageNotFound']);
  });

  it('refuses SSH keys Azure does not take: not a key, a DSA key, RSA below 2048 bits, a wrong path', async () => {
    for (const keyData of ['not a key', `ssh-dss ${Buffer.from('ssh-dss').toString('base64')}`, sshRsaPublicKey(1024), 'ssh-rsa AAAAB3NzaC1yc2E= broken']) {
      const refused = await refusal(collectorVm({ keyData }));
      assert.deepEqual([refused.status, refused.code, refused.target, refused.message], [400, 'InvalidParameter', 'linuxConfiguration.ssh.publicKeys.keyData', 'The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.'], keyData.slice(0, 20));
    }
    const vm = collectorVm();
    vm.osProfile!.linuxConfiguration!.ssh!.publicKeys![0].path = '/root/.ssh/authorized_keys';
    assert.equal((await refusal(vm)).target, 'linuxConfiguration.ssh.publicKeys.path');
  });

  it('refuses a password with password sign-in off, no way to sign in, and no password with it on', async () => {
    const withPassword = await refusal(collectorVm({ password: 'Sup3r-secret!' }));
    assert.deepEqual([withPassword.status, withPassword.code, withPassword.target], [400, 'InvalidParameter', 'adminPassword']);
    const noKey = await refusal(collectorVm({ keyData: '' }));
    assert.deepEqual([noKey.code, noKey.target], ['InvalidParameter', 'linuxConfiguration']);
    const noPassword = await refusal(collectorVm({ keyData: '', disablePassword: false }));
    assert.deepEqual([noPassword.code, noPassword.message], ['InvalidParameter', "Required parameter 'adminPassword' is missing (null)."]);
    const badCustomData = await refusal(collectorVm({ customData: '#cloud-config not base64' }));
    assert.deepEqual([badCustomData.code, badCustomData.target], ['InvalidParameter', 'customData']);
  });

  it('refuses a NIC that is missing, in another region or on another VM', async () => {
    const missing = await refusal(collectorVm({ nic: 'nic-nope' }));
    assert.deepEqual([missing.status, missing.code], [400, 'InvalidResourceReference']);
    const elsewhere = await refusal(collectorVm({ nic: 'nic-elsewhere-01' }));
    assert.equal(elsewhere.code, 'InvalidResourceReference');
    const taken = await refusal(collectorVm({ nic: 'nic-collector-01' }));
    assert.deepEqual([taken.status, taken.code], [409, 'NicInUse']);
    assert.match(taken.message, /is used by existing VM .*vm-collector-01/);
  });

  it('refuses accelerated networking on a size without it', async () => {
    const refused = await refusal(collectorVm({ size: 'Standard_B2s' }));
    assert.deepEqual([refused.status, refused.code], [400, 'VMSizeIsNotPermittedToEnableAcceleratedNetworking']);
    assert.match(refused.message, /has size Standard_B2s, which is not compatible with enabling accelerated networking/);
    const client = compute();
    const plain = await client.virtualMachines.createOrUpdate(group, 'vm-plain-01', collectorVm({ size: 'Standard_B2s', nic: 'nic-plain-01' }), poll);
    assert.equal(plain.provisioningState, 'Succeeded');
  });

  it('refuses past the family and the regional vCPU quota with OperationNotAllowed, and usages show both', async () => {
    const client = compute();
    const before = await collect(client.usage.list('germanywestcentral'));
    const cores = before.find((usage) => usage.name.value === 'cores');
    const family = before.find((usage) => usage.name.value === 'standardDSv5Family');
    assert.deepEqual([cores?.currentValue, cores?.limit, cores?.name.localizedValue], [6, 15, 'Total Regional vCPUs']);
    assert.deepEqual([family?.currentValue, family?.limit, family?.name.localizedValue], [6, 10, 'Standard DSv5 Family vCPUs']);
    const family8 = await refusal(collectorVm({ size: 'Standard_D8s_v5' }));
    assert.deepEqual([family8.status, family8.code], [409, 'OperationNotAllowed']);
    assert.match(family8.message, /exceeding approved standardDSv5Family Cores quota\. .*Current Limit: 10, Current Usage: 6, Additional Required: 8, \(Minimum\) New Limit Required: 14/);
    await client.virtualMachines.createOrUpdate(group, 'vm-collector-02', collectorVm({ size: 'Standard_D4s_v5' }), poll);
    await client.virtualMachines.createOrUpdate(group, 'vm-plain-01', collectorVm({ size: 'Standard_B2s', nic: 'nic-plain-01' }), poll);
    await client.virtualMachines.createOrUpdate(group, 'vm-plain-02', collectorVm({ size: 'Standard_B2s', nic: 'nic-plain-02' }), poll);
    const regional = await refusal(collectorVm({ size: 'Standard_B2s', nic: 'nic-plain-03' }), 'vm-plain-03');
    assert.equal(regional.code, 'OperationNotAllowed');
    assert.match(regional.message, /exceeding approved Total Regional Cores quota\. .*Current Limit: 15, Current Usage: 14/);
    const after = await collect(client.usage.list('germanywestcentral'));
    assert.equal(after.find((usage) => usage.name.value === 'cores')?.currentValue, 14);
    assert.equal(after.find((usage) => usage.name.value === 'standardBSFamily')?.currentValue, 4);
  });

  it('refuses a body the definition does not allow', async () => {
    const response = await rawRequest(standIn, 'PUT', `/subscriptions/${hubSubscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/vm-x?api-version=2026-04-01`, {
      tenantId: demoTenantId,
      body: { location: 'germanywestcentral', properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5', cores: 2 } } },
    });
    assert.equal(response.status, 400);
    assert.equal(errorCode(response), 'InvalidRequestContent');
  });
});
