import { sshEd25519PublicKey, sshRsaPublicKey } from '../../../fixtures/sshKeys';
import type { CollectorAnswers, CollectorFacts, VmSizeFact } from '../../../../src/wizards/collector/collectorModel';

export const sub = '11111111-2222-3333-4444-555555555555';
export const tenant = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const vnetId = `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
export const subnetId = `${vnetId}/subnets/collectors`;

/** A fresh OpenSSH public key line. */
export function sshKey(type: 'ed25519' | 'rsa', bits = 2048, comment = 'ops@example'): string {
  return type === 'ed25519' ? sshEd25519PublicKey(comment) : sshRsaPublicKey(bits, comment);
}

export const ed25519Key = sshKey('ed25519');

export const cloudInitText = '#cloud-config\nruncmd:\n  - curl -fsSL https://sensor.example/install.sh | REGISTRATION_TOKEN=s3cr3t-token sh\n';

export function answers(overrides: Partial<CollectorAnswers> = {}): CollectorAnswers {
  return {
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
    sshPublicKey: { path: '/home/ops/.ssh/id_ed25519.pub', text: ed25519Key },
    osDiskType: 'Premium_LRS',
    dataDiskGiB: 256,
    sourcePrefixes: ['10.1.0.0/16', '10.2.0.0/16'],
    ...overrides,
  };
}

export function size(name: string, vCPUs: number, overrides: Partial<VmSizeFact> = {}): VmSizeFact {
  return { name, family: 'standardDSv5Family', vCPUs, memoryGB: vCPUs * 4, acceleratedNetworking: true, maxNetworkInterfaces: Math.min(8, vCPUs), ...overrides };
}

export function facts(overrides: Partial<CollectorFacts> = {}): CollectorFacts {
  return {
    sizes: [
      size('Standard_B1s', 1, { family: 'standardBSFamily', acceleratedNetworking: false }),
      size('Standard_B2s', 2, { family: 'standardBSFamily', acceleratedNetworking: false }),
      size('Standard_D2s_v5', 2),
      size('Standard_D4s_v5', 4),
      size('Standard_D8s_v5', 8, { restriction: 'NotAvailableForSubscription' }),
    ],
    usages: [
      { name: 'cores', localizedName: 'Total Regional vCPUs', current: 6, limit: 20 },
      { name: 'standardDSv5Family', localizedName: 'Standard DSv5 Family vCPUs', current: 2, limit: 10 },
    ],
    imageVersion: '24.04.202411030',
    resourceGroupLocation: 'westeurope',
    subnet: { armId: subnetId, name: 'collectors', vnetName: 'vnet-hub', location: 'westeurope', addressPrefixes: ['10.0.5.0/24'] },
    ...overrides,
  };
}
