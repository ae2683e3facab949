import ipaddr from 'ipaddr.js';

/** Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast). */
export const azureReservedAddressesPerSubnet = 5;

export interface ParsedPrefix {
  kind: 'ipv4' | 'ipv6';
  /** The prefix as written, normalised to its network address: `10.1.2.0/24`. */
  text: string;
  length: number;
}

/** Parses `10.1.2.0/24` or `fd00::/64`; undefined when it is not a CIDR block. */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  try {
    const [address, length] = ipaddr.parseCIDR(text.trim());
    const kind = address.kind();
    const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text.trim()) : ipaddr.IPv6.networkAddressFromCIDR(text.trim());
    return { kind, text: `${network.toString()}/${length}`, length };
  } catch {
    return undefined;
  }
}

/** Addresses in a block: `10.0.0.0/16` → 65536. IPv6 blocks larger than 2^53 give Infinity. */
export function addressCount(prefix: string): number {
  const parsed = parsePrefix(prefix);
  if (!parsed) {
    return 0;
  }
  const bits = (parsed.kind === 'ipv4' ? 32 : 128) - parsed.length;
  return bits > 53 ? Number.POSITIVE_INFINITY : 2 ** bits;
}

/** Addresses Azure lets a subnet hand out: `10.0.1.0/24` → 251; 0 for blocks too small to use. */
export function usableSubnetAddresses(prefix: string): number {
  return Math.max(0, addressCount(prefix) - azureReservedAddressesPerSubnet);
}

/** True when the address lies in the block: (`10.1.2.4`, `10.1.0.0/16`) → true. */
export function prefixContains(prefix: string, address: string): boolean {
  try {
    const [network, length] = ipaddr.parseCIDR(prefix.trim());
    const parsed = ipaddr.parse(address.trim());
    return parsed.kind() === network.kind() && parsed.match(network, length);
  } catch {
    return false;
  }
}

/** True when two blocks share any address (`10.1.0.0/16` and `10.1.0.0/24` do). */
export function prefixesOverlap(a: string, b: string): boolean {
  const first = parsePrefix(a);
  const second = parsePrefix(b);
  if (!first || !second || first.kind !== second.kind) {
    return false;
  }
  const shorter = first.length <= second.length ? first : second;
  const longer = shorter === first ? second : first;
  return prefixContains(shorter.text, longer.text.split('/')[0]);
}

/** A short text for a list of prefixes: `10.0.0.0/16`, `10.0.0.0/16 +2`, or `no address space`. */
export function formatPrefixes(prefixes: readonly string[], empty = 'no address space'): string {
  if (prefixes.length === 0) {
    return empty;
  }
  return prefixes.length === 1 ? prefixes[0] : `${prefixes[0]} +${prefixes.length - 1}`;
}

/** `65,536 addresses` in the tooltip, grouped for reading. */
export function formatAddressCount(count: number): string {
  if (!Number.isFinite(count)) {
    return 'more than 2^53 addresses';
  }
  return `${count.toLocaleString('en-US')} address${count === 1 ? '' : 'es'}`;
}
