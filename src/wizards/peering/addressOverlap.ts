import { parsePrefix, prefixesOverlap } from '../../core/addresses';

/** Two prefixes that share addresses, one from each side. */
export interface PrefixOverlap {
  left: string;
  right: string;
}

/**
 * Every pair of overlapping prefixes between two address spaces, IPv4 and IPv6 alike (prefixes of
 * different families never overlap; text that is not a CIDR block is ignored).
 * `(['10.0.0.0/16', 'fd00::/48'], ['10.0.4.0/24', 'fd00:0:0:1::/64'])` → both pairs.
 */
export function addressOverlaps(left: readonly string[], right: readonly string[]): PrefixOverlap[] {
  const overlaps: PrefixOverlap[] = [];
  for (const a of left) {
    for (const b of right) {
      if (prefixesOverlap(a, b)) {
        overlaps.push({ left: a, right: b });
      }
    }
  }
  return overlaps;
}

/** `10.0.0.0/16 ↔ 10.0.4.0/24, fd00::/48 ↔ fd00:0:0:1::/64` for check details. */
export function formatOverlaps(overlaps: readonly PrefixOverlap[]): string {
  return overlaps.map((overlap) => `${overlap.left} ↔ ${overlap.right}`).join(', ');
}

/** Prefixes of an address space that are not CIDR blocks (Azure refuses them; a plan names them). */
export function invalidPrefixes(space: readonly string[]): string[] {
  return space.filter((prefix) => parsePrefix(prefix) === undefined);
}
