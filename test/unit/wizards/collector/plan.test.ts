import assert from 'node:assert/strict';
import type { ActionRunner } from '../../../../src/azure/actionRunner';
import { actionsToSend, isBlocked, type ActionOutcome, type ApplyReport, type Plan, type PlanAction } from '../../../../src/core/plan';
import { collectorIds } from '../../../../src/wizards/collector/collectorModel';
import { planCollector } from '../../../../src/wizards/collector/plan';
import { applyPlan, retryRemaining, undoCreated } from '../../../../src/wizards/shared/applyPlan';
import { toBicep } from '../../../../src/wizards/shared/bicep';
import { toAzureCliScript } from '../../../../src/wizards/shared/cliScript';
import { renderPreview } from '../../../../src/wizards/shared/preview';
import { reviewPlan, type ReviewPorts } from '../../../../src/wizards/shared/review';
import { answers, cloudInitText, facts, sshKey, sub } from './builders';

/** The parts of a VM body these tests read. */
interface VmProperties {
  storageProfile: { imageReference: unknown; osDisk: { deleteOption: string }; dataDisks: Array<Record<string, unknown>> };
  osProfile: { customData?: string; adminPassword?: string; linuxConfiguration: { disablePasswordAuthentication: boolean; ssh: { publicKeys: unknown } } };
  networkProfile: { networkInterfaces: unknown };
}

const failed = (plan: Plan) => plan.checks.filter((check) => check.status === 'failed');

/** Records what it ran and undid; everything succeeds. */
class RecordingRunner implements ActionRunner {
  readonly ran: string[] = [];
  readonly undone: string[] = [];
  async run(action: PlanAction): Promise<void> {
    this.ran.push(action.resourceType);
  }
  async undo(action: PlanAction): Promise<void> {
    this.undone.push(action.resourceType);
  }
}

