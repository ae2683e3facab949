import assert from 'node:assert/strict';
import type { CollectorQuestionsEstate, SubnetChoice } from '../../../../src/wizards/collector/collectorFacts';
import { gatherCollector } from '../../../../src/wizards/collector/gather';
import { ScriptedUi, type ScriptedAnswer } from '../../../integration/scriptedUi';
import { ed25519Key, facts, sshKey, sub, subnetId, tenant, vnetId } from './builders';

const subnet = (name: string, overrides: Partial<SubnetChoice> = {}): SubnetChoice => ({
  id: `${vnetId}/subnets/${name}`.toLowerCase(),
  armId: `${vnetId}/subnets/${name}`,
  name,
  vnetName: 'vnet-hub',
  vnetArmId: vnetId,
  vnetAddressSpace: ['10.0.0.0/16'],
  vnetResourceGroup: 'rg-hub',
  location: 'westeurope',
  addressPrefixes: ['10.0.5.0/24'],
  subscriptionId: sub,
  subscriptionName: 'Hub',
  tenantId: tenant,
  ...overrides,
});

function estate(files: Record<string, string>, subnets = [subnet('collectors')]): CollectorQuestionsEstate & { sizeReads: string[] } {
  const sizeReads: string[] = [];
  return {
    subnets,
    sizeReads,
    sizesFor: async (_subscription, _tenant, region) => {
      sizeReads.push(region);
      return facts().sizes;
    },
    readTextFile: async (path) => {
      if (files[path] === undefined) {
        throw new Error(`Couldn't read ${path}: no such file.`);
      }
      return files[path];
    },
    defaultKeyFiles: ['~/.ssh/id_ed25519.pub', '~/.ssh/id_rsa.pub'],
  };
}

function ui(answers: ScriptedAnswer[]): ScriptedUi {
  return new ScriptedUi({ next: () => answers.shift() });
}

const rest = (keyFile: string): ScriptedAnswer[] => [
  { id: 'collector.resourceGroup', pick: 'rg-hub' },
  { id: 'collector.vmName', input: 'vm-sensor-1' },
  { id: 'collector.image', pick: 'Ubuntu Server 24.04 LTS' },
  { id: 'collector.size', pick: 'Standard_D4s_v5' },
  { id: 'collector.adminUsername', input: 'azureuser' },
  { id: 'collector.sshKeyFile', input: keyFile },
  { id: 'collector.sourcePrefixes', input: '10.1.0.0/16, 10.2.0.0/16' },
  { id: 'collector.sshSource', input: '' },
  { id: 'collector.dataDisk', input: '256' },
  { id: 'collector.diskType', pick: 'Premium SSD' },
  { id: 'collector.cloudInit', input: '/sensor/cloud-init.yaml' },
];

describe('collector questions', () => {
  it('skips the subnet from a VNet row with one subnet and turns the answers into CollectorAnswers', async () => {
    const files = { '~/.ssh/id_ed25519.pub': `${ed25519Key}\n`, '/sensor/cloud-init.yaml': '#cloud-config\n' };
    const answers = await gatherCollector(ui(rest('~/.ssh/id_ed25519.pub')), estate(files), { vnetId });
    assert.deepEqual(answers, {
      subscriptionId: sub,
      subscriptionName: 'Hub',
      tenantId: tenant,
      resourceGroup: 'rg-hub',
      resourceGroupIsNew: false,
      region: 'westeurope',
      vnetId,
      subnetId,
      vmName: 'vm-sensor-1',
      nicName: 'vm-sensor-1-nic',
      nsgName: 'vm-sensor-1-nsg',
      size: 'Standard_D4s_v5',
      image: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
      adminUsername: 'azureuser',
      sshPublicKey: { path: '~/.ssh/id_ed25519.pub', text: ed25519Key },
      osDiskType: 'Premium_LRS',
      dataDiskGiB: 256,
      sourcePrefixes: ['10.1.0.0/16', '10.2.0.0/16'],
      cloudInit: { path: '/sensor/cloud-init.yaml', text: '#cloud-config\n' },
    });
  });

  it('offers only sizes fit for a collector, and refuses a weak key naming its file', async () => {
    const offered: string[] = [];
    const files = { '/keys/old.pub': sshKey('rsa', 1024) };
    const scripted = ui([{ id: 'collector.subnet', pick: 'vnet-hub/collectors' }, ...rest('/keys/old.pub')]);
    const pick = scripted.pick.bind(scripted);
    scripted.pick = async (step) => {
      if (step.id === 'collector.size') {
        offered.push(...step.items.map((item) => item.label));
      }
      return pick(step);
    };
    await assert.rejects(gatherCollector(scripted, estate(files, [subnet('collectors'), subnet('workloads')])), /"collector.sshKeyFile" refused "\/keys\/old.pub": \/keys\/old.pub: an RSA key of 1024 bits; Azure needs at least 2048 bits/);
    assert.deepEqual(offered, ['Standard_D2s_v5', 'Standard_D4s_v5']);
  });

  it('names a missing key file', async () => {
    await assert.rejects(gatherCollector(ui(rest('/nowhere/id.pub')), estate({}), { subnetId }), /Couldn't read \/nowhere\/id.pub: no such file/);
  });
});
