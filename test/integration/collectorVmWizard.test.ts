import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { sshEd25519PublicKey } from '../fixtures/sshKeys';
import type { ScriptedAnswer } from './scriptedUi';
import { hubSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const compute = '2026-04-01';
const vmName = 'vm-lens-sensor';
const group = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network`;
const vnetId = `${group}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const subnetId = `${vnetId}/subnets/snet-collectors`;
const vmId = `${group}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
const nicId = `${group}/providers/Microsoft.Network/networkInterfaces/${vmName}-nic`;
const nsgId = `${group}/providers/Microsoft.Network/networkSecurityGroups/${vmName}-nsg`;
const secret = 'lens-registration-token-7f3a';

const folder = mkdtempSync(join(tmpdir(), 'lens-collector-'));
const keyFile = join(folder, 'id_ed25519.pub');
const cloudInitFile = join(folder, 'cloud-init.yaml');
const publicKey = sshEd25519PublicKey('lens@test');
writeFileSync(keyFile, `${publicKey}\n`);
writeFileSync(cloudInitFile, `#cloud-config\nruncmd:\n  - /opt/sensor/install --token ${secret}\n`);

/** The parts of a VM read back that the suite checks. */
interface VmView {
  location: string;
  identity?: { type: string; principalId?: string };
  properties: {
    hardwareProfile: { vmSize: string };
    storageProfile: { imageReference: { offer: string; exactVersion?: string }; dataDisks: Array<{ diskSizeGB: number; deleteOption: string }> };
    osProfile: { linuxConfiguration: { disablePasswordAuthentication: boolean; ssh: { publicKeys: unknown } } };
  };
}

const newGroup = 'rg-lens-sensors';
const newGroupId = `/subscriptions/${hubSubscriptionId}/resourceGroups/${newGroup}`;
const resources = '2025-04-01';

/** The questions after the subnet (a subnet row answers it); `inNewGroup` creates the resource group too. */
function answersFor(size: string, inNewGroup = false): ScriptedAnswer[] {
  return [
    ...(inNewGroup ? [{ id: 'collector.resourceGroup', pick: 'New resource group…' }, { id: 'collector.resourceGroupName', input: newGroup }] : [{ id: 'collector.resourceGroup', pick: 'rg-hub-network' }]),
    { id: 'collector.vmName', input: vmName },
    { id: 'collector.image', pick: 'Ubuntu Server 24.04 LTS' },
    { id: 'collector.size', pick: size },
    { id: 'collector.adminUsername', input: 'lensadmin' },
    { id: 'collector.sshKeyFile', input: keyFile },
    { id: 'collector.sourcePrefixes', input: '10.1.0.0/16, 10.2.0.0/16' },
    { id: 'collector.sshSource', input: '' },
    { id: 'collector.dataDisk', input: '128' },
    { id: 'collector.diskType', pick: 'Premium SSD' },
    { id: 'collector.cloudInit', input: cloudInitFile },
  ];
}

const inNewGroup = (armId: string): string => armId.replace(group, newGroupId);

async function statusOf(armId: string, apiVersion: string): Promise<number> {
  return (await armGet(armId, apiVersion)).status;
}

/** Deletes what the suite may have left (a failed assertion midway): the VM first (it holds the NIC), then the NIC and the NSG. */
async function removeLeftovers(): Promise<void> {
  const token = demoToken();
  for (const [armId, apiVersion] of [[vmId, compute], [nicId, network], [nsgId, network], [inNewGroup(vmId), compute], [inNewGroup(nicId), network], [inNewGroup(nsgId), network], [newGroupId, resources]] as const) {
    const answer = await call('DELETE', `${standInUrl}${armId}?api-version=${apiVersion}`, undefined, token);
    if (answer.status === 202) {
      await waitForOperation(answer, token);
    }
    for (let attempt = 0; attempt < 50 && answer.status !== 404 && (await statusOf(armId, apiVersion)) === 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('collector VM wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: removeLeftovers });

  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs the command on the snet-collectors row of vnet-hub. */
  async function runOnSubnetRow(): Promise<void> {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${hubSubscriptionId}`);
    await api.inventory.children(`/subscriptions/${hubSubscriptionId}#vnets`);
    await api.inventory.children(vnetId.toLowerCase());
    await api.inventory.runOnRows('trafficLens.createCollectorVm', [subnetId.toLowerCase()]);
  }

  it('shows but refuses a size the region\u2019s vCPU quota cannot hold, and creates nothing', async () => {
    const before = await requestCounts();
    api.wizards.answer(answersFor('Standard_D8s_v5'));
    api.wizards.choose(['apply']);
    await runOnSubnetRow();
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was refused');
    const failed = plan.checks.filter((check) => check.status === 'failed');
    assert.deepEqual(failed.map((check) => check.id), ['quota']);
    // The hub's VMs (vm-collector-01 among them) already hold more than 2 of the DSv5 family's 10 vCPUs in germanywestcentral.
    const numbers = /Standard DSv5 Family vCPUs \(standardDSv5Family\): (\d+) of 10 in use, Standard_D8s_v5 needs 8 more \(a limit of at least (\d+)\)/.exec(failed[0].detail);
    assert.ok(numbers, failed[0].detail);
    assert.ok(Number(numbers[1]) > 2 && Number(numbers[2]) === Number(numbers[1]) + 8, failed[0].detail);
    assert.equal(countOf(await requestCounts(), 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
    for (const [armId, apiVersion] of [[vmId, compute], [nicId, network], [nsgId, network]] as const) {
      assert.equal(await statusOf(armId, apiVersion), 404, `${armId} was not created`);
    }
  });

  it('undoes what a failed create left: the VM first, then its NIC, the NSG and the resource group it created', async () => {
    await faults({ kind: 'failOperation', match: `virtualMachines/${vmName}`, method: 'PUT', code: 'AllocationFailed', message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region.' });
    api.wizards.answer(answersFor('Standard_D2s_v5', true));
    api.wizards.choose(['apply', 'undoCreated']);
    const before = await requestCounts();
    await runOnSubnetRow();
    const report = api.wizards.lastReport();
    assert.ok(report);
    // The VM's create failed (AllocationFailed) but left a failed VM holding the NIC: Undo deletes it before the NIC, the NSG and the group.
    assert.deepEqual(report.plan.actions.map((action, index) => `${action.resourceType.split('/').pop()} ${report.outcomes[index]?.status}`), ['resourceGroups undone', 'networkSecurityGroups undone', 'networkInterfaces undone', 'virtualMachines undone'], describeReport(report));
    assert.equal(countOf(await requestCounts(), 'DELETE') - countOf(before, 'DELETE'), 4, 'four deletes: the VM, the NIC (already gone with the VM), the NSG and the group');
    for (const [armId, apiVersion] of [[inNewGroup(vmId), compute], [inNewGroup(nicId), network], [inNewGroup(nsgId), network], [newGroupId, resources]] as const) {
      assert.equal(await statusOf(armId, apiVersion), 404, `${armId} is gone`);
    }
  });

  it('creates the collector VM with an accelerated NIC, no public IP, an NSG for VXLAN only, and keeps it on a second run', async () => {
    api.wizards.answer(answersFor('Standard_D2s_v5'));
    api.wizards.choose(['apply']);
    await runOnSubnetRow();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, describeReport(report));
    assert.match(report.plan.summary.join('\n'), /decapsulate VXLAN/);
    assert.ok(!report.plan.actions.some((action) => action.title.includes(secret)), 'no title carries the cloud-init text');

    const vm = (await armGet(vmId, compute)).body as VmView;
    assert.equal(vm.location, 'germanywestcentral');
    assert.equal(vm.identity?.type, 'SystemAssigned');
    assert.ok(vm.identity?.principalId, 'a managed identity was created');
    assert.equal(vm.properties.hardwareProfile.vmSize, 'Standard_D2s_v5');
    assert.equal(vm.properties.storageProfile.imageReference.offer, 'ubuntu-24_04-lts');
    assert.equal(vm.properties.storageProfile.imageReference.exactVersion, '24.04.202411030', 'the newest version of the catalogue');
    assert.deepEqual(vm.properties.storageProfile.dataDisks.map((disk) => [disk.diskSizeGB, disk.deleteOption]), [[128, 'Delete']]);
    assert.equal(vm.properties.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
    assert.deepEqual(vm.properties.osProfile.linuxConfiguration.ssh.publicKeys, [{ path: '/home/lensadmin/.ssh/authorized_keys', keyData: publicKey }]);

    const nic = (await armGet(nicId, network)).body as { properties: { enableAcceleratedNetworking: boolean; networkSecurityGroup?: { id: string }; virtualMachine?: { id: string }; ipConfigurations: Array<{ properties: { publicIPAddress?: unknown; subnet: { id: string } } }> } };
    assert.equal(nic.properties.enableAcceleratedNetworking, true);
    assert.equal(nic.properties.ipConfigurations[0].properties.publicIPAddress, undefined, 'no public IP');
    assert.equal(nic.properties.ipConfigurations[0].properties.subnet.id.toLowerCase(), subnetId.toLowerCase());
    assert.equal(nic.properties.networkSecurityGroup?.id.toLowerCase(), nsgId.toLowerCase());
    assert.equal(nic.properties.virtualMachine?.id.toLowerCase(), vmId.toLowerCase());

    const nsg = (await armGet(nsgId, network)).body as { properties: { securityRules: Array<{ name: string; properties: Record<string, unknown> }> } };
    assert.deepEqual(nsg.properties.securityRules.map((rule) => [rule.name, rule.properties.protocol, rule.properties.destinationPortRange, rule.properties.sourceAddressPrefixes, rule.properties.access, rule.properties.direction]), [
      ['AllowVxlanFromSources', 'Udp', '4789', ['10.1.0.0/16', '10.2.0.0/16'], 'Allow', 'Inbound'],
    ], 'VXLAN from the sources only, no SSH rule');

    const before = await requestCounts();
    // From the palette this time: the subnet is asked.
    api.wizards.answer([{ id: 'collector.subnet', pick: 'vnet-hub/snet-collectors' }, ...answersFor('Standard_D2s_v5')]);
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.createCollectorVm');
    const again = api.wizards.lastReport();
    assert.ok(again);
    assert.deepEqual(again.plan.actions.map((action) => action.existing), ['same', 'same', 'same'], describeReport(again));
    assert.equal(countOf(await requestCounts(), 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
  });
});
