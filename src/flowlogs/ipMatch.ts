import ipaddr from 'ipaddr.js';

/** A parsed address filter: one address or a CIDR block, IPv4 or IPv6. */
export interface IpMatcher {
  /** True when `address` (as written in the log) lies in the block. */
  matches(address: string): boolean;
}

/** Result of parsing what the user typed: a matcher, or a message to show next to the field. */
export type IpMatcherResult = { matcher: IpMatcher } | { message: string };

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses dotted IPv4 quickly; undefined when `text` is not plain IPv4. */
export function parseIpv4(text: string): number | undefined {
  const match = ipv4Pattern.exec(text);
  if (match === null) {
    return undefined;
  }
  let value = 0;
  for (let part = 1; part <= 4; part++) {
    const octet = Number(match[part]);
    if (octet > 255) {
      return undefined;
    }
    value = value * 256 + octet;
  }
  return value;
}

function parseAny(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // ipaddr.js also accepts shorthand IPv4 (`10.1`, hex, octal); only dotted quads are addresses here.
  if (text.indexOf(':') < 0) {
    const value = parseIpv4(text);
    return value === undefined ? undefined : new ipaddr.IPv4([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
  }
  if (!ipaddr.IPv6.isValid(text)) {
    return undefined;
  }
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

/**
 * Parses an address or CIDR block as typed in the filter bar.
 * `10.1.0.0/16`, `10.0.0.6`, `2001:db8::/32` and `::ffff:10.0.0.6` are accepted; IPv4-mapped
 * IPv6 addresses match their IPv4 form.
 */
export function compileIpMatcher(input: string): IpMatcherResult {
  const text = input.trim();
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const base = parseAny(addressText);
  if (base === undefined) {
    return { message: `"${addressText}" is not an IPv4 or IPv6 address. Examples: 10.0.0.6, 10.1.0.0/16, 2001:db8::/32` };
  }
  const maxBits = base.kind() === 'ipv4' ? 32 : 128;
  let bits = maxBits;
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1);
    bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!(bits >= 0 && bits <= maxBits)) {
      return { message: `"/${bitsText}" is not a valid prefix length for ${base.kind() === 'ipv4' ? 'IPv4' : 'IPv6'} (0 to ${maxBits}).` };
    }
  }
  if (base.kind() === 'ipv4') {
    const start = parseIpv4(base.toString()) ?? 0;
    const size = 2 ** (32 - bits);
    const low = Math.floor(start / size) * size;
    const high = low + size - 1;
    return {
      matcher: {
        matches(address: string): boolean {
          let value = parseIpv4(address);
          if (value === undefined) {
            const parsed = parseAny(address);
            if (parsed === undefined || parsed.kind() !== 'ipv4') {
              return false;
            }
            value = parseIpv4(parsed.toString()) ?? -1;
          }
          return value >= low && value <= high;
        },
      },
    };
  }
  const block: [ipaddr.IPv6, number] = [base as ipaddr.IPv6, bits];
  return {
    matcher: {
      matches(address: string): boolean {
        if (address.indexOf(':') < 0) {
          return false;
        }
        const parsed = parseAny(address);
        return parsed !== undefined && parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).match(block);
      },
    },
  };
}

/** Addresses or CIDRs separated by commas (`10.0.1.0/24, 10.0.2.4`): matches any of them. */
export function compileIpListMatcher(input: string): IpMatcherResult {
  const matchers: IpMatcher[] = [];
  for (const part of input.split(',')) {
    if (part.trim() === '') {
      continue;
    }
    const parsed = compileIpMatcher(part);
    if ('message' in parsed) {
      return parsed;
    }
    matchers.push(parsed.matcher);
  }
  if (matchers.length === 0) {
    return { message: 'Enter an address or CIDR, or several separated by commas. Examples: 10.0.0.6, 10.1.0.0/16' };
  }
  return { matcher: { matches: (address) => matchers.some((matcher) => matcher.matches(address)) } };
}

/**
 * Orders addresses for sorting: IPv4 numerically, then IPv6 numerically, then anything
 * unparsable as text. Returns each input's rank (equal addresses share a rank).
 */
export function rankAddresses(addresses: readonly string[]): Uint32Array {
  const keys = addresses.map((address, index) => {
    const v4 = parseIpv4(address);
    if (v4 !== undefined) {
      return { index, group: 0, text: v4.toString(16).padStart(8, '0') };
    }
    const parsed = parseAny(address);
    if (parsed !== undefined) {
      if (parsed.kind() === 'ipv4') {
        return { index, group: 0, text: (parseIpv4(parsed.toString()) ?? 0).toString(16).padStart(8, '0') };
      }
      const hex = (parsed as ipaddr.IPv6).parts.map((part) => part.toString(16).padStart(4, '0')).join('');
      return { index, group: 1, text: hex };
    }
    return { index, group: 2, text: address };
  });
  keys.sort((a, b) => a.group - b.group || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const ranks = new Uint32Array(addresses.length);
  let rank = 0;
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && (keys[i].group !== keys[i - 1].group || keys[i].text !== keys[i - 1].text)) {
      rank++;
    }
    ranks[keys[i].index] = rank;
  }
  return ranks;
}
