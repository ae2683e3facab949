/**
 * What the "Create Collector VM" wizard asks and what it reads from Azure before planning: plain
 * data, so the checks and the plan builder are pure functions of these two values. A larger
 * set-up wizard (a hub network, the collector and a TAP in one plan) builds `CollectorAnswers`
 * itself and points a TAP at `collectorIds(answers).nicId` before the NIC exists.
 */
import type { NsgRef, SecurityRuleRef } from '../../azure/networkApi';
import type { UsageFact, VmSizeFact, VmSizing } from '../../azure/computeReads';

export type { UsageFact, VmSizeFact, VmSizing } from '../../azure/computeReads';

/** A marketplace image by publisher, offer and SKU; `version` is `latest` until planning resolves it. */
export interface CollectorImage {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
}

/**
 * The Ubuntu LTS images the wizard offers, newest first: Canonical's URNs as
 * https://learn.microsoft.com/azure/virtual-machines/linux/cli-ps-findimage lists them
 * (`Canonical:ubuntu-24_04-lts:server:latest`, and the 22.04 Gen2 image
 * `Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest`).
 */
export const ubuntuImages: ReadonlyArray<{ label: string; image: CollectorImage }> = [
  { label: 'Ubuntu Server 24.04 LTS', image: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } },
  { label: 'Ubuntu Server 22.04 LTS (Gen2)', image: { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' } },
];

/** The managed disk types the OS and data disks may use. */
export type CollectorDiskType = 'Premium_LRS' | 'StandardSSD_LRS';

export interface CollectorAnswers {
  subscriptionId: string;
  /** Display name, for titles; the id when unknown. */
  subscriptionName?: string;
  tenantId: string;
  /** The group the VM, NIC and NSG go in. */
  resourceGroup: string;
  /** True when the plan creates the group (in `region`). */
  resourceGroupIsNew: boolean;
  /** Lower-case region name, the VNet's: `westeurope`. */
  region: string;
  /** ARM ids as Azure spells them. */
  vnetId: string;
  subnetId: string;
  /**
   * True when the subnet does not exist yet because an earlier action of a larger plan creates it:
   * the subnet checks then trust `region` and the caller adds the `dependsOn` edges.
   */
  subnetPlanned?: boolean;
  vmName: string;
  /** Default `<vmName>-nic`. */
  nicName: string;
  /** Default `<vmName>-nsg`. */
  nsgName: string;
  /** `Standard_D4s_v5`. */
  size: string;
  image: CollectorImage;
  adminUsername: string;
  /** The OpenSSH public key line and the file it came from. */
  sshPublicKey: { path: string; text: string };
  osDiskType: CollectorDiskType;
  dataDiskGiB: number;
  /** Who may send VXLAN (UDP 4789) to the collector: CIDRs, addresses or service tags. */
  sourcePrefixes: string[];
  /** Allow SSH (TCP 22) only from this prefix; none by default. Never the internet. */
  sshSourcePrefix?: string;
  /** The vendor's cloud-init file: shown in the preview, sent base64 as `customData`, never logged. */
  cloudInit?: { path: string; text: string };
}

/** The existing NIC of the planned name, as far as the plan compares it. */
export interface ExistingNicFact {
  armId: string;
  location: string;
  subnetIds: string[];
  acceleratedNetworking: boolean;
  networkSecurityGroupId?: string;
  virtualMachineId?: string;
}

/** The existing NSG of the planned name. */
export interface ExistingNsgFact {
  armId: string;
  location: string;
  rules: SecurityRuleRef[];
}

/** The subnet the NIC goes in, when it exists. */
export interface CollectorSubnetFact {
  armId: string;
  name: string;
  vnetName: string;
  /** The VNet's region. */
  location: string;
  addressPrefixes: string[];
  /** The subnet's NSG, which judges mirrored packets before the NIC's. */
  nsg?: NsgRef;
}

/** What `readCollectorFacts` reads before planning. */
export interface CollectorFacts {
  /** Every VM size Resource SKUs lists in the region (restricted ones too, with their restriction). */
  sizes: VmSizeFact[];
  /** `cores` and each family's vCPU usage in the region. */
  usages: UsageFact[];
  /** The newest version of the image in the region; undefined when the image is not offered there. */
  imageVersion?: string;
  /** The group's region when it exists; undefined when it does not. */
  resourceGroupLocation?: string;
  /** Undefined when the subnet is not in the inventory (or is planned). */
  subnet?: CollectorSubnetFact;
  existingVm?: VmSizing;
  existingNic?: ExistingNicFact;
  existingNsg?: ExistingNsgFact;
}

/** What a larger plan needs before anything exists: the ids the collector's resources will have. */
export interface CollectorIds {
  vmId: string;
  nicId: string;
  nsgId: string;
  /** The NIC's IP configuration (a TAP's destination). */
  ipConfigurationId: string;
  resourceGroupId: string;
}

/** The ARM ids (Azure's spelling) of the VM, NIC and NSG the answers create. */
export function collectorIds(answers: Pick<CollectorAnswers, 'subscriptionId' | 'resourceGroup' | 'vmName' | 'nicName' | 'nsgName'>): CollectorIds {
  const resourceGroupId = `/subscriptions/${answers.subscriptionId}/resourceGroups/${answers.resourceGroup}`;
  const nicId = `${resourceGroupId}/providers/Microsoft.Network/networkInterfaces/${answers.nicName}`;
  return {
    resourceGroupId,
    vmId: `${resourceGroupId}/providers/Microsoft.Compute/virtualMachines/${answers.vmName}`,
    nicId,
    nsgId: `${resourceGroupId}/providers/Microsoft.Network/networkSecurityGroups/${answers.nsgName}`,
    ipConfigurationId: `${nicId}/ipConfigurations/${ipConfigurationName}`,
  };
}

/** The NIC's one IP configuration. */
export const ipConfigurationName = 'ipconfig1';

/** Names of the NSG's rules. */
export const vxlanRuleName = 'AllowVxlanFromSources';
export const sshRuleName = 'AllowSshFromAdmin';

/**
 * Starting values. The data disk holds the sensor's rolling packet buffer and logs: 256 GiB is about
 * 35 minutes of a fully used 1 Gbit/s mirror, the smallest size that keeps a useful window at that
 * rate, and on Premium SSD it is a P15 disk (1,100 IOPS, 125 MB/s:
 * https://learn.microsoft.com/azure/virtual-machines/disks-types#premium-ssd-size), enough to write
 * captures without dropping.
 */
export const collectorDefaults = {
  adminUsername: 'azureuser',
  osDiskType: 'Premium_LRS' as CollectorDiskType,
  osDiskGiB: 64,
  dataDiskGiB: 256,
  size: 'Standard_D4s_v5',
};

/** UDP port of VXLAN, the encapsulation a virtual network TAP sends mirrored packets in. */
export const vxlanPort = 4789;