describe('collector VM plan', () => {
  it('creates the NSG, the NIC and the VM in that order with the bodies Azure takes', () => {
    const plan = planCollector(answers({ sshSourcePrefix: '192.0.2.0/24' }), facts());
    assert.deepEqual(failed(plan), []);
    assert.equal(plan.kind, 'collectorVm');
    const ids = collectorIds(answers());
    assert.deepEqual(plan.actions.map((action) => [action.resourceType, action.resourceId, action.apiVersion, action.existing]), [
      ['Microsoft.Network/networkSecurityGroups', ids.nsgId, '2026-01-01', 'absent'],
      ['Microsoft.Network/networkInterfaces', ids.nicId, '2026-01-01', 'absent'],
      ['Microsoft.Compute/virtualMachines', ids.vmId, '2026-04-01', 'absent'],
    ]);
    assert.equal(ids.vmId, `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Compute/virtualMachines/vm-sensor-1`);
    const [nsg, nic, vm] = plan.actions;
    assert.deepEqual(nic.dependsOn, [nsg.id]);
    assert.deepEqual(vm.dependsOn, [nic.id]);
    assert.deepEqual(nsg.body, {
      location: 'westeurope',
      properties: {
        securityRules: [
          { name: 'AllowVxlanFromSources', properties: { description: 'Mirrored traffic from virtual network TAP (VXLAN)', protocol: 'Udp', sourceAddressPrefixes: ['10.1.0.0/16', '10.2.0.0/16'], sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '4789', access: 'Allow', priority: 100, direction: 'Inbound' } },
          { name: 'AllowSshFromAdmin', properties: { description: 'SSH from the administrators\u2019 network only', protocol: 'Tcp', sourceAddressPrefix: '192.0.2.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22', access: 'Allow', priority: 110, direction: 'Inbound' } },
        ],
      },
    });
    const nicProperties = nic.body?.properties as Record<string, unknown>;
    assert.equal(nicProperties.enableAcceleratedNetworking, true);
    assert.deepEqual(nicProperties.networkSecurityGroup, { id: ids.nsgId });
    assert.ok(!JSON.stringify(nic.body).includes('publicIPAddress'), 'no public IP');
    const properties = vm.body?.properties as VmProperties;
    assert.deepEqual(vm.body?.identity, { type: 'SystemAssigned' });
    assert.deepEqual(properties.storageProfile.imageReference, { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: '24.04.202411030' }, '"latest" is resolved to the newest version');
    assert.equal(properties.storageProfile.osDisk.deleteOption, 'Delete');
    assert.deepEqual(properties.storageProfile.dataDisks.map((disk) => [disk.createOption, disk.diskSizeGB, disk.deleteOption]), [['Empty', 256, 'Delete']]);
    assert.deepEqual(properties.osProfile.linuxConfiguration.ssh.publicKeys, [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: answers().sshPublicKey.text }]);
    assert.equal(properties.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
    assert.equal(properties.osProfile.adminPassword, undefined);
    assert.equal(properties.osProfile.customData, undefined, 'no custom data without a cloud-init file');
    assert.deepEqual(properties.networkProfile.networkInterfaces, [{ id: ids.nicId, properties: { primary: true, deleteOption: 'Delete' } }]);
    assert.match(plan.summary.join('\n'), /Canonical:ubuntu-24_04-lts:server:24\.04\.202411030/);
    assert.match(plan.summary.join('\n'), /decapsulate VXLAN.*virtual-network-tap-overview/);
  });

  it('undoes the VM first, then the NIC, the NSG and the resource group it created', async () => {
    const plan = planCollector(answers({ resourceGroup: 'rg-sensors', resourceGroupIsNew: true }), facts({ resourceGroupLocation: undefined }));
    assert.deepEqual(failed(plan), []);
    assert.equal(plan.actions[0].resourceType, 'Microsoft.Resources/resourceGroups');
    const runner = new RecordingRunner();
    const report = await applyPlan(plan, runner, { concurrency: 4, backoffMs: 1 });
    assert.equal(report.complete, true);
    assert.deepEqual(runner.ran, ['Microsoft.Resources/resourceGroups', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/networkInterfaces', 'Microsoft.Compute/virtualMachines']);
    await undoCreated(report, runner, { concurrency: 4, backoffMs: 1 });
    assert.deepEqual(runner.undone, ['Microsoft.Compute/virtualMachines', 'Microsoft.Network/networkInterfaces', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Resources/resourceGroups']);

    const existingGroup = planCollector(answers(), facts());
    assert.ok(!existingGroup.actions.some((action) => action.resourceType === 'Microsoft.Resources/resourceGroups'), 'an existing group is neither created nor deleted');
  });

  it('refuses when the quota is short, naming the quota and the numbers, and when the size is restricted', () => {
    const short = planCollector(answers(), facts({ usages: [
      { name: 'cores', localizedName: 'Total Regional vCPUs', current: 4, limit: 4 },
      { name: 'standardDSv5Family', localizedName: 'Standard DSv5 Family vCPUs', current: 0, limit: 10 },
    ] }));
    assert.equal(isBlocked(short), true);
    assert.deepEqual(failed(short).map((check) => check.id), ['quota']);
    assert.match(failed(short)[0].detail, /Total Regional vCPUs \(cores\): 4 of 4 in use, Standard_D4s_v5 needs 4 more/);
    assert.match(renderPreview(short), /Apply is not offered/);

    const restricted = planCollector(answers({ size: 'Standard_D8s_v5' }), facts());
    assert.deepEqual(failed(restricted).map((check) => check.id), ['size']);
    assert.match(failed(restricted)[0].detail, /Standard_D8s_v5 in westeurope: not offered to this subscription here \(NotAvailableForSubscription\)/);

    const missingImage = planCollector(answers(), facts({ imageVersion: undefined }));
    assert.deepEqual(failed(missingImage).map((check) => check.id), ['image']);
    assert.match(failed(missingImage)[0].detail, /Canonical:ubuntu-24_04-lts:server has no version in westeurope/);
  });

  it('refuses a short RSA key naming its file, a subnet in another region, and names Azure refuses', () => {
    const plan = planCollector(
      answers({ vmName: 'vm_sensor', sshPublicKey: { path: '/home/ops/.ssh/id_rsa.pub', text: sshKey('rsa', 1024) } }),
      facts({ subnet: { armId: 'x', name: 'collectors', vnetName: 'vnet-hub', location: 'northeurope', addressPrefixes: ['10.0.5.0/24'] } }),
    );
    const byId = Object.fromEntries(failed(plan).map((check) => [check.id, check.detail]));
    assert.match(byId.sshKey, /^\/home\/ops\/\.ssh\/id_rsa\.pub: an RSA key of 1024 bits; Azure needs at least 2048/);
    assert.match(byId.subnet, /vnet-hub\/collectors is in northeurope, the VM in westeurope/);
    assert.match(byId.vmName, /^vm_sensor: A VM name may contain only letters, digits and hyphens/);
  });

  it('warns when the subnet\u2019s NSG denies VXLAN from a source, naming the rule', () => {
    const rule = (name: string, priority: number, access: string, source: string) => ({ name, priority, direction: 'Inbound', access, protocol: 'Udp', source, sourcePorts: '*', destination: '*', destinationPorts: '4789' });
    const nsg = { id: 'nsg', armId: 'nsg', name: 'nsg-collectors', resourceGroup: 'rg-hub', properties: {}, location: 'westeurope', subnetIds: [], nicIds: [], rules: [rule('allow-prod-vxlan', 100, 'Allow', '10.1.0.0/16'), rule('deny-vxlan', 200, 'Deny', '*')] };
    const subnet = { ...facts().subnet!, nsg };
    const plan = planCollector(answers(), facts({ subnet }));
    const check = plan.checks.find((entry) => entry.id === 'subnetNsg');
    assert.equal(check?.status, 'warning');
    assert.match(check?.detail ?? '', /nsg-collectors on the subnet denies UDP 4789 from 10\.2\.0\.0\/16 \(rule deny-vxlan, priority 200\)/);
    assert.equal(isBlocked(plan), false, 'a warning does not block Apply');
    const allowed = planCollector(answers({ sourcePrefixes: ['10.1.0.0/16'] }), facts({ subnet }));
    assert.equal(allowed.checks.find((entry) => entry.id === 'subnetNsg')?.status, 'passed');
  });

  it('plans a subnet a larger plan creates first, without refusing it as missing', () => {
    const plan = planCollector(answers({ subnetPlanned: true }), facts({ subnet: undefined }));
    assert.deepEqual(failed(plan), []);
    assert.match(plan.checks.find((check) => check.id === 'subnet')?.detail ?? '', /created earlier in this plan/);
    const unplanned = planCollector(answers(), facts({ subnet: undefined }));
    assert.deepEqual(failed(unplanned).map((check) => check.id), ['subnet']);
  });

  it('keeps what already exists as planned, and refuses names taken by something else', () => {
    const ids = collectorIds(answers());
    const again = planCollector(answers(), facts({
      existingVm: { armId: ids.vmId, name: 'vm-sensor-1', location: 'westeurope', size: 'Standard_D4s_v5', nicIds: [ids.nicId.toLowerCase()], powerState: 'running' },
      existingNic: { armId: ids.nicId, location: 'westeurope', subnetIds: [answers().subnetId.toLowerCase()], acceleratedNetworking: true, networkSecurityGroupId: ids.nsgId.toLowerCase(), virtualMachineId: ids.vmId },
      existingNsg: { armId: ids.nsgId, location: 'westeurope', rules: [{ name: 'AllowVxlanFromSources', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Udp', source: '10.1.0.0/16,10.2.0.0/16', sourcePorts: '*', destination: '*', destinationPorts: '4789' }] },
    }));
    assert.deepEqual(failed(again), []);
    assert.deepEqual(again.actions.map((action) => action.existing), ['same', 'same', 'same']);
    assert.equal(actionsToSend(again).length, 0);

    const taken = planCollector(answers(), facts({
      existingVm: { armId: ids.vmId, name: 'vm-sensor-1', location: 'westeurope', size: 'Standard_B2s', nicIds: ['/subscriptions/x/resourcegroups/rg-hub/providers/microsoft.network/networkinterfaces/other'], powerState: 'running' },
      existingNsg: { armId: ids.nsgId, location: 'westeurope', rules: [{ name: 'AllowHttps', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '*', sourcePorts: '*', destination: '*', destinationPorts: '443' }] },
    }));
    const byId = Object.fromEntries(failed(taken).map((check) => [check.id, check.detail]));
    assert.match(byId.vmFree, /A VM named vm-sensor-1 already exists in rg-hub \(Standard_B2s, westeurope, NICs other\)/);
    assert.match(byId.nsgFree, /already exists with other rules \(AllowHttps\)/);

    const otherNic = planCollector(answers(), facts({ existingNic: { armId: ids.nicId, location: 'westeurope', subnetIds: [], acceleratedNetworking: false } }));
    assert.deepEqual(failed(otherNic), []);
    assert.equal(otherNic.actions[1].existing, 'differs', 'a free NIC of that name is updated');
  });

  it('shows the cloud-init text in the preview, and keeps it and its base64 out of the log, the CLI script and Bicep', async () => {
    const plan = planCollector(answers({ cloudInit: { path: '/home/ops/sensor/cloud-init.yaml', text: cloudInitText } }), facts());
    const vm = plan.actions[plan.actions.length - 1];
    const encoded = Buffer.from(cloudInitText).toString('base64');
    assert.equal((vm.body?.properties as VmProperties).osProfile.customData, encoded, 'sent base64 as custom data');
    const preview = renderPreview(plan);
    assert.ok(preview.includes('REGISTRATION_TOKEN=s3cr3t-token'), 'the preview shows the script');
    assert.ok(!preview.includes(encoded), 'the preview does not show base64');
    assert.match(preview, /cloud-init.yaml/);

    for (const exported of [toAzureCliScript(plan), ...toBicep(plan).files.map((file) => file.content)]) {
      assert.ok(!exported.includes('s3cr3t-token') && !exported.includes(encoded.slice(0, 40)), 'exports leave the script out');
    }
    const script = toAzureCliScript(plan);
    assert.ok(script.includes(`"customData": "'"$(base64 < /home/ops/sensor/cloud-init.yaml | tr -d '\\n')"'"`), 'the script reads the file when it runs');
    const bicep = toBicep(plan).files.map((file) => file.content).join('\n');
    assert.ok(bicep.includes("customData: loadFileAsBase64('cloud-init.yaml')"), 'Bicep loads the file next to it');
    assert.ok(bicep.includes('copy /home/ops/sensor/cloud-init.yaml next to this file as cloud-init.yaml'));

    const logs: string[] = [];
    let asked = 0;
    const runner = new RecordingRunner();
    const ports: ReviewPorts = {
      showPreview: async () => undefined,
      choose: async () => {
        asked += 1;
        return asked === 1 ? 'apply' : undefined;
      },
      notify: (message) => void logs.push(`notify ${message}`),
      copyCliScript: async () => '',
      saveBicep: async () => undefined,
      withProgress: async (_title, work) => work((message) => void logs.push(`progress ${message}`), new AbortController().signal),
      runnerFor: async () => runner,
      confirm: async () => true,
      engine: {
        applyPlan: (reviewed, used, options) => applyPlan(reviewed, used, { ...options, backoffMs: 1 }),
        retryRemaining: (report, used, options) => retryRemaining(report, used, { ...options, backoffMs: 1 }),
        undoCreated: (report, used, options) => undoCreated(report, used, { ...options, backoffMs: 1 }),
      },
      beginActivity: () => ({
        start: (kind) => void logs.push(`activity ${kind}`),
        update: (updated: PlanAction, outcome: ActionOutcome) => void logs.push(`activity ${updated.title} ${outcome.status} ${outcome.message ?? ''}`),
        finish: (_report: ApplyReport, summary: string) => void logs.push(`activity ${summary}`),
      }),
      subscriptionsBusy: () => () => undefined,
      subscriptionsChanged: () => undefined,
      log: { info: (message) => void logs.push(`info ${message}`), warn: (message) => void logs.push(`warn ${message}`), error: (message) => void logs.push(`error ${message}`), show: () => undefined },
      remember: () => undefined,
      startRemedy: async () => undefined,
    };
    await reviewPlan(plan, ports);
    assert.ok(logs.some((line) => /Created VM vm-sensor-1/.test(line)), logs.join('\n'));
    assert.equal(runner.ran.length, 3, 'the plan was applied');
    const text = logs.join('\n');
    assert.ok(!text.includes('s3cr3t-token') && !text.includes(encoded), 'nothing logged holds the script');
  });
});
