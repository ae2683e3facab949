import { nameOf } from '../../azure/armIds';
import { defaultNetworkName, validateNetworkName } from '../shared/networkNames';
import type { PlanCheck } from '../shared/plan';
import { addressOverlaps, formatOverlaps } from './addressOverlap';
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

/**
 * Spokes peer only with the hub, so spokes may overlap one another; the check says so, because such
 * spokes can't reach each other through the hub.
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
    status: 'passed',
    detail: `Overlapping spokes can each peer with the hub, but can't reach each other through it: ${pairs.join('; ')}.`,
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
