/**
 * A flow seen on the wire, from any source that reports flows: the decoded flow-log blobs of a time
 * window, or a Traffic Analytics query. Rules are evaluated and proposed from these, so the type
 * carries only what every source can fill in, with counters optional where a source leaves them out.
 */

export type FlowDirection = 'inbound' | 'outbound';
export type FlowDecision = 'allow' | 'deny';

export interface ObservedFlow {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  /** IANA protocol number: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 50 ESP, 51 AH. */
  protocol: number;
  /** Relative to the network interface it was logged at. */
  direction: FlowDirection;
  /** What Azure decided for it (a flow denied anywhere on its path is logged as denied). */
  decision: FlowDecision;
  /** How many logged tuples (or query rows) this flow stands for; at least 1. */
  count: number;
  /** Packets and bytes both ways, when the source reports them. */
  packets?: number;
  bytes?: number;
  /** Epoch milliseconds UTC of its first and last sighting. */
  firstSeen: number;
  lastSeen: number;
  /** Lower-cased ARM id of the network interface it was logged for, when known. */
  nicId?: string;
  /** Lower-cased ARM id of what the flow log targets (an NSG, a VNet, a subnet or a NIC). */
  targetId?: string;
  /** MAC address of the interface (12 upper-case hex digits), when the source has it. */
  mac?: string;
  /** The rule Azure logged as deciding the flow (`UserRule_AllowWeb`, `DefaultRule_DenyAllInBound`), when logged. */
  rule?: string;
}

/** The address on the logging interface's side: the destination of an inbound flow, the source of an outbound one. */
export function localAddress(flow: Pick<ObservedFlow, 'direction' | 'srcIp' | 'dstIp'>): string {
  return flow.direction === 'inbound' ? flow.dstIp : flow.srcIp;
}

/** The address at the other end. */
export function remoteAddress(flow: Pick<ObservedFlow, 'direction' | 'srcIp' | 'dstIp'>): string {
  return flow.direction === 'inbound' ? flow.srcIp : flow.dstIp;
}

/** `TCP`, `UDP`, `ICMP`, … for what a person reads; the number for anything else. */
export function protocolName(protocol: number): string {
  switch (protocol) {
    case 6:
      return 'TCP';
    case 17:
      return 'UDP';
    case 1:
      return 'ICMP';
    case 58:
      return 'ICMPv6';
    case 50:
      return 'ESP';
    case 51:
      return 'AH';
    default:
      return `protocol ${protocol}`;
  }
}

/** `inbound TCP 203.0.113.7 → 10.1.1.4:443 (allowed, 12×)` */
export function describeFlow(flow: ObservedFlow): string {
  const port = flow.protocol === 6 || flow.protocol === 17 ? `:${flow.dstPort}` : '';
  return `${flow.direction} ${protocolName(flow.protocol)} ${flow.srcIp} → ${flow.dstIp}${port} (${flow.decision === 'allow' ? 'allowed' : 'denied'}, ${flow.count}×)`;
}

/**
 * Merges flows that differ only in their source port (the client's ephemeral port) and times, so
 * a day of connections to one service becomes one flow with a count. Keep the source ports when a
 * rule in play names source ports: then they change the verdict.
 */
export function mergeObservedFlows(flows: Iterable<ObservedFlow>, options: { keepSourcePorts?: boolean } = {}): ObservedFlow[] {
  const merged = new Map<string, ObservedFlow>();
  for (const flow of flows) {
    const key = [flow.nicId ?? flow.mac ?? flow.targetId ?? '', flow.direction, flow.decision, flow.protocol, flow.srcIp, options.keepSourcePorts ? flow.srcPort : '', flow.dstIp, flow.dstPort].join('|');
    const known = merged.get(key);
    if (known === undefined) {
      merged.set(key, { ...flow });
      continue;
    }
    known.count += flow.count;
    known.firstSeen = Math.min(known.firstSeen, flow.firstSeen);
    known.lastSeen = Math.max(known.lastSeen, flow.lastSeen);
    if (flow.packets !== undefined) {
      known.packets = (known.packets ?? 0) + flow.packets;
    }
    if (flow.bytes !== undefined) {
      known.bytes = (known.bytes ?? 0) + flow.bytes;
    }
  }
  return [...merged.values()];
}
