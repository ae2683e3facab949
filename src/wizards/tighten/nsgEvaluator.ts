/**
 * Evaluates network security group rules the way Azure does, for flows seen in flow logs. Pure: no
 * `vscode`, no Azure calls.
 *
 * What Azure documents, and this follows:
 * - Rules are processed by priority, lowest number first; the first rule that matches decides and
 *   processing stops. Custom rules take priorities 100–4096; the default rules sit at 65000–65500.
 *   https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 * - Default rules: inbound AllowVnetInBound (65000, VirtualNetwork → VirtualNetwork),
 *   AllowAzureLoadBalancerInBound (65001, AzureLoadBalancer → *), DenyAllInBound (65500); outbound
 *   AllowVnetOutBound (65000), AllowInternetOutBound (65001, * → Internet), DenyAllOutBound (65500).
 *   https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
 * - Inbound traffic meets the subnet's NSG first, then the network interface's; outbound traffic the
 *   network interface's first, then the subnet's. Both must allow it; a level without an NSG allows
 *   everything. https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
 * - Service tags: VirtualNetwork is the virtual network's address space, its peered virtual networks'
 *   spaces, connected on-premises spaces and the host's virtual IP 168.63.129.16; Internet is the
 *   address space outside the virtual network reachable on the public internet; AzureLoadBalancer is
 *   the infrastructure load balancer, 168.63.129.16.
 *   https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
 *   https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
 */
import type { SecurityRuleRef } from '../../azure/networkApi';
import ipaddr from 'ipaddr.js';
import type { FlowDirection, ObservedFlow } from '../../core/observedFlow';

export type RuleDirection = 'Inbound' | 'Outbound';
export type RuleAccess = 'Allow' | 'Deny';

/** One security rule with its lists spelled out (a single prefix is a list of one). */
export interface NsgRule {
  name: string;
  priority: number;
  direction: RuleDirection;
  access: RuleAccess;
  /** `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`. */
  protocol: string;
  sourceAddressPrefixes: string[];
  sourcePortRanges: string[];
  destinationAddressPrefixes: string[];
  destinationPortRanges: string[];
  /** Application security groups the rule names (lower-cased ids); their members are not known here. */
  sourceApplicationSecurityGroups?: string[];
  destinationApplicationSecurityGroups?: string[];
  description?: string;
  /** True for the six rules Azure adds to every NSG. */
  isDefault?: boolean;
}

/** The address the platform's services (DNS, health probes, the load balancer's probes) come from. */
export const hostVirtualIp = '168.63.129.16';

/** Azure's default rules, identical in every NSG. */
export const defaultRules: readonly NsgRule[] = [
  defaultRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];

function defaultRule(name: string, priority: number, direction: RuleDirection, access: RuleAccess, source: string, destination: string): NsgRule {
  return { name, priority, direction, access, protocol: '*', sourceAddressPrefixes: [source], sourcePortRanges: ['*'], destinationAddressPrefixes: [destination], destinationPortRanges: ['*'], isDefault: true };
}

/** What the service tags stand for where a flow was logged. */
export interface AddressContext {
  /**
   * The VirtualNetwork tag there: the interface's virtual network's address space and its peered
   * virtual networks' spaces (plus any on-premises space the caller knows of). 168.63.129.16 is added.
   */
  virtualNetworkPrefixes: readonly string[];
}

/** Why a rule could not be evaluated for a flow: a service tag or application security group whose addresses are not known here. */
export interface UnknownTerm {
  rule: string;
  term: string;
}

export type Match = 'yes' | 'no' | 'unknown';

interface Packet {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  protocol: number;
  direction: FlowDirection;
}

/**
 * A rule's list from the tree's text (`10.0.0.0/24, 10.0.1.0/24`): the network API joins lists
 * with ", ", and no prefix, port range or tag holds a comma.
 */
export function splitList(text: string): string[] {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return items.length === 0 ? ['*'] : items;
}

/** The protocols a rule names, by IANA number; `*` matches every protocol. */
const protocolNumbers: Record<string, readonly number[]> = { tcp: [6], udp: [17], icmp: [1, 58], esp: [50], ah: [51] };

function protocolMatches(protocol: string, number: number): boolean {
  if (protocol === '*' || protocol.toLowerCase() === 'any') {
    return true;
  }
  return protocolNumbers[protocol.toLowerCase()]?.includes(number) ?? false;
}

