/**
 * A new hub virtual network for a security subscription: the VNet with one subnet for collectors,
 * in a resource group the plan creates when it is missing, and an address space that overlaps none
 * of the networks it will be peered with. Pure; no `vscode` import here.
 *
 * Names: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork
 * (virtualNetworks 2-64 characters, subnets 1-80; letters, digits, underscores, periods, hyphens;
 * start with a letter or digit, end with a letter, digit or underscore).
 */
import { parsePrefix, prefixContains, prefixesOverlap } from '../../core/addresses';
import type { Plan, PlanCheck } from '../../core/plan';
import { ActionList } from '../shared/actionList';
import { networkApiVersion, resourcesApiVersion } from '../shared/apiVersions';
import { validateNetworkName } from '../shared/networkNames';
import { addressOverlaps, formatOverlaps } from '../peering/addressOverlap';

/** Where a new hub network goes and what it is called. */
export interface HubNetworkAnswers {
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  resourceGroup: string;
  /** True when the resource group does not exist yet: the plan creates it in `location`. */
  createResourceGroup: boolean;
  location: string;
  name: string;
  /** `10.60.0.0/16`. */
  addressPrefix: string;
  subnetName: string;
  /** `10.60.1.0/24`, inside `addressPrefix`. */
  subnetPrefix: string;
}

/** A network the hub will be peered with, or one that already exists under the hub's name. */
export interface NetworkNeighbour {
  /** Lower-cased ARM id. */
  id: string;
  name: string;
  addressSpace: string[];
}

