import ipaddr from 'ipaddr.js';

/** Prefixes of `a` that overlap a prefix of `b` (IPv4 or IPv6 CIDR strings), for ARM's overlap errors. */
export function overlappingPrefixes(a: string[], b: string[]): string[] {
  const found = new Set<string>();
  for (const left of a) {
    for (const right of b) {
      if (cidrsOverlap(left, right)) {
        found.add(left);
        found.add(right);
      }
    }
  }
  return [...found];
}

export function cidrsOverlap(left: string, right: string): boolean {
  try {
    const [leftAddress, leftBits] = ipaddr.parseCIDR(left);
    const [rightAddress, rightBits] = ipaddr.parseCIDR(right);
    if (leftAddress.kind() !== rightAddress.kind()) {
      return false;
    }
    return leftAddress.match(rightAddress as never, Math.min(leftBits, rightBits));
  } catch {
    return false;
  }
}
