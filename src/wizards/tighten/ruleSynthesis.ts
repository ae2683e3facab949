/**
 * Proposes the smallest set of security rules for one NSG that allows the traffic flow logs saw
 * allowed, and simulates a rule set over every observed flow. Pure: no `vscode`, no Azure calls.
 *
 * Priorities and names follow Azure's rules: 100–4096, unique per direction; a name of up to 80
 * word characters, '.', '-' or '_', starting with a word character and ending with one or '_'.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
import ipaddr from 'ipaddr.js';
import { localAddress, remoteAddress, type FlowDirection, type ObservedFlow } from '../../core/observedFlow';
import { addressInPrefix, evaluateNsg, evaluatePath, hostVirtualIp, isAddressTerm, type AddressContext, type NsgPath, type NsgRule, type PathVerdict, type RuleDirection } from './nsgEvaluator';

/** How far remote addresses are widened into prefixes: the address itself, its /24 or /16, or the subnet or VNet it belongs to. */
export type Granularity = 'address' | '24' | '16' | 'subnet' | 'vnet';

export type ExplicitDeny = 'none' | 'inbound' | 'outbound' | 'both';

/** A network interface behind the NSG: where its flows are logged and which NSGs they meet. */
export interface InterfaceScope {
  /** Lower-cased ARM id. */
  nicId: string;
  name: string;
  /** 12 upper-case hex digits, as flow logs write it. */
  mac?: string;
  privateIps: string[];
  /** Its subnet's NSG and its own, with their rules now. */
  path: NsgPath;
  /** The VirtualNetwork tag at this interface. */
  context: AddressContext;
}

export interface TightenScope {
  /** The NSG being tightened: lower-cased id, name, its custom rules now. */
  nsg: { id: string; name: string; rules: NsgRule[] };
  /** Every network interface whose traffic meets the NSG (on its subnets, or attached to it). */
  interfaces: InterfaceScope[];
  flows: ObservedFlow[];
}

export interface SynthesisOptions {
  granularity: Granularity;
  explicitDeny: ExplicitDeny;
  /** Subnet and virtual network prefixes of the estate, for the `subnet` and `vnet` granularities. */
  subnetPrefixes?: readonly string[];
  vnetPrefixes?: readonly string[];
}

/** One rule of a proposal and why it is there. */
export interface ProposedRule {
  rule: NsgRule;
  /** `allow`: allows observed traffic; `kept`: a deny rule of the NSG, kept after the allows; `deny`: the explicit deny asked for. */
  origin: 'allow' | 'kept' | 'deny';
  /** Observed flows (merged tuples) it allows; for `kept` and `deny`, the observed denied flows it decides in the simulation. */
  flows: number;
  /** Logged tuples behind those flows. */
  count: number;
}

/** How a rule of the NSG today was used by the observed flows. */
export interface RuleUsage {
  rule: NsgRule;
  /** Flows it decided at this NSG. */
  flows: number;
  count: number;
  /** Why it counts as broad: "any source", "every port", … */
  reasons: string[];
}

export interface TightenProposal {
  rules: ProposedRule[];
  /** Custom rules that decided no observed flow. */
  neverHit: NsgRule[];
  /** Broad allow rules (custom or default) that decided observed traffic. */
  broad: RuleUsage[];
  /** Flows not logged at an interface behind this NSG (ignored). */
  outside: number;
  /** Notes for the review: directions left to the default rules, flows evaluated with unknown tags. */
  notes: string[];
}

export interface SimulatedFlow {
  flow: ObservedFlow;
  nic: string;
  /** Azure's verdict on the flow with the proposed rules in place. */
  after: PathVerdict;
}

export interface Simulation {
  /** Logged allowed, denied with the proposed rules. */
  becomeDenied: SimulatedFlow[];
  /** Logged denied, still denied. */
  stayDenied: SimulatedFlow[];
  /** Logged denied, allowed with the proposed rules. */
  becomeAllowed: SimulatedFlow[];
  /** Logged allowed, still allowed. */
  stayAllowed: SimulatedFlow[];
  /** Flows whose verdict today, evaluated from the current rules, differs from what was logged (rules changed during the window, or unknown tags). */
  disagree: SimulatedFlow[];
}

