import { nameOf } from '../../azure/armIds';
import type { PeeringRef } from '../../azure/networkApi';
import { defaultNetworkName, validateNetworkName } from '../shared/networkNames';
import type { PlanCheck } from '../../core/plan';
import { addressOverlaps, formatOverlaps, type PrefixOverlap } from './addressOverlap';
import type { PeeringVnet } from './peeringVnet';

/** Azure's rule for peering names (see `validateNetworkName`). */
export function validatePeeringName(name: string): string | undefined {
  return validateNetworkName(name, 'A peering name');
}

/** `<from>-to-<to>`, shortened to a valid name when the VNet names are long. */
export function defaultPeeringName(from: string, to: string): string {
  return defaultNetworkName(`${from}-to-${to}`, 'p');
}

/** A VNet cannot peer with itself (Azure: `CannotPeerVirtualNetworkWithItself`). */
export function selfPeeringCheck(hub: PeeringVnet, spoke: PeeringVnet): PlanCheck | undefined {
  if (hub.id !== spoke.id) {
    return undefined;
  }
  return { id: `self:${spoke.name}`, title: 'A virtual network cannot peer with itself', status: 'failed', detail: `${hub.name} is both the hub and a spoke. Choose another spoke.` };
}

/** Hub and spoke address spaces must not overlap (Azure: `VnetAddressSpacesOverlap`). */
export function overlapCheck(hub: PeeringVnet, spoke: PeeringVnet): PlanCheck {
  const overlaps = addressOverlaps(hub.addressSpace, spoke.addressSpace);
  if (overlaps.length > 0) {
    return {
      id: `overlap:${spoke.name}`,
      title: `Address spaces of ${hub.name} and ${spoke.name}`,
      status: 'failed',
      detail: `Couldn't peer ${hub.name} with ${spoke.name}: their address spaces overlap (${formatOverlaps(overlaps)}). Choose another spoke or change its address space.`,
    };
  }
  return {
    id: `overlap:${spoke.name}`,
    title: `Address spaces of ${hub.name} and ${spoke.name}`,
    status: 'passed',
    detail: `${hub.addressSpace.join(', ') || 'no prefixes'} and ${spoke.addressSpace.join(', ') || 'no prefixes'} do not overlap.`,
  };
}

/** The address space a peering peered with, as Azure returns it on the peering (`remoteAddressSpace`). */
function peeredSpace(peering: PeeringRef): string[] {
  const properties = peering.properties as { remoteAddressSpace?: { addressPrefixes?: string[] }; remoteVirtualNetworkAddressSpace?: { addressPrefixes?: string[] } } | undefined;
  return properties?.remoteAddressSpace?.addressPrefixes ?? properties?.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? [];
}

/** A VNet already peered with one side whose address space overlaps the other side. */
export interface PeeredOverlap {
  /** The side whose address space overlaps. */
  overlapping: PeeringVnet;
  /** The side already peered with `peeredName`. */
  peeredWith: PeeringVnet;
  peeredName: string;
  overlaps: PrefixOverlap[];
}

/**
 * Azure refuses a peering when either VNet overlaps a VNet the other is already peered with, in
 * whatever state that peering is (`VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`): the spoke against
 * the hub's other peerings first, then the hub against the spoke's.
 */
export function peeredOverlap(hub: PeeringVnet, spoke: PeeringVnet): PeeredOverlap | undefined {
  for (const [overlapping, peeredWith] of [[spoke, hub], [hub, spoke]] as const) {
    for (const peering of peeredWith.peerings) {
      if (peering.remoteVnetId === overlapping.id) {
        continue;
      }
      const overlaps = addressOverlaps(overlapping.addressSpace, peeredSpace(peering));
      if (overlaps.length > 0) {
        return { overlapping, peeredWith, peeredName: peering.remoteVnetArmId ? nameOf(peering.remoteVnetArmId) : peering.name, overlaps };
      }
    }
  }
  return undefined;
}

/** `overlaps vnet-prod-spoke, already peered with vnet-hub (10.1.0.0/16 ↔ 10.1.0.0/16)` */
export function describePeeredOverlap(found: PeeredOverlap): string {
  return `${found.overlapping.name} overlaps ${found.peeredName}, already peered with ${found.peeredWith.name} (${formatOverlaps(found.overlaps)})`;
}

