import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { sshEd25519PublicKey } from '../fixtures/sshKeys';
import type { ApplyReport } from '../../src/core/plan';
import type { ScriptedAnswer } from './scriptedUi';
import { prodSubscriptionId, prodVnetId, secopsHubVnetId, secopsSensorsSubnetId, secopsSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const compute = '2026-04-01';
const resources = '2025-04-01';
const vmName = 'vm-lens-secops';
const tapName = 'vtap-lens-secops';
const secopsGroup = `/subscriptions/${secopsSubscriptionId}/resourceGroups/rg-secops-network`;
const prodNic = (name: string): string => `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-app/providers/Microsoft.Network/networkInterfaces/${name}`;
const sources = ['nic-web-02', 'nic-app-01'];
const newHubName = 'vnet-lens-hub';
const newHubGroup = 'rg-lens-hub';
const newHubGroupId = `/subscriptions/${secopsSubscriptionId}/resourceGroups/${newHubGroup}`;
const newHubId = `${newHubGroupId}/providers/Microsoft.Network/virtualNetworks/${newHubName}`;

/** The ids a set-up in a resource group creates: the collector VM, NIC, NSG and the TAP. */
function idsIn(group: string): { vm: string; nic: string; nsg: string; tap: string } {
  return {
    vm: `${group}/providers/Microsoft.Compute/virtualMachines/${vmName}`,
    nic: `${group}/providers/Microsoft.Network/networkInterfaces/${vmName}-nic`,
    nsg: `${group}/providers/Microsoft.Network/networkSecurityGroups/${vmName}-nsg`,
    tap: `${group}/providers/Microsoft.Network/virtualNetworkTaps/${tapName}`,
  };
}

/** The two peerings between a hub and the prod spoke, named as the plan names them. */
function peeringsOf(hubId: string): string[] {
  const hub = hubId.split('/').pop() ?? '';
  return [`${hubId}/virtualNetworkPeerings/${hub}-to-vnet-prod-spoke`, `${prodVnetId}/virtualNetworkPeerings/vnet-prod-spoke-to-${hub}`];
}

const folder = mkdtempSync(join(tmpdir(), 'lens-setup-'));
const keyFile = join(folder, 'id_ed25519.pub');
writeFileSync(keyFile, `${sshEd25519PublicKey('lens@test')}\n`);

/** The collector wizard's questions as the set-up asks them; `subnet` is asked only in an existing hub. */
function collectorAnswers(group: string, subnet?: string): ScriptedAnswer[] {
  return [
    ...(subnet ? [{ id: 'collector.subnet', pick: subnet }] : []),
    { id: 'collector.resourceGroup', pick: group },
    { id: 'collector.vmName', input: vmName },
    { id: 'collector.image', pick: 'Ubuntu Server 24.04 LTS' },
    { id: 'collector.size', pick: 'Standard_D2s_v5' },
    { id: 'collector.adminUsername', input: 'lensadmin' },
    { id: 'collector.sshKeyFile', input: keyFile },
    { id: 'collector.sourcePrefixes', input: '10.1.0.0/16' },
    { id: 'collector.sshSource', input: '' },
    { id: 'collector.dataDisk', input: '64' },
    { id: 'collector.diskType', pick: 'Standard SSD' },
    { id: 'collector.cloudInit', input: '' },
  ];
}

/** Option 1B: two prod NICs to a new collector VM in the security subscription; `hub` answers the hub questions. */
function optionOneB(hub: ScriptedAnswer[], collector: ScriptedAnswer[]): ScriptedAnswer[] {
  return [
    { id: 'setup.option', pick: '1B' },
    { id: 'setup.sources', pick: sources },
    { id: 'setup.securitySubscription', pick: 'Contoso Security Operations' },
    ...hub,
    { id: 'setup.collector', pick: 'New collector VM…' },
    ...collector,
    { id: 'setup.tapName', input: tapName },
    { id: 'setup.restartVms', pick: 'No' },
  ];
}

const existingHub: ScriptedAnswer[] = [{ id: 'setup.hub', pick: 'vnet-secops-hub' }];
const newHub = (addressSpace: string): ScriptedAnswer[] => [
  { id: 'setup.hub', pick: 'New hub virtual network…' },
  { id: 'setup.hubName', input: newHubName },
  { id: 'setup.hubResourceGroup', input: newHubGroup },
  { id: 'setup.hubAddressSpace', input: addressSpace },
];

async function statusOf(armId: string, apiVersion = network): Promise<number> {
  return (await armGet(armId, apiVersion)).status;
}

/** DELETE of an ARM id, waiting until it is gone; a resource still in use (400) is tried again for a while. */
async function remove(armId: string, apiVersion = network): Promise<void> {
  const token = demoToken();
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await call('DELETE', `${standInUrl}${armId}?api-version=${apiVersion}`, undefined, token);
    if (answer.status === 202) {
      await waitForOperation(answer, token);
    }
    if (answer.status !== 400 && answer.status !== 409) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (let attempt = 0; attempt < 50 && (await statusOf(armId, apiVersion)) === 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes whatever a set-up left: tap configurations, the TAP, the VM (it holds the NIC), NIC, NSG, peerings, a new hub and its group. */
async function removeLeftovers(): Promise<void> {
  for (const name of sources) {
    await remove(`${prodNic(name)}/tapConfigurations/tapcfg-${tapName}`);
  }
  for (const group of [secopsGroup, newHubGroupId]) {
    const ids = idsIn(group);
    await remove(ids.tap);
    await remove(ids.vm, compute);
    await remove(ids.nic);
    await remove(ids.nsg);
  }
  for (const peering of [...peeringsOf(secopsHubVnetId), ...peeringsOf(newHubId)]) {
    await remove(peering);
  }
  await remove(newHubId);
  await remove(newHubGroupId, resources);
}

interface NicView {
  properties: {
    enableAcceleratedNetworking?: boolean;
    networkSecurityGroup?: { id: string };
    ipConfigurations: Array<{ id: string; properties: { publicIPAddress?: unknown; subnet: { id: string } } }>;
    tapConfigurations?: Array<{ name: string; properties: { virtualNetworkTap?: { id: string } } }>;
  };
}

describe('Set Up Traffic Monitoring', function () {
  this.timeout(300_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: removeLeftovers, cleanUpEachTest: true });

  after(() => rmSync(folder, { recursive: true, force: true }));

  /** What the set-up's checks and outcomes say, for assertion messages. */
  const describePlan = (): string => JSON.stringify(api.wizards.lastPlan()?.checks.filter((check) => check.status !== 'passed'));

  /** Asserts the collector, the peerings, the TAP and the tap configurations of a finished set-up in `group` with hub `hubId`. */
  async function assertMirrored(group: string, hubId: string, subnetId: string): Promise<void> {
    const ids = idsIn(group);
    assert.equal(await statusOf(ids.vm, compute), 200, 'the collector VM exists');
    assert.equal(await statusOf(ids.nsg), 200, 'the collector NSG exists');
    const nic = (await armGet(ids.nic, network)).body as NicView;
    assert.equal(nic.properties.enableAcceleratedNetworking, true, 'accelerated networking is on');
    assert.equal(nic.properties.ipConfigurations[0].properties.publicIPAddress, undefined, 'no public IP');
    assert.equal(nic.properties.ipConfigurations[0].properties.subnet.id.toLowerCase(), subnetId.toLowerCase());
    assert.equal(nic.properties.networkSecurityGroup?.id.toLowerCase(), ids.nsg.toLowerCase());

    for (const peering of peeringsOf(hubId)) {
      const answer = await armGet(peering, network);
      assert.equal(answer.status, 200, `${peering} exists`);
      assert.equal((answer.body as { properties: { peeringState: string } }).properties.peeringState, 'Connected', `${peering} is Connected`);
    }

    const tap = await armGet(ids.tap, network);
    assert.equal(tap.status, 200, 'the TAP exists');
    const destination = (tap.body as { properties: { destinationNetworkInterfaceIPConfiguration?: { id: string } } }).properties.destinationNetworkInterfaceIPConfiguration?.id;
    assert.equal(destination?.toLowerCase(), nic.properties.ipConfigurations[0].id.toLowerCase(), 'the TAP sends to the collector NIC');
    for (const name of sources) {
      const source = (await armGet(prodNic(name), network)).body as NicView;
      const targets = (source.properties.tapConfigurations ?? []).map((configuration) => configuration.properties.virtualNetworkTap?.id.toLowerCase());
      assert.deepEqual(targets, [ids.tap.toLowerCase()], `${name} mirrors into ${tapName}`);
    }
  }

  /** The tree rows under the security subscription: the collector NIC in its subnet, the TAP and its sources. */
  async function assertTree(subnetId: string, hubId: string): Promise<void> {
    const subscription = `/subscriptions/${secopsSubscriptionId}`;
    await vscode.commands.executeCommand('trafficLens.refresh');
    await api.inventory.children();
    await api.inventory.children(subscription);
    await api.inventory.children(`${subscription}#vnets`);
    await api.inventory.children(hubId.toLowerCase());
    const nics = await api.inventory.children(subnetId.toLowerCase());
    assert.ok(nics.some((row) => row.label === `${vmName}-nic`), `the collector NIC is shown in its subnet: ${nics.map((row) => row.label).join(', ')}`);
    const taps = await api.inventory.children(`${subscription}#taps`);
    const tap = taps.find((row) => row.label === tapName);
    assert.ok(tap, `the TAP is shown: ${taps.map((row) => row.label).join(', ')}`);
    assert.deepEqual((await api.inventory.children(tap.id)).map((row) => row.label).sort(), [...sources].sort());
  }

  it('option 1B: mirrors two prod NICs to a new collector VM in the existing security hub, peered both ways', async () => {
    api.wizards.answer(optionOneB(existingHub, collectorAnswers('rg-secops-network', 'vnet-secops-hub/snet-sensors')));
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.setUpMonitoring');
    const report = api.wizards.lastReport();
    assert.ok(report, `the plan was applied: ${describePlan()}`);
    assert.equal(report.complete, true, describeReport(report));
    await assertMirrored(secopsGroup, secopsHubVnetId, secopsSensorsSubnetId);
    await assertTree(secopsSensorsSubnetId, secopsHubVnetId);
  });

  it('option 1B with a new hub network: creates the hub and its resource group, the collector in it, peerings, the TAP', async () => {
    const subnetId = `${newHubId}/subnets/snet-collectors`;
    api.wizards.answer(optionOneB(newHub('10.70.0.0/16'), collectorAnswers(newHubGroup)));
    api.wizards.choose(['apply']);
    await vscode.commands.executeCommand('trafficLens.setUpMonitoring');
    const report = api.wizards.lastReport();
    assert.ok(report, `the plan was applied: ${describePlan()}`);
    assert.equal(report.complete, true, describeReport(report));
    const hub = (await armGet(newHubId, network)).body as { location: string; properties: { addressSpace: { addressPrefixes: string[] }; subnets: Array<{ name: string; properties: { addressPrefix: string } }> } };
    assert.equal(hub.location, 'germanywestcentral');
    assert.deepEqual(hub.properties.addressSpace.addressPrefixes, ['10.70.0.0/16']);
    assert.deepEqual(hub.properties.subnets.map((subnet) => [subnet.name, subnet.properties.addressPrefix]), [['snet-collectors', '10.70.1.0/24']]);
    await assertMirrored(newHubGroupId, newHubId, subnetId);
    await assertTree(subnetId, newHubId);
  });

  it('undoes what a partly failed set-up created when the TAP cannot be created, leaving the demo as it was', async () => {
    await faults({ kind: 'failOperation', match: `virtualNetworkTaps/${tapName}`, method: 'PUT', count: 10, code: 'InternalServerError', message: 'An error occurred while creating the virtual network TAP.' });
    api.wizards.answer(optionOneB(existingHub, collectorAnswers('rg-secops-network', 'vnet-secops-hub/snet-sensors')));
    api.wizards.choose(['apply', 'undoCreated']);
    const before = await requestCounts();
    await vscode.commands.executeCommand('trafficLens.setUpMonitoring');
    const [applied, undone] = api.wizards.allReports();
    assert.ok(applied && undone, `the plan was applied and undone: ${describePlan()}`);
    const rows = (report: ApplyReport): string[] => report.plan.actions.map((action, index) => `${action.resourceType.split('/').slice(1).join('/')} ${report.outcomes[index]?.status}${report.outcomes[index]?.code ? ` ${report.outcomes[index]?.code}` : ''}`);
    // The collector and the peerings were created; the TAP failed, so no NIC was mirrored.
    assert.deepEqual(rows(applied), [
      'networkSecurityGroups succeeded',
      'networkInterfaces succeeded',
      'virtualMachines succeeded',
      'virtualNetworks/virtualNetworkPeerings succeeded',
      'virtualNetworks/virtualNetworkPeerings succeeded',
      'virtualNetworkTaps failed InternalServerError',
      'networkInterfaces/tapConfigurations skipped',
      'networkInterfaces/tapConfigurations skipped',
    ], describeReport(applied));
    assert.equal(applied.complete, false);
    // Undo deletes what the plan created, the failed TAP's leftover included; what never ran stays skipped.
    assert.deepEqual(rows(undone), [
      'networkSecurityGroups undone',
      'networkInterfaces undone',
      'virtualMachines undone',
      'virtualNetworks/virtualNetworkPeerings undone',
      'virtualNetworks/virtualNetworkPeerings undone',
      'virtualNetworkTaps undone',
      'networkInterfaces/tapConfigurations skipped',
      'networkInterfaces/tapConfigurations skipped',
    ], describeReport(undone));
    assert.ok(countOf(await requestCounts(), 'DELETE') > countOf(before, 'DELETE'), 'Undo sent deletes');
    const ids = idsIn(secopsGroup);
    for (const [armId, apiVersion] of [[ids.vm, compute], [ids.nic, network], [ids.nsg, network], [ids.tap, network], ...peeringsOf(secopsHubVnetId).map((id) => [id, network])] as const) {
      assert.equal(await statusOf(armId, apiVersion), 404, `${armId} is gone`);
    }
    for (const name of sources) {
      const source = (await armGet(prodNic(name), network)).body as NicView;
      assert.deepEqual(source.properties.tapConfigurations ?? [], [], `${name} mirrors nothing`);
    }
    const spoke = (await armGet(prodVnetId, network)).body as { properties: { virtualNetworkPeerings: Array<{ name: string }> } };
    assert.deepEqual(spoke.properties.virtualNetworkPeerings.map((peering) => peering.name), ['prod-to-hub'], 'the prod spoke keeps only its peering with the connectivity hub');
  });

  it('refuses a new hub whose address space overlaps the prod spoke, naming the check, and creates nothing', async () => {
    const before = await requestCounts();
    api.wizards.answer(optionOneB(newHub('10.1.0.0/16'), collectorAnswers(newHubGroup)));
    api.wizards.choose(['cancel']);
    await vscode.commands.executeCommand('trafficLens.setUpMonitoring');
    assert.equal(api.wizards.lastReport(), undefined, 'Apply was refused');
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    const failed = plan.checks.filter((check) => check.status === 'failed');
    // The hub's own check names the overlap, once (the peering part's check of the same pair is left out).
    assert.deepEqual(failed.map((check) => check.id), ['hub.overlap'], describePlan());
    assert.match(failed[0].detail, /vnet-prod-spoke \(10\.1\.0\.0\/16 ↔ 10\.1\.0\.0\/16\)/);
    assert.equal(countOf(await requestCounts(), 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');
    assert.equal(await statusOf(newHubGroupId, resources), 404, 'no resource group was created');
  });
});