/** `*`, `80`, `1024-65535`. */
export function portMatches(range: string, port: number): boolean {
  const text = range.trim();
  if (text === '*') {
    return true;
  }
  const dash = text.indexOf('-');
  if (dash < 0) {
    return Number(text) === port;
  }
  const low = Number(text.slice(0, dash));
  const high = Number(text.slice(dash + 1));
  return port >= low && port <= high;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const parsed = ipaddr.parse(text.trim());
    return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  } catch {
    return undefined;
  }
}

function compare(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6): number {
  const x = a.toByteArray();
  const y = b.toByteArray();
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      return x[i] - y[i];
    }
  }
  return 0;
}

/** True when `address` lies in a CIDR block, equals a single address, or falls in a `first-last` range. */
export function addressInPrefix(prefix: string, address: string): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined) {
    return false;
  }
  const text = prefix.trim();
  if (text.includes('/')) {
    try {
      const [network, length] = ipaddr.parseCIDR(text);
      return network.kind() === parsed.kind() && parsed.match(network, length);
    } catch {
      return false;
    }
  }
  const dash = text.indexOf('-');
  if (dash > 0) {
    const low = parseAddress(text.slice(0, dash));
    const high = parseAddress(text.slice(dash + 1));
    return low !== undefined && high !== undefined && low.kind() === parsed.kind() && high.kind() === parsed.kind() && compare(low, parsed) <= 0 && compare(parsed, high) <= 0;
  }
  const single = parseAddress(text);
  return single !== undefined && single.kind() === parsed.kind() && compare(single, parsed) === 0;
}

/** True for an address or a block (`10.0.0.0/8`, `10.0.0.1-10.0.0.9`, `fd00::1`): what is not a tag. */
export function isAddressTerm(term: string): boolean {
  const text = term.trim();
  if (text.includes('/')) {
    try {
      ipaddr.parseCIDR(text);
      return true;
    } catch {
      return false;
    }
  }
  const dash = text.indexOf('-');
  if (dash > 0 && parseAddress(text.slice(0, dash)) !== undefined) {
    return parseAddress(text.slice(dash + 1)) !== undefined;
  }
  return parseAddress(text) !== undefined;
}

function inVirtualNetwork(address: string, context: AddressContext): boolean {
  return address === hostVirtualIp || context.virtualNetworkPrefixes.some((prefix) => addressInPrefix(prefix, address));
}

/** Address ranges that never come from the internet: private, shared (CGNAT), loopback, link-local, multicast, unspecified. */
const notInternet = new Set(['private', 'uniqueLocal', 'carrierGradeNat', 'loopback', 'linkLocal', 'multicast', 'unspecified', 'broadcast']);

/** Internet: the space outside the virtual network that is not private or local (documentation ranges count as public). */
function inInternet(address: string, context: AddressContext): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined || inVirtualNetwork(address, context)) {
    return false;
  }
  return !notInternet.has(parsed.range());
}

/** Whether one address term of a rule (a prefix, `*`, or a service tag) covers `address`. */
export function addressTermMatches(term: string, address: string, context: AddressContext): Match {
  const text = term.trim();
  const tag = text.toLowerCase();
  if (text === '*' || tag === 'any') {
    return 'yes';
  }
  if (tag === 'virtualnetwork') {
    return inVirtualNetwork(address, context) ? 'yes' : 'no';
  }
  if (tag === 'internet') {
    return inInternet(address, context) ? 'yes' : 'no';
  }
  if (tag === 'azureloadbalancer') {
    return address === hostVirtualIp ? 'yes' : 'no';
  }
  if (isAddressTerm(text)) {
    return addressInPrefix(text, address) ? 'yes' : 'no';
  }
  // Any other service tag (Storage, AzureCloud.westeurope, …) stands for addresses Microsoft publishes separately.
  return 'unknown';
}

function anyTerm(terms: readonly string[], address: string, context: AddressContext, asgs: readonly string[] | undefined): { match: Match; term?: string } {
  let unknown: string | undefined;
  for (const term of terms) {
    const match = addressTermMatches(term, address, context);
    if (match === 'yes') {
      return { match };
    }
    if (match === 'unknown') {
      unknown ??= term;
    }
  }
  if (asgs !== undefined && asgs.length > 0) {
    unknown ??= `application security group ${asgs[0].split('/').pop()}`;
  }
  return unknown === undefined ? { match: 'no' } : { match: 'unknown', term: unknown };
}