/** A spoke that overlaps a VNet already peered with the hub, or the hub one already peered with the spoke, fails. */
export function peeredOverlapCheck(hub: PeeringVnet, spoke: PeeringVnet): PlanCheck | undefined {
  const found = peeredOverlap(hub, spoke);
  if (!found) {
    return undefined;
  }
  return {
    id: `peeredOverlap:${spoke.name}`,
    title: `${spoke.name} and the networks already peered`,
    status: 'failed',
    detail: `Couldn't peer ${hub.name} with ${spoke.name}: ${describePeeredOverlap(found)}. Azure refuses a peering that overlaps a network already peered with either side (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet). Choose another spoke or change its address space.`,
  };
}

/**
 * Spokes that overlap one another can't both peer with the hub: once the first is peered, Azure
 * refuses the hub's peering with the second (`VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`).
 */
export function spokeOverlapCheck(spokes: readonly PeeringVnet[]): PlanCheck | undefined {
  const pairs: string[] = [];
  for (let i = 0; i < spokes.length; i++) {
    for (let j = i + 1; j < spokes.length; j++) {
      const overlaps = addressOverlaps(spokes[i].addressSpace, spokes[j].addressSpace);
      if (overlaps.length > 0) {
        pairs.push(`${spokes[i].name} and ${spokes[j].name} (${formatOverlaps(overlaps)})`);
      }
    }
  }
  if (pairs.length === 0) {
    return undefined;
  }
  return {
    id: 'spokeOverlap',
    title: 'Spoke address spaces',
    status: 'failed',
    detail: `Spokes that overlap can't both peer with the hub: once one is peered, Azure refuses the other (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet). Keep one of each pair: ${pairs.join('; ')}.`,
  };
}

/**
 * Gateway transit: the hub must have a virtual network gateway; a spoke that uses it must not have
 * its own gateway, and no other peering of the spoke may already use remote gateways (Azure allows
 * one per virtual network).
 */
export function gatewayChecks(hub: PeeringVnet, spokes: readonly PeeringVnet[]): PlanCheck[] {
  const checks: PlanCheck[] = [];
  checks.push(
    hub.hasGateway
      ? { id: 'gateway:hub', title: `Gateway in ${hub.name}`, status: 'passed', detail: `${hub.name} has a virtual network gateway in its GatewaySubnet; its peerings allow gateway transit.` }
      : {
          id: 'gateway:hub',
          title: `Gateway in ${hub.name}`,
          status: 'failed',
          detail: `${hub.name} has no virtual network gateway, so spokes can't use remote gateways through it. Turn off gateway transit or deploy a gateway in its GatewaySubnet first.`,
        },
  );
  for (const spoke of spokes) {
    if (spoke.id === hub.id) {
      continue;
    }
    if (spoke.hasGateway) {
      checks.push({
        id: `gateway:${spoke.name}`,
        title: `Remote gateways for ${spoke.name}`,
        status: 'failed',
        detail: `${spoke.name} has its own virtual network gateway, so it can't use ${hub.name}'s gateway. Turn off gateway transit or remove its gateway.`,
      });
      continue;
    }
    const other = spoke.peerings.find((peering) => peering.useRemoteGateways && peering.remoteVnetId !== hub.id);
    checks.push(
      other
        ? {
            id: `gateway:${spoke.name}`,
            title: `Remote gateways for ${spoke.name}`,
            status: 'failed',
            detail: `${spoke.name}'s peering ${other.name} already uses the gateway of ${other.remoteVnetArmId ? nameOf(other.remoteVnetArmId) : 'another network'}; a virtual network can use remote gateways over one peering only.`,
          }
        : { id: `gateway:${spoke.name}`, title: `Remote gateways for ${spoke.name}`, status: 'passed', detail: `No other peering of ${spoke.name} uses remote gateways.` },
    );
  }
  return checks;
}

/** A warning when hub and spoke live in different tenants: the signed-in identity needs rights on both. */
export function crossTenantCheck(hub: PeeringVnet, spokes: readonly PeeringVnet[]): PlanCheck | undefined {
  const foreign = spokes.filter((spoke) => spoke.tenantId !== hub.tenantId);
  if (foreign.length === 0) {
    return undefined;
  }
  return {
    id: 'crossTenant',
    title: 'Peering across tenants',
    status: 'warning',
    detail: `${foreign.map((spoke) => `${spoke.name} (tenant ${spoke.tenantId})`).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} in another tenant than ${hub.name} (tenant ${hub.tenantId}). The signed-in identity needs Network Contributor (or virtualNetworks/peer/action) on both virtual networks; each side's request carries a token for the other tenant.`,
  };
}
