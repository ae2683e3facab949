/**
 * The mirroring set-ups (options 1A, 1B and 1C) as one plan: a hub network when the security
 * subscription has none, the collector VM, hub↔spoke peerings both ways, the virtual network TAP
 * on the collector's NIC and a tap configuration on every chosen workload NIC. Each part is planned
 * by its own builder; the TAP's checks run against the estate as the earlier parts will leave it.
 * Pure; no `vscode` import here.
 */
import { nameOf, parentId } from '../../azure/armIds';
import type { Plan, PlanCheck } from '../../core/plan';
import { planPeering, type PeeringNames } from '../peering/plan';
import type { PeeringVnet } from '../peering/peeringVnet';
import { defaultPeeringName } from '../peering/checks';
import { planTap, type TapAnswers } from '../tap/plan';
import type { TapEstate } from '../tap/tapModel';
import { combinePlans, type PlanPart } from './combinePlans';
import { hubNetworkId, planHubNetwork, type HubNetworkAnswers, type NetworkNeighbour } from './hubNetwork';
import { plannedDestination, plannedTapEstate, plannedVnet, type PlannedCollectorNic } from './plannedEstate';

export type MirrorOption = '1A' | '1B' | '1C';

/** The collector: an existing NIC (its IP configuration) or one the collector part creates. */
export type CollectorChoice =
  | { kind: 'existing'; destinationId: string }
  | { kind: 'new'; plan: Plan; nic: PlannedCollectorNic };

/** A Virtual WAN hub the spokes are (or would be) connected to instead of peered with the hub network. */
export interface VirtualHubChoice {
  armId: string;
  name: string;
}

export interface MirrorSetUp {
  option: MirrorOption;
  /** The network the collector sits in: an existing one (lower-cased id) or one this plan creates. */
  hub: { kind: 'existing'; vnetId: string } | { kind: 'new'; answers: HubNetworkAnswers };
  collector: CollectorChoice;
  /** Lower-cased ids of the workload NICs to mirror. */
  sourceIds: string[];
  tapName: string;
  configurationName: string;
  restartVms: boolean;
  /** 1C: the spokes reach the hub through a Virtual WAN hub instead of peerings. */
  virtualHub?: VirtualHubChoice;
}

/** What the mirroring plan reads: the TAP wizard's estate and the peering wizard's networks. */
export interface MirrorEstate {
  tap: TapEstate;
  vnets: PeeringVnet[];
}

const optionTitles: Record<MirrorOption, string> = {
  '1A': 'Mirror workloads to a collector in their subscription',
  '1B': 'Mirror workloads to a collector in a security subscription',
  '1C': 'Mirror many subscriptions to a central collector hub',
};

/**
 * Microsoft documents virtual network TAP only with the destination "in the same virtual network as
 * the monitored network interface or a peered virtual network"
 * (https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview); a Virtual WAN
 * hub connection is not a peering between the spoke and the collector's network, and the page
 * names no Virtual WAN scenario.
 */
export function virtualWanCheck(hub: VirtualHubChoice): PlanCheck {
  return {
    id: 'setup.virtualWan',
    title: 'Collector reachable for virtual network TAP',
    status: 'failed',
    detail:
      `The spokes would reach the collector only through Virtual WAN hub ${hub.name}. Microsoft documents virtual network TAP only with the destination in the source's ` +
      'virtual network or a peered virtual network (learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview); mirroring through a Virtual WAN hub is not supported, ' +
      'so this plan would not mirror anything. Peer the spokes with the hub network instead.',
  };
}

/** The hub network as the peering builder sees it (a planned one has no peerings yet). */
function hubAsPeeringVnet(setUp: MirrorSetUp, estate: MirrorEstate): PeeringVnet {
  if (setUp.hub.kind === 'existing') {
    const id = setUp.hub.vnetId;
    const vnet = estate.vnets.find((candidate) => candidate.id === id);
    if (vnet === undefined) {
      throw new Error(`The hub network ${nameOf(id)} is no longer in the inventory. Refresh the view and run the wizard again.`);
    }
    return vnet;
  }
  const answers = setUp.hub.answers;
  const armId = hubNetworkId(answers);
  return {
    id: armId.toLowerCase(),
    armId,
    name: answers.name,
    location: answers.location,
    addressSpace: [answers.addressPrefix],
    subscriptionId: answers.subscriptionId,
    subscriptionName: answers.subscriptionName,
    tenantId: answers.tenantId.toLowerCase(),
    hasGateway: false,
    peerings: [],
  };
}

/** The spoke networks: those of the chosen NICs, other than the hub. */
function spokesOf(setUp: MirrorSetUp, estate: MirrorEstate, hubId: string): PeeringVnet[] {
  const nics = new Map(estate.tap.nics.map((nic) => [nic.id, nic]));
  const ids = new Set<string>();
  for (const id of setUp.sourceIds) {
    const subnet = nics.get(id)?.subnetIds[0];
    if (subnet !== undefined && parentId(subnet) !== hubId) {
      ids.add(parentId(subnet));
    }
  }
  return estate.vnets.filter((vnet) => ids.has(vnet.id));
}