/** Whether `rule` matches the flow: direction, protocol, both addresses and both ports. */
export function ruleMatches(rule: NsgRule, packet: Packet, context: AddressContext): { match: Match; term?: string } {
  if (rule.direction.toLowerCase() !== packet.direction || !protocolMatches(rule.protocol, packet.protocol)) {
    return { match: 'no' };
  }
  if (!rule.sourcePortRanges.some((range) => portMatches(range, packet.srcPort)) || !rule.destinationPortRanges.some((range) => portMatches(range, packet.dstPort))) {
    return { match: 'no' };
  }
  const sourceTerms = rule.sourceAddressPrefixes.length === 0 && (rule.sourceApplicationSecurityGroups?.length ?? 0) === 0 ? ['*'] : rule.sourceAddressPrefixes;
  const destinationTerms = rule.destinationAddressPrefixes.length === 0 && (rule.destinationApplicationSecurityGroups?.length ?? 0) === 0 ? ['*'] : rule.destinationAddressPrefixes;
  const source = anyTerm(sourceTerms, packet.srcIp, context, rule.sourceApplicationSecurityGroups);
  if (source.match === 'no') {
    return source;
  }
  const destination = anyTerm(destinationTerms, packet.dstIp, context, rule.destinationApplicationSecurityGroups);
  if (destination.match === 'no') {
    return destination;
  }
  if (source.match === 'unknown') {
    return source;
  }
  return destination;
}

/** An NSG's verdict on one flow. */
export interface NsgVerdict {
  access: RuleAccess;
  /** The rule that decided (a default rule when no custom one matched). */
  rule: NsgRule;
  /** Rules before the deciding one that might have matched but name addresses not known here. */
  unknown: UnknownTerm[];
}

/** The NSG's rules for one direction in the order Azure processes them: custom and default, by priority. */
export function orderedRules(rules: readonly NsgRule[], direction: FlowDirection): NsgRule[] {
  return [...rules.filter((rule) => !rule.isDefault), ...defaultRules]
    .filter((rule) => rule.direction.toLowerCase() === direction)
    .sort((a, b) => a.priority - b.priority);
}

/** Evaluates one NSG (its custom rules; the defaults are added) for one flow: first match by priority wins. */
export function evaluateNsg(rules: readonly NsgRule[], packet: Packet, context: AddressContext): NsgVerdict {
  const unknown: UnknownTerm[] = [];
  for (const rule of orderedRules(rules, packet.direction)) {
    const result = ruleMatches(rule, packet, context);
    if (result.match === 'yes') {
      return { access: rule.access, rule, unknown };
    }
    if (result.match === 'unknown') {
      unknown.push({ rule: rule.name, term: result.term ?? '' });
    }
  }
  // DenyAll at 65500 matches everything, so this is not reached; kept for the type checker.
  const last = defaultRules.find((rule) => rule.access === 'Deny' && rule.direction.toLowerCase() === packet.direction)!;
  return { access: 'Deny', rule: last, unknown };
}

/** The NSGs on a network interface's path: its subnet's and its own (either may be absent). */
export interface NsgPath {
  subnetNsg?: { id: string; rules: readonly NsgRule[] };
  nicNsg?: { id: string; rules: readonly NsgRule[] };
}

export interface PathStep {
  level: 'subnet' | 'nic';
  nsgId: string;
  verdict: NsgVerdict;
}

/** Azure's verdict on a flow at a network interface: allowed only when every NSG on its path allows it. */
export interface PathVerdict {
  access: RuleAccess;
  /** The NSGs in the order the flow meets them, up to the one that denied it. */
  steps: PathStep[];
}

/**
 * Evaluates a flow logged at a network interface: inbound meets the subnet's NSG then the
 * interface's; outbound the interface's then the subnet's; the first NSG that denies ends it.
 */
export function evaluatePath(path: NsgPath, flow: Packet | ObservedFlow, context: AddressContext): PathVerdict {
  const levels: Array<{ level: 'subnet' | 'nic'; nsg: NsgPath['subnetNsg'] }> =
    flow.direction === 'inbound'
      ? [
          { level: 'subnet', nsg: path.subnetNsg },
          { level: 'nic', nsg: path.nicNsg },
        ]
      : [
          { level: 'nic', nsg: path.nicNsg },
          { level: 'subnet', nsg: path.subnetNsg },
        ];
  const steps: PathStep[] = [];
  for (const { level, nsg } of levels) {
    if (nsg === undefined) {
      continue;
    }
    const verdict = evaluateNsg(nsg.rules, flow, context);
    steps.push({ level, nsgId: nsg.id, verdict });
    if (verdict.access === 'Deny') {
      return { access: 'Deny', steps };
    }
  }
  return { access: 'Allow', steps };
}

