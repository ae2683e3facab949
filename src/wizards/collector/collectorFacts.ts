/**
 * What the collector wizard reads from Azure: before asking, the subnets of the shown subscriptions;
 * while asking, the VM sizes a region offers; before planning, the vCPU usages, the newest image
 * version, the resource group and the VM, NIC and NSG that already carry the planned names.
 */
import { parentId } from '../../azure/armIds';
import { ComputeReads } from '../../azure/computeReads';
import { FlowLogReads } from '../../azure/flowLogsReads';
import { toArmProblem } from '../../azure/armProblem';
import type { VnetRef } from '../../azure/networkApi';
import type { EstateSubscription } from '../../inventory/estate';
import { estateEntryOf, reloadSections } from '../shared/estate';
import { collectorIds, type CollectorAnswers, type CollectorFacts, type CollectorSubnetFact, type VmSizeFact, type VmSizing } from './collectorModel';

/** A subnet the collector may go in, with what the questions show and pre-answer. */
export interface SubnetChoice extends CollectorSubnetFact {
  /** Lower-cased. */
  id: string;
  vnetArmId: string;
  vnetAddressSpace: string[];
  vnetResourceGroup: string;
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
}

/** What the questions read: the subnets, and (on demand) a region's VM sizes. */
export interface CollectorQuestionsEstate {
  subnets: SubnetChoice[];
  /** Resource SKUs of a region for a subscription, read once per region. */
  sizesFor(subscriptionId: string, tenantId: string, region: string): Promise<VmSizeFact[]>;
  /** The text of a file the user named (an SSH public key or a cloud-init file); rejects with a message naming it. */
  readTextFile(path: string): Promise<string>;
  /** Files tried, in order, as the SSH key's default: `~/.ssh/id_ed25519.pub`, `~/.ssh/id_rsa.pub`. */
  defaultKeyFiles: string[];
}

export function subnetChoices(subscriptions: readonly EstateSubscription[]): SubnetChoice[] {
  const choices: SubnetChoice[] = [];
  for (const entry of subscriptions) {
    const { subscriptionId, tenantId, displayName } = entry.subscription;
    for (const vnet of entry.inventory.index().vnetsById.values()) {
      choices.push(...vnet.subnets.map((subnet) => subnetChoice(vnet, subnet, subscriptionId, displayName, tenantId)));
    }
  }
  return choices.sort((a, b) => a.vnetName.localeCompare(b.vnetName) || a.name.localeCompare(b.name));
}

function subnetChoice(vnet: VnetRef, subnet: VnetRef['subnets'][number], subscriptionId: string, subscriptionName: string, tenantId: string): SubnetChoice {
  return {
    id: subnet.id,
    armId: subnet.armId,
    name: subnet.name,
    vnetName: vnet.name,
    vnetArmId: vnet.armId,
    vnetAddressSpace: [...vnet.addressSpace],
    vnetResourceGroup: vnet.resourceGroup,
    location: vnet.location.toLowerCase(),
    addressPrefixes: [...subnet.addressPrefixes],
    subscriptionId,
    subscriptionName,
    tenantId,
  };
}

/** Reloads the shown subscriptions' VNets, NICs and NSGs (the plan compares names with them), and lists their subnets. */
export async function readCollectorSubnets(subscriptions: EstateSubscription[]): Promise<SubnetChoice[]> {
  await Promise.all(subscriptions.map((entry) => reloadSections(entry, 'vnets', 'nics', 'nsgs')));
  return subnetChoices(subscriptions);
}

/** Region → sizes, read once each, per subscription. */
export function sizeReader(subscriptions: readonly EstateSubscription[], signal?: AbortSignal): CollectorQuestionsEstate['sizesFor'] {
  const reads = new Map<string, Promise<VmSizeFact[]>>();
  return (subscriptionId, tenantId, region) => {
    const key = `${subscriptionId.toLowerCase()}|${region.toLowerCase()}`;
    let read = reads.get(key);
    if (read === undefined) {
      const entry = estateEntryOf(subscriptions, subscriptionId);
      if (entry === undefined) {
        return Promise.reject(new Error(`Subscription ${subscriptionId} is not shown in the tree; select it with "Select Subscriptions…" and try again.`));
      }
      read = new ComputeReads(entry.account).vmSizes(subscriptionId, tenantId, region, signal);
      // A failed read is asked again next time.
      read.catch(() => reads.delete(key));
      reads.set(key, read);
    }
    return read;
  };
}

