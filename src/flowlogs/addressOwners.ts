/**
 * Which NIC (and VM) a flow's addresses belong to, from the NICs the signed-in inventory lists.
 * Pure: the host builds the lookup from its inventory, the decode worker applies it to rows.
 */
import type { AddressOwners, NicOwner } from '../core/viewerProtocol';
import { normalizeMac } from '../core/blobPath';

/** The parts of an inventory NIC the lookup needs (`NicRef` satisfies it). */
export interface OwnedNic {
  /** Tells apart NICs of one name in two resource groups or subscriptions (a dev copy of prod). */
  armId?: string;
  name: string;
  macAddress?: string;
  privateIpAddresses: readonly string[];
  virtualMachineName?: string;
}

/**
 * Builds the MAC and address lookups. A private address that two NICs share (the same range in two
 * networks) names neither: the flow's MAC still names the NIC on the logged side.
 */
export function buildAddressOwners(nics: Iterable<OwnedNic>): AddressOwners {
  const owners: AddressOwners = { byMac: {}, byIp: {} };
  const shared = new Set<string>();
  /** Address → the NIC that has it, by ARM id (by name only where none is given). */
  const holders = new Map<string, string>();
  for (const nic of nics) {
    const holder = nic.armId?.toLowerCase() ?? nic.name;
    const owner: NicOwner = nic.virtualMachineName === undefined || nic.virtualMachineName === '' ? { nic: nic.name } : { nic: nic.name, vm: nic.virtualMachineName };
    const mac = nic.macAddress === undefined ? undefined : normalizeMac(nic.macAddress);
    if (mac !== undefined) {
      owners.byMac[mac] = owner;
    }
    for (const ip of nic.privateIpAddresses) {
      const key = ip.toLowerCase();
      if (shared.has(key)) {
        continue;
      }
      const known = holders.get(key);
      if (known !== undefined && known !== holder) {
        shared.add(key);
        delete owners.byIp[key];
        continue;
      }
      holders.set(key, holder);
      owners.byIp[key] = owner;
    }
  }
  return owners;
}

/** How a table cell, the row details and CSV/NDJSON exports name an owner: `nic-web-01 (vm-web-01)`. */
export function ownerLabel(owner: NicOwner | undefined): string {
  if (owner === undefined) {
    return '';
  }
  return owner.vm === undefined ? owner.nic : `${owner.nic} (${owner.vm})`;
}

/**
 * The owners of one flow's two ends. The end on the logged NIC's side (the destination of an
 * inbound flow, the source of an outbound one) is named by the record's MAC first; the other end
 * by its address.
 */
export function flowOwners(
  owners: AddressOwners,
  flow: { srcIp: string; dstIp: string; direction: 'inbound' | 'outbound'; mac: string },
): { src?: NicOwner; dst?: NicOwner } {
  const byMac = owners.byMac[flow.mac];
  const src = (flow.direction === 'outbound' ? byMac : undefined) ?? owners.byIp[flow.srcIp.toLowerCase()];
  const dst = (flow.direction === 'inbound' ? byMac : undefined) ?? owners.byIp[flow.dstIp.toLowerCase()];
  const result: { src?: NicOwner; dst?: NicOwner } = {};
  if (src !== undefined) {
    result.src = src;
  }
  if (dst !== undefined) {
    result.dst = dst;
  }
  return result;
}

/** True when the lookup names no NIC at all. */
export function hasNoOwners(owners: AddressOwners | undefined): boolean {
  return owners === undefined || (Object.keys(owners.byMac).length === 0 && Object.keys(owners.byIp).length === 0);
}
