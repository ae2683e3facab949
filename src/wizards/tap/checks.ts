/**
 * The TAP wizard's validators and prerequisite checks: pure functions of the answers and the
 * estate read from Azure. Each check names the resources it looked at.
 */
import { nameOf, parentId } from '../../azure/armIds';
import type { NsgRef, SecurityRuleRef, VnetRef } from '../../azure/networkApi';
import { prefixContains } from '../../core/addresses';
import { validateNetworkName } from '../shared/networkNames';
import type { PlanCheck } from '../../core/plan';
import { normalizeRegion, tapComingSoonRegions, tapRegionsSource, tapSupportedRegions } from './tapRegions';
import { vxlanPort, type TapDestination, type TapEstate, type TapSourceNic } from './tapModel';

/** Azure's naming rule for virtualNetworkTaps (and tap configurations, with `what` 'A tap configuration name'). */
export function validateTapName(name: string, what = 'A TAP name'): string | undefined {
  return validateNetworkName(name, what);
}

/** What the checks look at: the destination, the TAP (new or reused) and the NICs to mirror. */
export interface TapCheckInput {
  destination: TapDestination;
  tapId: string;
  tapName: string;
  tapLocation: string;
  sources: TapSourceNic[];
  estate: TapEstate;
}

function list(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Whether the TAP's region offers virtual network TAP: one the overview page lists, or one the user
 * says their subscription is enrolled in (`trafficLens.tap.previewRegions`). Anywhere else Azure
 * refuses the TAP, so the plan refuses it first. "Before you can create a virtual network TAP,
 * ensure you've received the confirmation email that you're enrolled in the preview" (overview page).
 */
export function regionCheck(input: TapCheckInput): PlanCheck {
  const region = normalizeRegion(input.tapLocation);
  const title = 'Region offers virtual network TAP';
  if (tapSupportedRegions.includes(region)) {
    return { id: 'tap.region', title, status: 'passed', detail: `${region} is listed as a virtual network TAP region (${tapRegionsSource}).` };
  }
  if ((input.estate.previewRegions ?? []).map(normalizeRegion).includes(region)) {
    return { id: 'tap.region', title, status: 'passed', detail: `${region} is not on Microsoft's list (${tapSupportedRegions.join(', ')}), but trafficLens.tap.previewRegions says your subscription is enrolled there.` };
  }
  const soon = tapComingSoonRegions.includes(region) ? ' (announced as coming soon)' : '';
  return {
    id: 'tap.region',
    title,
    status: 'failed',
    detail: `${region}${soon} is not a region where virtual network TAP is in public preview (${tapSupportedRegions.join(', ')}; ${tapRegionsSource}), so Azure refuses ${input.tapName} there. If your subscription is enrolled in the preview in ${region}, add it to the setting trafficLens.tap.previewRegions.`,
  };
}

/** The TAP, its destination and every source must be in one region. */
export function sameRegionCheck(input: TapCheckInput): PlanCheck {
  const region = normalizeRegion(input.tapLocation);
  const elsewhere: string[] = [];
  if (normalizeRegion(input.destination.location) !== region) {
    elsewhere.push(`destination ${input.destination.parentName} is in ${normalizeRegion(input.destination.location)}`);
  }
  for (const nic of input.sources) {
    if (normalizeRegion(nic.location) !== region) {
      elsewhere.push(`${nic.name} is in ${normalizeRegion(nic.location)}`);
    }
  }
  return elsewhere.length === 0
    ? { id: 'tap.sameRegion', title: 'TAP, destination and sources in one region', status: 'passed', detail: `${input.tapName}, ${input.destination.parentName} and ${input.sources.length === 1 ? '1 source NIC' : `${input.sources.length} source NICs`} are all in ${region}.` }
    : { id: 'tap.sameRegion', title: 'TAP, destination and sources in one region', status: 'failed', detail: `${input.tapName} is in ${region}, but ${list(elsewhere)}. A TAP mirrors only NICs of its own region.` };
}

function peeringStates(from: VnetRef | undefined, toId: string): string[] {
  return (from?.peerings ?? []).filter((peering) => peering.remoteVnetId === toId).map((peering) => peering.peeringState);
}

/**
 * How a source reaches the destination: its own VNet, a Connected peering, or why not (`vnetId` and
 * `peering` set when a peering would fix it: none yet, or one not Connected on every side).
 */
export type Reach = { reached: true; via: string } | { reached: false; problem: string; vnetId?: string; peering?: 'missing' | 'notConnected' };

/**
 * Whether `nic`'s VNet is the destination's or peered with it, Connected on every side the
 * inventory shows. "The destination is a virtual network IP address in the same virtual network as
 * the monitored network interface or a peered virtual network"
 * (https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview).
 */
export function reachOf(nic: TapSourceNic, destination: TapDestination, estate: TapEstate): Reach {
  if (destination.subnetId === undefined) {
    return { reached: false, problem: `${destination.label} has no subnet` };
  }
  const destinationVnetId = parentId(destination.subnetId);
  const vnetId = nic.subnetIds[0] === undefined ? undefined : parentId(nic.subnetIds[0]);
  if (vnetId === undefined) {
    return { reached: false, problem: `${nic.name} has no subnet` };
  }
  if (vnetId === destinationVnetId) {
    return { reached: true, via: `${nic.name} (same VNet)` };
  }
  const vnets = new Map(estate.vnets.map((vnet) => [vnet.id, vnet]));
  const destinationVnet = vnets.get(destinationVnetId);
  const destinationVnetName = destinationVnet?.name ?? nameOf(destinationVnetId);
  const vnetName = vnets.get(vnetId)?.name ?? nameOf(vnetId);
  const states = [...peeringStates(vnets.get(vnetId), destinationVnetId), ...peeringStates(destinationVnet, vnetId)];
  const sidesSeen = (vnets.has(vnetId) ? 1 : 0) + (destinationVnet ? 1 : 0);
  if (states.length === 0) {
    return { reached: false, problem: `${nic.name}'s VNet ${vnetName} is not peered with ${destinationVnetName}`, vnetId, peering: 'missing' };
  }
  if (states.some((state) => state !== 'Connected') || states.length < sidesSeen) {
    return { reached: false, problem: `the peering between ${vnetName} (${nic.name}) and ${destinationVnetName} is ${states.find((state) => state !== 'Connected') ?? 'missing on one side'}, not Connected`, vnetId, peering: 'notConnected' };
  }
  return { reached: true, via: `${nic.name} (via peering ${vnetName} ↔ ${destinationVnetName})` };
}

/** Each source's VNet is the destination's VNet or peered with it (Connected on every side the inventory shows). */
export function reachCheck(input: TapCheckInput): PlanCheck {
  const title = 'Sources reach the destination';
  if (input.destination.subnetId === undefined) {
    return { id: 'tap.reach', title, status: 'failed', detail: `${input.destination.label} has no subnet, so no VNet can reach it.` };
  }
  const destinationVnetId = parentId(input.destination.subnetId);
  const destinationVnetName = input.estate.vnets.find((vnet) => vnet.id === destinationVnetId)?.name ?? nameOf(destinationVnetId);
  const problems: string[] = [];
  const reached: string[] = [];
  for (const nic of input.sources) {
    const reach = reachOf(nic, input.destination, input.estate);
    if (reach.reached) {
      reached.push(reach.via);
    } else {
      problems.push(reach.problem);
    }
  }
  return problems.length === 0
    ? { id: 'tap.reach', title, status: 'passed', detail: `Reach ${input.destination.label} in ${destinationVnetName}: ${list(reached)}.` }
    : { id: 'tap.reach', title, status: 'failed', detail: `${list(problems)}. A TAP destination must be in the source's VNet or a VNet peered with it (peering Connected).` };
}

/**
 * Sources in another Microsoft Entra tenant than the TAP: "the subscriptions must be associated to
 * the same Microsoft Entra tenant" (https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview).
 */
export function tenantCheck(input: TapCheckInput): PlanCheck {
  const title = 'Sources in the TAP\u2019s tenant';
  const others = input.sources.filter((nic) => nic.tenantId !== input.destination.tenantId).map((nic) => nic.name);
  return others.length === 0
    ? { id: 'tap.tenant', title, status: 'passed', detail: `Every source is in the tenant of ${input.destination.parentName}.` }
    : { id: 'tap.tenant', title, status: 'failed', detail: `${list(others)} ${others.length === 1 ? 'is' : 'are'} in another tenant than ${input.destination.parentName}: a TAP mirrors only NICs of subscriptions in its own Microsoft Entra tenant.` };
}

/** What the source list judges each NIC against: the destination and the TAP (new or reused). */
export interface MirrorTarget {
  destination: TapDestination;
  tapId: string;
  tapLocation: string;
  estate: TapEstate;
}

/**
 * Why `nic` can't be mirrored into the TAP, in a few words for the source list, or `undefined`: the
 * same rules the plan's checks apply (region, tenant, reach, one TAP per NIC), so a NIC the list
 * marks is one the plan refuses. One tap configuration per NIC: "A monitored network interface can
 * have only one TAP configuration" (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq).
 */
export function mirrorProblem(nic: TapSourceNic, target: MirrorTarget): string | undefined {
  const region = normalizeRegion(target.tapLocation);
  if (normalizeRegion(nic.location) !== region) {
    return `in ${normalizeRegion(nic.location)}, the TAP in ${region}`;
  }
  if (nic.tenantId !== target.destination.tenantId) {
    return 'in another tenant';
  }
  const reach = reachOf(nic, target.destination, target.estate);
  if (!reach.reached) {
    const vnetName = reach.vnetId === undefined ? undefined : (target.estate.vnets.find((vnet) => vnet.id === reach.vnetId)?.name ?? nameOf(reach.vnetId));
    const destinationVnet = target.destination.subnetId === undefined ? '' : nameOf(parentId(target.destination.subnetId));
    if (vnetName === undefined) {
      return reach.problem;
    }
    return reach.peering === 'missing' ? `VNet ${vnetName} not peered with ${destinationVnet}` : `peering ${vnetName} ↔ ${destinationVnet} not Connected`;
  }
  const other = nic.tapConfigurations.find((configuration) => configuration.tapId !== target.tapId);
  if (other !== undefined) {
    return `already mirrored into ${target.estate.taps.find((tap) => tap.id === other.tapId)?.name ?? nameOf(other.tapId)}`;
  }
  return undefined;
}

/** A NIC has at most one tap configuration: already mirrored into this TAP is kept, into another TAP refuses the plan. */
export function oneConfigurationCheck(input: TapCheckInput): PlanCheck {
  const title = 'One tap configuration per NIC';
  const taps = new Map(input.estate.taps.map((tap) => [tap.id, tap.name]));
  const kept: string[] = [];
  const taken: string[] = [];
  for (const nic of input.sources) {
    for (const configuration of nic.tapConfigurations) {
      if (configuration.tapId === input.tapId) {
        kept.push(nic.name);
      } else {
        taken.push(`${nic.name} already mirrors into ${taps.get(configuration.tapId) ?? nameOf(configuration.tapId)} (tap configuration ${configuration.name})`);
      }
    }
  }
  if (taken.length > 0) {
    return { id: 'tap.oneConfiguration', title, status: 'failed', detail: `${list(taken)}. A NIC can have only one tap configuration: remove it first or pick other NICs.` };
  }
  return { id: 'tap.oneConfiguration', title, status: 'passed', detail: kept.length > 0 ? `${list(kept)} already ${kept.length === 1 ? 'mirrors' : 'mirror'} into ${input.tapName} and stay as they are; the others have no tap configuration.` : 'None of the sources has a tap configuration yet.' };
}

/** A load balancer destination must be an internal frontend of a Standard load balancer. */
export function loadBalancerCheck(input: TapCheckInput): PlanCheck | undefined {
  const destination = input.destination;
  if (destination.kind !== 'loadBalancer') {
    return undefined;
  }
  const title = 'Destination load balancer is internal and not Basic';
  if ((destination.sku ?? '').toLowerCase() === 'basic') {
    return { id: 'tap.loadBalancerSku', title, status: 'failed', detail: `${destination.parentName} is a Basic load balancer: virtual network TAP does not support Basic load balancers (retired). Use a Standard internal load balancer.` };
  }
  if (destination.isPublic === true || destination.privateIp === undefined) {
    return { id: 'tap.loadBalancerSku', title, status: 'failed', detail: `${destination.label} has no private IP address: the destination must be an internal load balancer frontend.` };
  }
  return { id: 'tap.loadBalancerSku', title, status: 'passed', detail: `${destination.parentName} is a ${destination.sku ?? 'Standard'} load balancer; frontend ${destination.label} has private IP ${destination.privateIp}.` };
}

/** Virtual network TAP does not support IPv6: the destination must be an IPv4 configuration. */
export function ipv4Check(input: TapCheckInput): PlanCheck {
  const destination = input.destination;
  return destination.ipVersion.toLowerCase() === 'ipv4'
    ? { id: 'tap.ipv4', title: 'Destination is IPv4', status: 'passed', detail: `${destination.label} is IPv4${destination.privateIp ? ` (${destination.privateIp})` : ''}.` }
    : { id: 'tap.ipv4', title: 'Destination is IPv4', status: 'failed', detail: `${destination.label} is ${destination.ipVersion}: virtual network TAP does not support IPv6. Pick an IPv4 IP configuration.` };
}

/**
 * The overview's preview limitations name no accelerated-networking restriction, but v6 VM sizes
 * (which always use accelerated networking) are not supported as sources yet: a note, not a refusal.
 */
export function acceleratedNetworkingCheck(input: TapCheckInput): PlanCheck {
  const accelerated = input.sources.filter((nic) => nic.acceleratedNetworking).map((nic) => nic.name);
  return accelerated.length === 0
    ? { id: 'tap.acceleratedNetworking', title: 'Accelerated networking', status: 'passed', detail: 'No source NIC uses accelerated networking.' }
    : {
        id: 'tap.acceleratedNetworking',
        title: 'Accelerated networking',
        status: 'warning',
        detail: `${list(accelerated)} ${accelerated.length === 1 ? 'uses' : 'use'} accelerated networking. That is supported, but v6 VM sizes are not supported as sources during the preview: check the VM sizes (${tapRegionsSource}).`,
      };
}

function portsInclude(ports: string, port: number): boolean {
  return ports.split(',').some((part) => {
    const text = part.trim();
    if (text === '*' || text.toLowerCase() === 'any') {
      return true;
    }
    const [low, high] = text.split('-').map((value) => Number(value.trim()));
    return high === undefined ? low === port : low <= port && port <= high;
  });
}

function addressesInclude(prefixes: string, address: string | undefined): boolean {
  return prefixes.split(',').some((part) => {
    const text = part.trim();
    if (text === '*' || /^(any|virtualnetwork)$/i.test(text)) {
      return true;
    }
    if (address === undefined) {
      return false;
    }
    return text.includes('/') ? prefixContains(text, address) : text === address;
  });
}

/** The inbound rule that decides whether UDP `port` from `sourceIp` to `destinationIp` passes; `undefined` means the default AllowVnetInBound decides (allowed). */
export function decidingRule(nsg: NsgRef, sourceIp: string | undefined, destinationIp: string | undefined, port = vxlanPort): SecurityRuleRef | undefined {
  return nsg.rules
    .filter((rule) => rule.direction.toLowerCase() === 'inbound')
    .sort((a, b) => a.priority - b.priority)
    .find(
      (rule) =>
        /^(udp|\*|any)$/i.test(rule.protocol) && portsInclude(rule.destinationPorts, port) && addressesInclude(rule.source, sourceIp) && addressesInclude(rule.destination, destinationIp),
    );
}

/** An NSG that drops VXLAN from at least one source, and the deny rule that does it. */
export interface VxlanBlock {
  nsg: NsgRef;
  rule: SecurityRuleRef;
}

/** The NSGs in front of the destination (its subnet's, its NIC's) that deny UDP 4789 from a source. */
export function vxlanBlocks(input: TapCheckInput): VxlanBlock[] {
  const nsgs = new Map(input.estate.nsgs.map((nsg) => [nsg.id, nsg]));
  const sourceIps = input.sources.flatMap((nic) => nic.privateIps);
  const blocks: VxlanBlock[] = [];
  for (const target of vxlanTargets(input)) {
    for (const id of target.nsgIds) {
      const nsg = nsgs.get(id);
      if (nsg === undefined || blocks.some((block) => block.nsg.id === id)) {
        continue;
      }
      for (const ip of sourceIps.length === 0 ? [undefined] : sourceIps) {
        const rule = decidingRule(nsg, ip, target.ip);
        if (rule !== undefined && rule.access.toLowerCase() === 'deny') {
          blocks.push({ nsg, rule });
          break;
        }
      }
    }
  }
  return blocks;
}

/**
 * Where mirrored packets arrive and which NSGs judge them there. A NIC destination: its address,
 * behind its subnet's and its own NSG. A load balancer destination: each backend pool member,
 * behind the member's subnet and NIC NSGs, with the member's own address as destination: without
 * Floating IP the load balancer translates the destination to the backend VM's private address, with
 * Floating IP it keeps the frontend address ("Multiple frontends for Azure Load Balancer",
 * https://learn.microsoft.com/azure/load-balancer/load-balancer-multivip-overview). A load balancer
 * without known members: its frontend, as before.
 */
export function vxlanTargets(input: Pick<TapCheckInput, 'destination' | 'estate'>): Array<{ ip?: string; nsgIds: string[] }> {
  const subnetNsg = (subnetId: string | undefined): string | undefined =>
    subnetId === undefined ? undefined : input.estate.vnets.find((vnet) => vnet.id === parentId(subnetId))?.subnets.find((item) => item.id === subnetId)?.networkSecurityGroupId;
  const nsgIdsOf = (subnetId: string | undefined, nicNsgId: string | undefined): string[] => [...new Set([subnetNsg(subnetId), nicNsgId].filter((id): id is string => id !== undefined))];
  const { destination } = input;
  if (destination.kind === 'loadBalancer' && destination.backends !== undefined && destination.backends.length > 0) {
    return destination.backends.map((backend) => ({ ip: destination.floatingIp ? destination.privateIp : backend.privateIp, nsgIds: nsgIdsOf(backend.subnetId, backend.nicNsgId) }));
  }
  return [{ ip: destination.privateIp, nsgIds: nsgIdsOf(destination.subnetId, destination.nicNsgId) }];
}

/** The addresses the VXLAN rule allows: what the NSGs in front of the destination see as destination. */
export function vxlanDestinationAddresses(input: Pick<TapCheckInput, 'destination' | 'estate'>): string[] {
  return [...new Set(vxlanTargets(input).flatMap((target) => (target.ip === undefined ? [] : [target.ip])))].sort();
}

/** The NSGs in front of the destination (names), for check details. */
export function destinationNsgNames(input: TapCheckInput): string[] {
  const ids = [...new Set(vxlanTargets(input).flatMap((target) => target.nsgIds))];
  return ids.map((id) => input.estate.nsgs.find((nsg) => nsg.id === id)?.name ?? nameOf(id));
}

/** An unused inbound priority that comes before `before` (100-4096), preferring round numbers close to it. */
export function freeInboundPriority(nsg: NsgRef, before: number): number | undefined {
  const used = new Set(nsg.rules.filter((rule) => rule.direction.toLowerCase() === 'inbound').map((rule) => rule.priority));
  const limit = Math.min(before - 1, 4096);
  for (let priority = limit - (limit % 10); priority >= 100; priority -= 10) {
    if (!used.has(priority)) {
      return priority;
    }
  }
  for (let priority = limit; priority >= 100; priority -= 1) {
    if (!used.has(priority)) {
      return priority;
    }
  }
  return undefined;
}