/** The mirroring set-up as one plan. */
export function planMirrorSetUp(setUp: MirrorSetUp, estate: MirrorEstate): Plan {
  const parts: PlanPart[] = [];
  const hub = hubAsPeeringVnet(setUp, estate);
  const spokes = setUp.option === '1A' ? [] : spokesOf(setUp, estate, hub.id);
  if (setUp.hub.kind === 'new') {
    const neighbours: NetworkNeighbour[] = spokes.map((spoke) => ({ id: spoke.id, name: spoke.name, addressSpace: spoke.addressSpace }));
    const existing = estate.vnets.find((vnet) => vnet.id === hub.id);
    parts.push({ key: 'hub', plan: planHubNetwork(setUp.hub.answers, neighbours, existing) });
  }
  if (setUp.collector.kind === 'new') {
    parts.push({ key: 'collector', plan: setUp.collector.plan, ...(setUp.hub.kind === 'new' ? { after: [{ part: 'hub' }] } : {}) });
  }
  const names: Record<string, PeeringNames> = Object.fromEntries(spokes.map((spoke) => [spoke.id, { hubSide: defaultPeeringName(hub.name, spoke.name), spokeSide: defaultPeeringName(spoke.name, hub.name) }]));
  const extraChecks: PlanCheck[] = [];
  if (setUp.virtualHub !== undefined) {
    extraChecks.push(virtualWanCheck(setUp.virtualHub));
  } else if (spokes.length > 0) {
    const peering = planPeering({ hub, spokes, allowForwardedTraffic: false, useHubGateway: false, names });
    parts.push({
      key: 'peering',
      // A new hub's own check already judges its address space against every spoke (and says to pick another).
      plan: setUp.hub.kind === 'new' ? { ...peering, checks: peering.checks.filter((check) => !check.id.startsWith('overlap:')) } : peering,
      ...(setUp.hub.kind === 'new' ? { after: [{ part: 'hub' }] } : {}),
    });
  }

  const planned = setUp.hub.kind === 'new'
    ? [plannedVnet({ armId: hub.armId, location: hub.location, addressSpace: hub.addressSpace, subnets: [{ name: setUp.hub.answers.subnetName, addressPrefix: setUp.hub.answers.subnetPrefix }] })]
    : [];
  const tapEstate = plannedTapEstate(estate.tap, {
    ...(setUp.collector.kind === 'new' ? { collector: setUp.collector.nic } : {}),
    vnets: planned,
    peerings: setUp.virtualHub === undefined ? spokes.map((spoke) => ({ hubId: hub.id, spokeId: spoke.id, ...names[spoke.id] })) : [],
  });
  const destinationId = setUp.collector.kind === 'new' ? plannedDestination(setUp.collector.nic).id : setUp.collector.destinationId;
  const tapAnswers: TapAnswers = {
    destinationKind: 'nic',
    destinationId,
    tap: { kind: 'new', name: setUp.tapName },
    sourceIds: setUp.sourceIds,
    configurationName: setUp.configurationName,
    addNsgRule: true,
    restartVms: setUp.restartVms,
  };
  const after = [
    ...(setUp.collector.kind === 'new' ? [{ part: 'collector', resourceIds: [setUp.collector.nic.nicArmId] }] : []),
    ...(parts.some((part) => part.key === 'peering') ? [{ part: 'peering' }] : []),
  ];
  parts.push({ key: 'tap', plan: planTap(tapAnswers, tapEstate), after });
  if (extraChecks.length > 0) {
    parts.push({ key: 'setup', plan: { kind: 'monitoringSetUp', title: '', summary: [], checks: extraChecks, warnings: [], actions: [] } });
  }

  const collectorName = setUp.collector.kind === 'new' ? setUp.collector.nic.vmName : (estate.tap.destinations.find((item) => item.id === destinationId)?.label ?? nameOf(destinationId));
  const subscriptions = new Set(estate.tap.nics.filter((nic) => setUp.sourceIds.includes(nic.id)).map((nic) => nic.subscriptionName ?? nic.subscriptionId));
  const summary = [
    `${optionTitles[setUp.option]}: ${setUp.sourceIds.length} NIC${setUp.sourceIds.length === 1 ? '' : 's'} in ${[...subscriptions].join(', ') || 'no subscription'} mirrored to ${collectorName}.`,
    ...(setUp.hub.kind === 'new' ? [`Hub network ${hub.name} (${hub.addressSpace.join(', ')}) is created in ${hub.subscriptionName}.`] : [`The collector sits in ${hub.name} (${hub.subscriptionName}).`]),
    ...(spokes.length > 0 && setUp.virtualHub === undefined ? [`Peerings both ways between ${hub.name} and ${spokes.map((spoke) => spoke.name).join(', ')}.`] : []),
    ...parts.flatMap((part) => (part.key === 'collector' ? part.plan.summary : [])),
  ];
  return combinePlans('monitoringSetUp', `${optionTitles[setUp.option]} (${setUp.tapName})`, summary, parts);
}
