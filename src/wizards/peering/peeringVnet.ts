import type { PeeringRef, SubscriptionRef, VnetRef } from '../../azure/networkApi';

/** A virtual network as the peering wizard sees it: the tree's `VnetRef` plus where it lives. */
export interface PeeringVnet {
  /** Lower-cased ARM id. */
  id: string;
  /** The ARM id as Azure spells it. */
  armId: string;
  name: string;
  location: string;
  addressSpace: string[];
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  /** True when its `GatewaySubnet` holds a virtual network gateway. */
  hasGateway: boolean;
  peerings: PeeringRef[];
}

/** The subnet a virtual network gateway must live in (Azure's fixed name). */
export const gatewaySubnetName = 'GatewaySubnet';

/**
 * True when a virtual network has a virtual network gateway: its `GatewaySubnet` has an IP
 * configuration that belongs to a `virtualNetworkGateways` resource. The subnet lists the IP
 * configurations of whatever sits in it, so this needs no read beyond the VNet list the tree already
 * made (gateways themselves are only listed per resource group).
 */
export function hasVirtualNetworkGateway(vnet: VnetRef): boolean {
  const subnet = vnet.subnets.find((candidate) => candidate.name.toLowerCase() === gatewaySubnetName.toLowerCase());
  if (!subnet) {
    return false;
  }
  const configurations = (subnet.properties as { ipConfigurations?: { id?: string }[] } | undefined)?.ipConfigurations ?? [];
  return configurations.some((configuration) => /\/providers\/microsoft\.network\/virtualnetworkgateways\//i.test(configuration.id ?? ''));
}

export function peeringVnetOf(vnet: VnetRef, subscription: SubscriptionRef): PeeringVnet {
  return {
    id: vnet.id,
    armId: vnet.armId,
    name: vnet.name,
    location: vnet.location,
    addressSpace: vnet.addressSpace,
    subscriptionId: subscription.subscriptionId,
    subscriptionName: subscription.displayName,
    tenantId: subscription.tenantId.toLowerCase(),
    hasGateway: hasVirtualNetworkGateway(vnet),
    peerings: vnet.peerings,
  };
}

/** `allowVirtualNetworkAccess` of a peering as Azure returned it (true when not stated, Azure's default). */
export function allowsVirtualNetworkAccess(peering: PeeringRef): boolean {
  return (peering.properties as { allowVirtualNetworkAccess?: boolean } | undefined)?.allowVirtualNetworkAccess ?? true;
}
