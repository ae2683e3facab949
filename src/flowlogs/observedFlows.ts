/**
 * Decoded flow-log tuples as observed flows (src/core/observedFlow.ts): what "Tighten NSG from
 * Traffic…" evaluates, whichever source the flows came from. Tuples that differ only in the
 * client's port and time are merged into one flow with a count. Pure: no `vscode`.
 */
import { mergeObservedFlows, type ObservedFlow } from '../core/observedFlow';
import type { FlowTable } from './flowTable';

export interface ObservedFlowOptions {
  /** The lower-cased id of the network interface with this MAC (12 upper-case hex digits), when known. */
  nicIdOfMac?(mac: string): string | undefined;
  /** Keep tuples inside `[from, to)` only (epoch ms); the blobs of an hour may hold a little of the next. */
  from?: number;
  to?: number;
  /** Keep the client's source port (when a rule in play names source ports). */
  keepSourcePorts?: boolean;
}

/** Every tuple of `table` as an observed flow, merged. */
export function observedFlowsFromTable(table: FlowTable, options: ObservedFlowOptions = {}): ObservedFlow[] {
  const flows: ObservedFlow[] = [];
  for (let index = 0; index < table.length; index++) {
    const row = table.rowAt(index);
    if ((options.from !== undefined && row.time < options.from) || (options.to !== undefined && row.time >= options.to)) {
      continue;
    }
    const packets = row.packetsSrcToDst === undefined && row.packetsDstToSrc === undefined ? undefined : (row.packetsSrcToDst ?? 0) + (row.packetsDstToSrc ?? 0);
    const bytes = row.bytesSrcToDst === undefined && row.bytesDstToSrc === undefined ? undefined : (row.bytesSrcToDst ?? 0) + (row.bytesDstToSrc ?? 0);
    const nicId = options.nicIdOfMac?.(row.context.mac);
    const targetId = (row.context.targetResourceId ?? row.context.resourceId).toLowerCase();
    flows.push({
      srcIp: row.srcIp,
      srcPort: row.srcPort,
      dstIp: row.dstIp,
      dstPort: row.dstPort,
      protocol: row.protocol,
      direction: row.direction,
      decision: row.decision,
      count: 1,
      ...(packets === undefined ? {} : { packets }),
      ...(bytes === undefined ? {} : { bytes }),
      firstSeen: row.time,
      lastSeen: row.time,
      ...(nicId === undefined ? {} : { nicId }),
      targetId,
      mac: row.context.mac,
      rule: row.context.rule,
    });
  }
  return mergeObservedFlows(flows, { keepSourcePorts: options.keepSourcePorts ?? false });
}
