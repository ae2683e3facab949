/**
 * The estate as it will be once the earlier parts of a set-up have run: a combined plan checks its
 * TAP against the collector NIC, hub network and peerings it creates before the TAP, so those
 * checks judge what Apply will meet rather than refusing because the collector does not exist
 * yet. Each addition is what the earlier part's own actions create, nothing more. Pure; no
 * `vscode` import here.
 */
import { nameOf, parentId } from '../../azure/armIds';
import type { PeeringRef, VnetRef } from '../../azure/networkApi';
import type { TapDestination, TapEstate } from '../tap/tapModel';

/** A collector NIC a plan creates. */
export interface PlannedCollectorNic {
  /** The NIC's ARM id as Azure will spell it. */
  nicArmId: string;
  /** Its IP configuration's name (`ipconfig1`). */
  ipConfigurationName: string;
  vmName: string;
  subnetArmId: string;
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  resourceGroup: string;
  location: string;
  /** The NSG the plan attaches to the NIC, if any (its rules allow VXLAN from the sources). */
  nsgArmId?: string;
}

/** The TAP destination of a collector NIC the plan creates: its first IP configuration. */
export function plannedDestination(nic: PlannedCollectorNic): TapDestination {
  const armId = `${nic.nicArmId}/ipConfigurations/${nic.ipConfigurationName}`;
  return {
    kind: 'nic',
    id: armId.toLowerCase(),
    armId,
    label: `${nameOf(nic.nicArmId)} › ${nic.ipConfigurationName} (created by this plan)`,
    parentArmId: nic.nicArmId,
    parentName: nameOf(nic.nicArmId),
    subscriptionId: nic.subscriptionId,
    subscriptionName: nic.subscriptionName,
    tenantId: nic.tenantId,
    resourceGroup: nic.resourceGroup,
    location: nic.location.toLowerCase(),
    ipVersion: 'IPv4',
    subnetId: nic.subnetArmId.toLowerCase(),
    ...(nic.nsgArmId ? { nicNsgId: nic.nsgArmId.toLowerCase() } : {}),
    vmName: nic.vmName,
  };
}

/** A virtual network a plan creates, as the inventory will list it. */
export function plannedVnet(vnet: { armId: string; location: string; addressSpace: string[]; subnets: { name: string; addressPrefix: string }[] }): VnetRef {
  const id = vnet.armId.toLowerCase();
  const groupMatch = /\/resourcegroups\/([^/]+)\//i.exec(vnet.armId);
  return {
    id,
    armId: vnet.armId,
    name: nameOf(vnet.armId),
    resourceGroup: groupMatch?.[1] ?? '',
    properties: {},
    location: vnet.location.toLowerCase(),
    addressSpace: [...vnet.addressSpace],
    subnets: vnet.subnets.map((subnet) => ({
      id: `${id}/subnets/${subnet.name.toLowerCase()}`,
      armId: `${vnet.armId}/subnets/${subnet.name}`,
      name: subnet.name,
      resourceGroup: groupMatch?.[1] ?? '',
      properties: {},
      vnetId: id,
      addressPrefixes: [subnet.addressPrefix],
    })),
    peerings: [],
  };
}

function connectedPeering(from: VnetRef, to: { id: string; armId: string }, name: string): PeeringRef {
  const armId = `${from.armId}/virtualNetworkPeerings/${name}`;
  return {
    id: armId.toLowerCase(),
    armId,
    name,
    resourceGroup: from.resourceGroup,
    properties: {},
    vnetId: from.id,
    remoteVnetId: to.id,
    remoteVnetArmId: to.armId,
    peeringState: 'Connected',
    syncLevel: 'FullyInSync',
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
  };
}

/**
 * `estate` with what the earlier parts create: the collector NIC as a destination, new networks,
 * and peerings between the hub and each spoke, Connected on both sides (a plan's peerings are
 * created in pairs, so Azure reports them Connected once both exist). Existing peerings are kept.
 */
export function plannedTapEstate(estate: TapEstate, planned: { collector?: PlannedCollectorNic; vnets?: VnetRef[]; peerings?: { hubId: string; spokeId: string; hubSide: string; spokeSide: string }[] }): TapEstate {
  const vnets = new Map(estate.vnets.map((vnet) => [vnet.id, { ...vnet, peerings: [...vnet.peerings] }]));
  for (const vnet of planned.vnets ?? []) {
    if (!vnets.has(vnet.id)) {
      vnets.set(vnet.id, { ...vnet, peerings: [...vnet.peerings] });
    }
  }
  for (const pair of planned.peerings ?? []) {
    const hub = vnets.get(pair.hubId.toLowerCase());
    const spoke = vnets.get(pair.spokeId.toLowerCase());
    if (hub === undefined || spoke === undefined) {
      continue;
    }
    for (const [from, to, name] of [[hub, spoke, pair.hubSide], [spoke, hub, pair.spokeSide]] as const) {
      const others = from.peerings.filter((peering) => peering.remoteVnetId !== to.id);
      from.peerings = [...others, connectedPeering(from, to, name)];
    }
  }
  const destinations = planned.collector ? [...estate.destinations.filter((item) => parentId(item.id) !== planned.collector!.nicArmId.toLowerCase()), plannedDestination(planned.collector)] : estate.destinations;
  return { ...estate, destinations, vnets: [...vnets.values()] };
}