/** A rule as the inventory holds it, its lists joined (`source: "10.0.0.0/24, 10.0.1.0/24"`). */
export type RuleText = SecurityRuleRef;

/** The evaluator's rule from the text the inventory holds. */
export function ruleFromText(rule: RuleText): NsgRule {
  return {
    name: rule.name,
    priority: rule.priority,
    direction: rule.direction.toLowerCase() === 'outbound' ? 'Outbound' : 'Inbound',
    access: rule.access.toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    protocol: rule.protocol || '*',
    sourceAddressPrefixes: splitList(rule.source),
    sourcePortRanges: splitList(rule.sourcePorts),
    destinationAddressPrefixes: splitList(rule.destination),
    destinationPortRanges: splitList(rule.destinationPorts),
    ...(rule.description === undefined ? {} : { description: rule.description }),
  };
}

function stringList(single: unknown, many: unknown): string[] {
  if (Array.isArray(many) && many.length > 0) {
    return many.filter((item): item is string => typeof item === 'string');
  }
  return typeof single === 'string' && single.length > 0 ? [single] : [];
}

function idList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    return undefined;
  }
  return value.flatMap((item) => (typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? [(item as { id: string }).id.toLowerCase()] : []));
}

/** The evaluator's rule from a rule as ARM returns it (`{ name, properties: { sourceAddressPrefix, … } }`). */
export function ruleFromArm(rule: { name?: string; properties?: Record<string, unknown> }): NsgRule {
  const p = rule.properties ?? {};
  const sourceAsgs = idList(p.sourceApplicationSecurityGroups);
  const destinationAsgs = idList(p.destinationApplicationSecurityGroups);
  const sourcePrefixes = stringList(p.sourceAddressPrefix, p.sourceAddressPrefixes);
  const destinationPrefixes = stringList(p.destinationAddressPrefix, p.destinationAddressPrefixes);
  return {
    name: rule.name ?? '',
    priority: typeof p.priority === 'number' ? p.priority : 0,
    direction: String(p.direction ?? '').toLowerCase() === 'outbound' ? 'Outbound' : 'Inbound',
    access: String(p.access ?? '').toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    protocol: typeof p.protocol === 'string' ? p.protocol : '*',
    sourceAddressPrefixes: sourcePrefixes.length === 0 && sourceAsgs === undefined ? ['*'] : sourcePrefixes,
    sourcePortRanges: stringList(p.sourcePortRange, p.sourcePortRanges).length === 0 ? ['*'] : stringList(p.sourcePortRange, p.sourcePortRanges),
    destinationAddressPrefixes: destinationPrefixes.length === 0 && destinationAsgs === undefined ? ['*'] : destinationPrefixes,
    destinationPortRanges: stringList(p.destinationPortRange, p.destinationPortRanges).length === 0 ? ['*'] : stringList(p.destinationPortRange, p.destinationPortRanges),
    ...(sourceAsgs === undefined ? {} : { sourceApplicationSecurityGroups: sourceAsgs }),
    ...(destinationAsgs === undefined ? {} : { destinationApplicationSecurityGroups: destinationAsgs }),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  };
}

/** The body of a rule for ARM: a list of one is written in the single-valued field, as the portal does. */
export function ruleToArm(rule: NsgRule): { name: string; properties: Record<string, unknown> } {
  const field = (single: string, many: string, values: readonly string[]): Record<string, unknown> => (values.length === 1 ? { [single]: values[0] } : { [many]: [...values] });
  return {
    name: rule.name,
    properties: {
      ...(rule.description === undefined ? {} : { description: rule.description }),
      protocol: rule.protocol,
      ...field('sourcePortRange', 'sourcePortRanges', rule.sourcePortRanges),
      ...field('destinationPortRange', 'destinationPortRanges', rule.destinationPortRanges),
      ...field('sourceAddressPrefix', 'sourceAddressPrefixes', rule.sourceAddressPrefixes),
      ...field('destinationAddressPrefix', 'destinationAddressPrefixes', rule.destinationAddressPrefixes),
      access: rule.access,
      priority: rule.priority,
      direction: rule.direction,
    },
  };
}