/** The ARM id of the hub network the answers describe. */
export function hubNetworkId(answers: Pick<HubNetworkAnswers, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${answers.subscriptionId}/resourceGroups/${answers.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${answers.name}`;
}

/** The ARM id of its collector subnet. */
export function hubSubnetId(answers: Pick<HubNetworkAnswers, 'subscriptionId' | 'resourceGroup' | 'name' | 'subnetName'>): string {
  return `${hubNetworkId(answers)}/subnets/${answers.subnetName}`;
}

/**
 * The first `10.x.0.0/16` (x from 0 up) that overlaps none of `used`, with its first `/24` for the
 * collector subnet; undefined when every one of them is taken.
 */
export function freeHubAddressSpace(used: readonly string[]): { addressPrefix: string; subnetPrefix: string } | undefined {
  for (let second = 0; second < 256; second++) {
    const addressPrefix = `10.${second}.0.0/16`;
    if (!used.some((prefix) => prefixesOverlap(prefix, addressPrefix))) {
      return { addressPrefix, subnetPrefix: `10.${second}.1.0/24` };
    }
  }
  return undefined;
}

/** What is wrong with a virtual network name, or undefined. */
export function validateVnetName(name: string): string | undefined {
  if (name.length === 1) {
    return 'A virtual network name needs at least 2 characters.';
  }
  if (name.length > 64) {
    return `A virtual network name can have at most 64 characters (this one has ${name.length}).`;
  }
  return validateNetworkName(name, 'A virtual network name');
}

function addressChecks(answers: HubNetworkAnswers, peers: readonly NetworkNeighbour[]): PlanCheck[] {
  const checks: PlanCheck[] = [];
  const space = parsePrefix(answers.addressPrefix);
  const subnet = parsePrefix(answers.subnetPrefix);
  if (space === undefined || space.kind !== 'ipv4') {
    return [{ id: 'hub.addressSpace', title: 'Hub address space', status: 'failed', detail: `${answers.addressPrefix || '(empty)'} is not an IPv4 CIDR block such as 10.60.0.0/16.` }];
  }
  if (space.text !== answers.addressPrefix.trim()) {
    checks.push({ id: 'hub.addressSpace', title: 'Hub address space', status: 'failed', detail: `${answers.addressPrefix} is not a network address; Azure expects ${space.text}.` });
  }
  if (subnet === undefined || subnet.kind !== 'ipv4' || !prefixContains(space.text, subnet.text.split('/')[0]) || subnet.length < space.length) {
    checks.push({ id: 'hub.subnet', title: 'Collector subnet', status: 'failed', detail: `${answers.subnetPrefix || '(empty)'} is not a block inside ${space.text}.` });
  } else if (subnet.length > 29) {
    checks.push({ id: 'hub.subnet', title: 'Collector subnet', status: 'failed', detail: `${subnet.text} is smaller than /29, the smallest IPv4 subnet Azure allows.` });
  } else {
    checks.push({ id: 'hub.subnet', title: 'Collector subnet', status: 'passed', detail: `${answers.subnetName} ${subnet.text} inside ${space.text}.` });
  }
  const overlapping = peers.map((peer) => ({ peer, overlaps: addressOverlaps([space.text], peer.addressSpace) })).filter((entry) => entry.overlaps.length > 0);
  checks.push(
    overlapping.length === 0
      ? { id: 'hub.overlap', title: 'Hub address space is free', status: 'passed', detail: `${space.text} overlaps none of ${peers.map((peer) => peer.name).join(', ') || 'the networks it will be peered with'}.` }
      : {
          id: 'hub.overlap',
          title: 'Hub address space is free',
          status: 'failed',
          detail: `Azure cannot peer networks whose address spaces overlap: ${overlapping.map((entry) => `${entry.peer.name} (${formatOverlaps(entry.overlaps)})`).join('; ')}. Pick another address space.`,
        },
  );
  return checks;
}

/**
 * Creates the hub network (and its resource group when missing). `peers` are the networks it will
 * be peered with; `existing` is a network that already has the hub's id, if any.
 */
export function planHubNetwork(answers: HubNetworkAnswers, peers: readonly NetworkNeighbour[], existing?: NetworkNeighbour): Plan {
  const list = new ActionList();
  const checks: PlanCheck[] = [];
  const nameProblem = validateVnetName(answers.name);
  const subnetProblem = validateNetworkName(answers.subnetName, 'A subnet name');
  if (nameProblem || subnetProblem) {
    checks.push({ id: 'hub.name', title: 'Hub network name', status: 'failed', detail: [nameProblem && `${answers.name}: ${nameProblem}`, subnetProblem && `${answers.subnetName}: ${subnetProblem}`].filter(Boolean).join(' ') });
  }
  if (existing !== undefined) {
    checks.push({ id: 'hub.exists', title: 'Hub network name is free', status: 'failed', detail: `${answers.resourceGroup} already has a virtual network ${existing.name}; choose it as an existing hub, or another name.` });
  }
  checks.push(...addressChecks(answers, peers));
  const group = answers.createResourceGroup
    ? list.add({
        kind: 'put',
        title: `Create resource group ${answers.resourceGroup} in ${answers.subscriptionName}`,
        resourceId: `/subscriptions/${answers.subscriptionId}/resourceGroups/${answers.resourceGroup}`,
        resourceType: 'Microsoft.Resources/resourceGroups',
        apiVersion: resourcesApiVersion,
        body: { location: answers.location },
        dependsOn: [],
        tenantId: answers.tenantId,
        existing: 'absent',
      })
    : undefined;
  list.add({
    kind: 'put',
    title: `Create hub virtual network ${answers.name} (${answers.addressPrefix}) with subnet ${answers.subnetName} (${answers.subnetPrefix})`,
    resourceId: hubNetworkId(answers),
    resourceType: 'Microsoft.Network/virtualNetworks',
    apiVersion: networkApiVersion,
    body: {
      location: answers.location,
      properties: {
        addressSpace: { addressPrefixes: [answers.addressPrefix] },
        subnets: [{ name: answers.subnetName, properties: { addressPrefix: answers.subnetPrefix } }],
      },
    },
    dependsOn: group ? [group.id] : [],
    tenantId: answers.tenantId,
    existing: 'absent',
  });
  return {
    kind: 'monitoringSetUp',
    title: `Create hub virtual network ${answers.name}`,
    summary: [`A hub virtual network ${answers.name} (${answers.addressPrefix}) in ${answers.subscriptionName}, ${answers.location}, with subnet ${answers.subnetName} (${answers.subnetPrefix}) for the collector.`],
    checks,
    warnings: [],
    actions: list.actions,
  };
}