const maxNameLength = 80;
const firstPriority = 100;
const lastPriority = 4096;

function normaliseMac(mac: string): string {
  return mac.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** The interface a flow was logged at: by NIC id, by MAC, else by its local address. */
export function interfaceOf(flow: ObservedFlow, interfaces: readonly InterfaceScope[]): InterfaceScope | undefined {
  if (flow.nicId !== undefined) {
    const byId = interfaces.find((scope) => scope.nicId === flow.nicId);
    if (byId !== undefined) {
      return byId;
    }
  }
  if (flow.mac !== undefined) {
    const mac = normaliseMac(flow.mac);
    const byMac = interfaces.find((scope) => scope.mac !== undefined && normaliseMac(scope.mac) === mac);
    if (byMac !== undefined) {
      return byMac;
    }
  }
  const local = localAddress(flow);
  return interfaces.find((scope) => scope.privateIps.includes(local));
}

/** The path with the NSG's rules replaced by `rules` wherever it sits on it. */
function pathWith(path: NsgPath, nsgId: string, rules: readonly NsgRule[]): NsgPath {
  return {
    ...(path.subnetNsg === undefined ? {} : { subnetNsg: path.subnetNsg.id === nsgId ? { id: nsgId, rules } : path.subnetNsg }),
    ...(path.nicNsg === undefined ? {} : { nicNsg: path.nicNsg.id === nsgId ? { id: nsgId, rules } : path.nicNsg }),
  };
}

function prefixLength(prefix: string): number | undefined {
  try {
    return ipaddr.parseCIDR(prefix)[1];
  } catch {
    return undefined;
  }
}

function smallestContaining(prefixes: readonly string[] | undefined, address: string): string | undefined {
  let best: { prefix: string; length: number } | undefined;
  for (const prefix of prefixes ?? []) {
    const length = prefixLength(prefix);
    if (length !== undefined && addressInPrefix(prefix, address) && (best === undefined || length > best.length)) {
      best = { prefix, length };
    }
  }
  return best?.prefix;
}

/**
 * The remote address widened to the granularity asked: `('203.0.113.7', '24')` → `203.0.113.0/24`.
 * IPv6 takes /64 for /24 and /48 for /16. An address in no known subnet or VNet stays itself.
 */
export function aggregateAddress(address: string, options: Pick<SynthesisOptions, 'granularity' | 'subnetPrefixes' | 'vnetPrefixes'>): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return address;
  }
  const network = (v4: number, v6: number): string => {
    const length = parsed.kind() === 'ipv4' ? v4 : v6;
    const text = parsed.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${length}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${length}`);
    return `${text.toString()}/${length}`;
  };
  switch (options.granularity) {
    case 'address':
      return parsed.toString();
    case '24':
      return network(24, 64);
    case '16':
      return network(16, 48);
    case 'subnet':
      return smallestContaining(options.subnetPrefixes, address) ?? parsed.toString();
    case 'vnet':
      return smallestContaining(options.vnetPrefixes, address) ?? parsed.toString();
  }
}

function ruleProtocol(protocol: number): { protocol: string; ports: boolean } {
  switch (protocol) {
    case 6:
      return { protocol: 'Tcp', ports: true };
    case 17:
      return { protocol: 'Udp', ports: true };
    case 1:
    case 58:
      return { protocol: 'Icmp', ports: false };
    case 50:
      return { protocol: 'Esp', ports: false };
    case 51:
      return { protocol: 'Ah', ports: false };
    default:
      return { protocol: '*', ports: false };
  }
}

/** `[22, 80, 8000, 8001, 8002]` → `['22', '80', '8000-8002']`. */
export function portRanges(ports: Iterable<number>): string[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let end = sorted[0];
  for (const port of sorted.slice(1)) {
    if (port === end + 1) {
      end = port;
      continue;
    }
    ranges.push(start === end ? String(start) : `${start}-${end}`);
    start = port;
    end = port;
  }
  if (sorted.length > 0) {
    ranges.push(start === end ? String(start) : `${start}-${end}`);
  }
  return ranges;
}

function sortTerms(terms: Iterable<string>): string[] {
  return [...new Set(terms)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** A rule name Azure accepts, unique among `taken` (compared case-insensitively). */
export function ruleName(wanted: string, taken: Set<string>): string {
  let base = wanted.replace(/[^\w.-]/g, '-').replace(/^[^\w]+/, '');
  base = base.length === 0 ? 'Rule' : base;
  const fit = (text: string, room: number): string => {
    const cut = text.slice(0, room);
    return /\w$/.test(cut) ? cut : cut.replace(/[^\w]+$/, '') || 'Rule';
  };
  let name = fit(base, maxNameLength);
  for (let n = 2; taken.has(name.toLowerCase()); n++) {
    const suffix = `-${n}`;
    name = `${fit(base, maxNameLength - suffix.length)}${suffix}`;
  }
  taken.add(name.toLowerCase());
  return name;
}

/** Priorities for `count` rules from 100 up, with gaps of 10 when they fit (room left between for later rules). */
export function spreadPriorities(count: number, last = lastPriority - 1): number[] {
  if (count === 0) {
    return [];
  }
  const room = last - firstPriority;
  if (count - 1 > room) {
    throw new Error(`${count} rules in one direction do not fit between priorities ${firstPriority} and ${last}.`);
  }
  const step = count === 1 ? 10 : Math.max(1, Math.min(10, Math.floor(room / (count - 1))));
  return Array.from({ length: count }, (_, index) => firstPriority + index * step);
}

function isAnyAddress(term: string): boolean {
  return term === '*' || term.toLowerCase() === 'any' || term === '0.0.0.0/0' || term === '::/0';
}

/** Why an allow rule is broad, from the remote side's view: empty when it is specific. */
export function broadReasons(rule: NsgRule): string[] {
  if (rule.access !== 'Allow') {
    return [];
  }
  const remote = rule.direction === 'Inbound' ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes;
  const reasons: string[] = [];
  const side = rule.direction === 'Inbound' ? 'source' : 'destination';
  if (remote.length === 0 || remote.some(isAnyAddress)) {
    reasons.push(`any ${side}`);
  } else {
    const tags = remote.filter((term) => !isAddressTerm(term));
    if (tags.length > 0) {
      reasons.push(`${side} ${tags.join(', ')}`);
    }
    const wide = remote.filter((term) => {
      const length = prefixLength(term);
      return length !== undefined && length < (term.includes(':') ? 48 : 16);
    });
    if (wide.length > 0) {
      reasons.push(`${side} ${wide.join(', ')}`);
    }
  }
  if (rule.destinationPortRanges.some((range) => range.trim() === '*')) {
    reasons.push(rule.protocol === '*' ? 'every protocol and port' : 'every port');
  } else {
    const ports = rule.destinationPortRanges.reduce((sum, range) => {
      const [low, high] = range.split('-').map(Number);
      return sum + (high === undefined ? 1 : high - low + 1);
    }, 0);
    if (ports > 100) {
      reasons.push(`${ports} ports`);
    }
  }
  return reasons;
}

interface AllowGroup {
  direction: RuleDirection;
  protocol: string;
  ports: Set<number>;
  remotes: Set<string>;
  locals: Set<string>;
  flows: number;
  count: number;
}

function directionsDenied(explicit: ExplicitDeny): Set<FlowDirection> {
  return new Set<FlowDirection>(explicit === 'both' ? ['inbound', 'outbound'] : explicit === 'none' ? [] : [explicit]);
}

function explicitDenyRule(direction: RuleDirection, name: string): NsgRule {
  return {
    name,
    priority: lastPriority,
    direction,
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefixes: ['*'],
    sourcePortRanges: ['*'],
    destinationAddressPrefixes: ['*'],
    destinationPortRanges: ['*'],
    description: `Denies all other ${direction.toLowerCase()} traffic.`,
  };
}

/**
 * Proposes rules for `scope.nsg` from the flows logged at its interfaces: specific allows for the
 * allowed traffic the rules kept after them would not allow anyway, the NSG's deny rules kept after
 * those, and the explicit deny asked for at 4096. Also lists the rules never hit and the broad
 * rules that carried traffic.
 */
export function proposeRules(scope: TightenScope, options: SynthesisOptions): TightenProposal {
  const nsgId = scope.nsg.id;
  const denied = directionsDenied(options.explicitDeny);
  const taken = new Set<string>();
  const kept = scope.nsg.rules.filter((rule) => rule.access === 'Deny' && !rule.isDefault);
  for (const rule of kept) {
    taken.add(rule.name.toLowerCase());
  }
  const denyNames = new Map<RuleDirection, string>();
  for (const direction of ['Inbound', 'Outbound'] as const) {
    if (denied.has(direction === 'Inbound' ? 'inbound' : 'outbound')) {
      denyNames.set(direction, ruleName(`Deny-All-${direction}`, taken));
    }
  }
  const after = (direction: RuleDirection): NsgRule[] => [...kept.filter((rule) => rule.direction === direction), ...(denyNames.has(direction) ? [explicitDenyRule(direction, denyNames.get(direction)!)] : [])];

  const usage = new Map<string, { rule: NsgRule; flows: number; count: number }>();
  const groups = new Map<string, AllowGroup>();
  let outside = 0;
  const unknownTerms = new Set<string>();
  for (const flow of scope.flows) {
    const nic = interfaceOf(flow, scope.interfaces);
    const level = nic === undefined ? undefined : nic.path.subnetNsg?.id === nsgId ? 'subnet' : nic.path.nicNsg?.id === nsgId ? 'nic' : undefined;
    if (nic === undefined || level === undefined) {
      outside++;
      continue;
    }
    const today = evaluatePath(nic.path, flow, nic.context).steps.find((step) => step.nsgId === nsgId);
    if (today !== undefined) {
      const key = `${today.verdict.rule.direction}|${today.verdict.rule.name}`;
      const used = usage.get(key) ?? { rule: today.verdict.rule, flows: 0, count: 0 };
      used.flows++;
      used.count += flow.count;
      usage.set(key, used);
      for (const term of today.verdict.unknown) {
        unknownTerms.add(`${term.rule} (${term.term})`);
      }
    }
    if (flow.decision !== 'allow') {
      continue;
    }
    const direction: RuleDirection = flow.direction === 'inbound' ? 'Inbound' : 'Outbound';
    // Traffic the rules that stay (kept denies, explicit deny, then Azure's defaults) allow anyway needs no rule.
    if (evaluateNsg(after(direction), flow, nic.context).access === 'Allow') {
      continue;
    }
    const { protocol, ports } = ruleProtocol(flow.protocol);
    const remote = remoteAddress(flow);
    const remoteTerm = direction === 'Inbound' && remote === hostVirtualIp ? 'AzureLoadBalancer' : aggregateAddress(remote, options);
    const key = [direction, protocol, remoteTerm, ports ? flow.dstPort : '*'].join('|');
    const group = groups.get(key) ?? { direction, protocol, ports: new Set<number>(), remotes: new Set([remoteTerm]), locals: new Set<string>(), flows: 0, count: 0 };
    if (ports) {
      group.ports.add(flow.dstPort);
    }
    group.locals.add(localAddress(flow));
    group.flows++;
    group.count += flow.count;
    groups.set(key, group);
  }

  // Remotes that reach the same local addresses on the same port share a rule; then rules that differ only in port share one.
  // A service tag stays alone: Azure takes a tag only in the single-valued prefix field, never in a list.
  const tagOf = (group: AllowGroup): string => [...group.remotes].find((remote) => !isAddressTerm(remote)) ?? '';
  const byLocals = mergeGroups([...groups.values()], (group) => [group.direction, group.protocol, [...group.ports].join(','), sortTerms(group.locals).join(','), tagOf(group)].join('|'), (into, group) => {
    group.remotes.forEach((remote) => into.remotes.add(remote));
  });
  const byPorts = mergeGroups(byLocals, (group) => [group.direction, group.protocol, sortTerms(group.remotes).join(','), sortTerms(group.locals).join(',')].join('|'), (into, group) => {
    group.ports.forEach((port) => into.ports.add(port));
  });

  const rules: ProposedRule[] = [];
  for (const direction of ['Inbound', 'Outbound'] as const) {
    const allows = byPorts
      .filter((group) => group.direction === direction)
      .sort((a, b) => b.count - a.count || a.protocol.localeCompare(b.protocol) || Math.min(...a.ports) - Math.min(...b.ports));
    const keptHere = kept.filter((rule) => rule.direction === direction).sort((a, b) => a.priority - b.priority);
    const priorities = spreadPriorities(allows.length + keptHere.length);
    allows.forEach((group, index) => {
      const ports = group.ports.size === 0 ? ['*'] : portRanges(group.ports);
      const remotes = sortTerms(group.remotes);
      const locals = sortTerms(group.locals);
      const from = remotes.length === 1 && !isAddressTerm(remotes[0]) ? `-${remotes[0]}` : '';
      const rule: NsgRule = {
        name: ruleName(`Allow-${direction === 'Inbound' ? 'In' : 'Out'}-${group.protocol === '*' ? 'Any' : group.protocol}${from}${ports[0] === '*' ? '' : `-${ports.join('-')}`}`, taken),
        priority: priorities[index],
        direction,
        access: 'Allow',
        protocol: group.protocol,
        sourceAddressPrefixes: direction === 'Inbound' ? remotes : locals,
        sourcePortRanges: ['*'],
        destinationAddressPrefixes: direction === 'Inbound' ? locals : remotes,
        destinationPortRanges: ports,
        description: `Allows traffic seen in flow logs (${group.count} tuple${group.count === 1 ? '' : 's'}).`,
      };
      rules.push({ rule, origin: 'allow', flows: group.flows, count: group.count });
    });
    keptHere.forEach((rule, index) => {
      rules.push({ rule: { ...rule, priority: priorities[allows.length + index] }, origin: 'kept', flows: 0, count: 0 });
    });
    const denyName = denyNames.get(direction);
    if (denyName !== undefined) {
      rules.push({ rule: explicitDenyRule(direction, denyName), origin: 'deny', flows: 0, count: 0 });
    }
  }

  // Kept and explicit denies: how many observed denied flows each decides with the proposal in place.
  const simulation = simulate(scope, rules.map((proposed) => proposed.rule));
  for (const simulated of [...simulation.stayDenied, ...simulation.becomeDenied]) {
    const step = simulated.after.steps.find((candidate) => candidate.nsgId === nsgId);
    const proposed = step === undefined ? undefined : rules.find((candidate) => candidate.origin !== 'allow' && candidate.rule.name === step.verdict.rule.name && candidate.rule.direction === step.verdict.rule.direction);
    if (proposed !== undefined) {
      proposed.flows++;
      proposed.count += simulated.flow.count;
    }
  }

  const hitKeys = new Set(usage.keys());
  const neverHit = scope.nsg.rules.filter((rule) => !rule.isDefault && !hitKeys.has(`${rule.direction}|${rule.name}`));
  const broad = [...usage.values()]
    .filter((used) => used.rule.access === 'Allow')
    .map((used) => ({ ...used, reasons: broadReasons(used.rule) }))
    .filter((used) => used.reasons.length > 0)
    .sort((a, b) => b.count - a.count);

  const notes: string[] = [];
  if (!denied.has('outbound') && scope.flows.some((flow) => flow.direction === 'outbound')) {
    notes.push('Outbound traffic stays allowed by the default rules AllowVnetOutBound and AllowInternetOutBound; choose an explicit outbound deny to restrict it to what was seen.');
  }
  if (!denied.has('inbound')) {
    notes.push('Inbound traffic from the virtual network and the Azure load balancer stays allowed by the default rules AllowVnetInBound and AllowAzureLoadBalancerInBound.');
  }
  if (denied.has('inbound')) {
    notes.push('The explicit inbound deny comes before the default rules: virtual-network traffic and Azure load balancer health probes (AzureLoadBalancer) not seen in the window are denied too.');
  }
  if (denied.has('outbound')) {
    notes.push('The explicit outbound deny comes before the default rules: outbound traffic not seen in the window, to the internet, Azure services or the virtual network, is denied.');
  }
  if (unknownTerms.size > 0) {
    notes.push(`Some rules name addresses not known here and were read as not matching: ${[...unknownTerms].sort().join(', ')}.`);
  }
  if (outside > 0) {
    notes.push(`${outside} flow${outside === 1 ? ' was' : 's were'} logged at interfaces this NSG does not filter and ${outside === 1 ? 'was' : 'were'} left out.`);
  }
  return { rules, neverHit, broad, outside, notes };
}

function mergeGroups(groups: AllowGroup[], keyOf: (group: AllowGroup) => string, merge: (into: AllowGroup, group: AllowGroup) => void): AllowGroup[] {
  const merged = new Map<string, AllowGroup>();
  for (const group of groups) {
    const key = keyOf(group);
    const into = merged.get(key);
    if (into === undefined) {
      merged.set(key, { ...group, ports: new Set(group.ports), remotes: new Set(group.remotes), locals: new Set(group.locals) });
      continue;
    }
    merge(into, group);
    into.flows += group.flows;
    into.count += group.count;
  }
  return [...merged.values()];
}

/**
 * Runs every observed flow through its interface's NSGs with `rules` in place of the NSG's rules
 * and sorts it by what changes against what was logged.
 */
export function simulate(scope: TightenScope, rules: readonly NsgRule[]): Simulation {
  const result: Simulation = { becomeDenied: [], stayDenied: [], becomeAllowed: [], stayAllowed: [], disagree: [] };
  for (const flow of scope.flows) {
    const nic = interfaceOf(flow, scope.interfaces);
    if (nic === undefined || (nic.path.subnetNsg?.id !== scope.nsg.id && nic.path.nicNsg?.id !== scope.nsg.id)) {
      continue;
    }
    const now = evaluatePath(nic.path, flow, nic.context);
    const after = evaluatePath(pathWith(nic.path, scope.nsg.id, rules), flow, nic.context);
    const simulated: SimulatedFlow = { flow, nic: nic.name, after };
    if ((now.access === 'Allow') !== (flow.decision === 'allow')) {
      result.disagree.push({ ...simulated, after: now });
    }
    if (flow.decision === 'allow') {
      (after.access === 'Allow' ? result.stayAllowed : result.becomeDenied).push(simulated);
    } else {
      (after.access === 'Allow' ? result.becomeAllowed : result.stayDenied).push(simulated);
    }
  }
  return result;
}

/**
 * The rules the user accepted: the proposal's allows they kept, then the kept denies, numbered again
 * from 100 per direction in the same order, and the explicit deny at 4096.
 */
export function acceptedRules(proposal: TightenProposal, acceptedAllowNames: ReadonlySet<string>): NsgRule[] {
  const chosen = proposal.rules.filter((proposed) => proposed.origin !== 'allow' || acceptedAllowNames.has(proposed.rule.name));
  const result: NsgRule[] = [];
  for (const direction of ['Inbound', 'Outbound'] as const) {
    const here = chosen.filter((proposed) => proposed.rule.direction === direction);
    const numbered = here.filter((proposed) => proposed.origin !== 'deny');
    const priorities = spreadPriorities(numbered.length);
    numbered.forEach((proposed, index) => result.push({ ...proposed.rule, priority: priorities[index] }));
    result.push(...here.filter((proposed) => proposed.origin === 'deny').map((proposed) => proposed.rule));
  }
  return result;
}