/** The VM of that id, or undefined when Azure answers 404. */
async function existingVm(reads: ComputeReads, vmId: string, tenantId: string, signal?: AbortSignal): Promise<VmSizing | undefined> {
  try {
    return await reads.vmSizing(vmId, tenantId, signal);
  } catch (error) {
    const problem = toArmProblem(error);
    if (problem.status === 404 || problem.code === 'ResourceNotFound' || problem.code === 'ResourceGroupNotFound' || problem.code === 'NotFound') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Reads what `planCollector` needs for these answers: the region's sizes and vCPU usages, the
 * image's newest version there, the resource group, the subnet (unless the answers plan it), and
 * the VM, NIC and NSG of the planned names. The NICs and NSGs come from the inventory, reloaded.
 */
export async function readCollectorFacts(subscriptions: EstateSubscription[], answers: CollectorAnswers, signal?: AbortSignal): Promise<CollectorFacts> {
  const entry = estateEntryOf(subscriptions, answers.subscriptionId);
  if (entry === undefined) {
    throw new Error(`Subscription ${answers.subscriptionId} is not shown in the tree; select it with "Select Subscriptions…" and try again.`);
  }
  const { subscriptionId, tenantId } = answers;
  const compute = new ComputeReads(entry.account);
  const ids = collectorIds(answers);
  const [sizes, usages, imageVersion, resourceGroupLocation, vm] = await Promise.all([
    compute.vmSizes(subscriptionId, tenantId, answers.region, signal),
    compute.usages(subscriptionId, tenantId, answers.region, signal),
    compute.latestImageVersion(subscriptionId, tenantId, answers.region, answers.image, signal),
    new FlowLogReads(entry.account).resourceGroupLocation(subscriptionId, tenantId, answers.resourceGroup, signal),
    existingVm(compute, ids.vmId, tenantId, signal),
    reloadSections(entry, 'vnets', 'nics', 'nsgs'),
  ]);
  const index = entry.inventory.index();
  const facts: CollectorFacts = { sizes, usages, ...(imageVersion === undefined ? {} : { imageVersion }), ...(resourceGroupLocation === undefined ? {} : { resourceGroupLocation: resourceGroupLocation.toLowerCase() }) };
  if (vm) {
    facts.existingVm = vm;
  }
  if (!answers.subnetPlanned) {
    const vnet = index.vnetsById.get(parentId(answers.subnetId).toLowerCase());
    const subnet = vnet?.subnets.find((candidate) => candidate.id === answers.subnetId.toLowerCase());
    if (vnet && subnet) {
      const nsg = subnet.networkSecurityGroupId === undefined ? undefined : index.nsgsById.get(subnet.networkSecurityGroupId);
      facts.subnet = { armId: subnet.armId, name: subnet.name, vnetName: vnet.name, location: vnet.location.toLowerCase(), addressPrefixes: [...subnet.addressPrefixes], ...(nsg ? { nsg } : {}) };
    }
  }
  const nic = index.nicsById.get(ids.nicId.toLowerCase());
  if (nic) {
    facts.existingNic = {
      armId: nic.armId,
      location: nic.location.toLowerCase(),
      subnetIds: [...nic.subnetIds],
      acceleratedNetworking: nic.acceleratedNetworking,
      ...(nic.networkSecurityGroupId ? { networkSecurityGroupId: nic.networkSecurityGroupId.toLowerCase() } : {}),
      ...(nic.virtualMachineId ? { virtualMachineId: nic.virtualMachineId } : {}),
    };
  }
  const nsg = index.nsgsById.get(ids.nsgId.toLowerCase());
  if (nsg) {
    facts.existingNsg = { armId: nsg.armId, location: nsg.location.toLowerCase(), rules: nsg.rules };
  }
  return facts;
}

