/** Tuples and connections as the viewer's table shows them. */
import { flagDecision, flagDirection, flagState, type FlowTable } from './flowTable';
import type { ViewRow } from '../core/viewerProtocol';
import type { ConnectionColumns } from './queryFilter';

const stateNames = ['none', 'begin', 'continuing', 'end', 'deny'] as const;

/** Protocol number as shown to people. */
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
    default:
      return String(protocol);
  }
}

const stateLabels: Record<(typeof stateNames)[number], string> = { none: '', begin: 'Begin', continuing: 'Continuing', end: 'End', deny: 'Deny' };

function stateLabel(flags: number): string {
  return stateLabels[flagState(flags) ?? 'none'];
}

function optionalCounter(value: number): number | undefined {
  return Number.isNaN(value) ? undefined : value;
}

function withTotals(row: ViewRow): ViewRow {
  if (row.packetsSrcToDst !== undefined || row.packetsDstToSrc !== undefined) {
    row.packets = (row.packetsSrcToDst ?? 0) + (row.packetsDstToSrc ?? 0);
  }
  if (row.bytesSrcToDst !== undefined || row.bytesDstToSrc !== undefined) {
    row.bytes = (row.bytesSrcToDst ?? 0) + (row.bytesDstToSrc ?? 0);
  }
  return row;
}

/** One tuple as the table shows it. */
export function tupleViewRow(table: FlowTable, row: number): ViewRow {
  const flags = table.flags[row];
  const context = table.contexts[table.context[row]];
  return withTotals({
    id: row,
    time: table.time[row],
    srcIp: table.ips.values[table.srcIp[row]],
    srcPort: table.srcPort[row],
    dstIp: table.ips.values[table.dstIp[row]],
    dstPort: table.dstPort[row],
    protocol: protocolName(table.protocol[row]),
    direction: flagDirection(flags),
    decision: flagDecision(flags),
    state: stateLabel(flags),
    encryption: table.encryptions.values[table.encryption[row]] ?? '',
    rule: context.rule,
    mac: context.mac,
    packetsSrcToDst: optionalCounter(table.packetsSrcToDst[row]),
    bytesSrcToDst: optionalCounter(table.bytesSrcToDst[row]),
    packetsDstToSrc: optionalCounter(table.packetsDstToSrc[row]),
    bytesDstToSrc: optionalCounter(table.bytesDstToSrc[row]),
  });
}

/** One connection as the table shows it: first tuple's endpoints, last tuple's decision and state, summed counters. */
export function connectionViewRow(table: FlowTable, connections: ConnectionColumns, index: number): ViewRow {
  const first = connections.tupleRows[connections.tupleRowStart[index]];
  const base = tupleViewRow(table, first);
  const flags = connections.finalFlags[index];
  return withTotals({
    ...base,
    id: index,
    time: connections.start[index],
    endTime: connections.end[index],
    durationMs: connections.end[index] - connections.start[index],
    decision: flagDecision(flags),
    state: stateLabel(flags),
    packets: undefined,
    bytes: undefined,
    packetsSrcToDst: optionalCounter(connections.packetsSrcToDst[index]),
    bytesSrcToDst: optionalCounter(connections.bytesSrcToDst[index]),
    packetsDstToSrc: optionalCounter(connections.packetsDstToSrc[index]),
    bytesDstToSrc: optionalCounter(connections.bytesDstToSrc[index]),
  });
}
