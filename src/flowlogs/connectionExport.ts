/**
 * Joined connections as CSV, NDJSON of their flat form, or ECS events (the first tuple's event
 * with the connection's totals, start, end and duration).
 */
import type { Connection } from './connections';
import type { FlowTable } from './flowTable';
import { csvField, isoTime, jsonText, transportName } from './exportText';
import { rowToEcsObject, type EcsOwners } from './ecsExport';

export const connectionColumns = [
  'start',
  'end',
  'durationMs',
  'srcIp',
  'srcPort',
  'dstIp',
  'dstPort',
  'protocol',
  'transport',
  'direction',
  'decision',
  'finalState',
  'packetsSrcToDst',
  'bytesSrcToDst',
  'packetsDstToSrc',
  'bytesDstToSrc',
  'tuples',
  'rule',
  'mac',
  'format',
  'resourceId',
  'targetResourceId',
  'aclId',
] as const;

export function flattenConnection(connection: Connection): Record<string, string | number> {
  const context = connection.context;
  const flat: Record<string, string | number> = {
    start: isoTime(connection.start),
    end: isoTime(connection.end),
    startMs: connection.start,
    endMs: connection.end,
    durationMs: connection.durationMs,
    srcIp: connection.srcIp,
    srcPort: connection.srcPort,
    dstIp: connection.dstIp,
    dstPort: connection.dstPort,
    protocol: connection.protocol,
    transport: transportName(connection.protocol),
    direction: connection.direction,
    decision: connection.decision,
  };
  if (connection.finalState !== undefined) {
    flat.finalState = connection.finalState;
  }
  for (const name of ['packetsSrcToDst', 'bytesSrcToDst', 'packetsDstToSrc', 'bytesDstToSrc'] as const) {
    const value = connection[name];
    if (value !== undefined) {
      flat[name] = value;
    }
  }
  flat.tuples = connection.tupleRows.length;
  flat.rule = connection.rule;
  flat.mac = connection.mac;
  flat.format = context.format;
  flat.resourceId = context.resourceId;
  if (context.targetResourceId !== undefined) {
    flat.targetResourceId = context.targetResourceId;
  }
  if (context.aclId !== undefined) {
    flat.aclId = context.aclId;
  }
  return flat;
}

export function connectionToCsv(connection: Connection): string {
  const flat = flattenConnection(connection);
  return `${connectionColumns.map((column) => csvField(flat[column])).join(',')}\r\n`;
}

export function connectionToNdjson(connection: Connection): string {
  return `${jsonText(flattenConnection(connection))}\n`;
}

/** ECS event of one joined connection: the first tuple's event with totals, start, end and duration. */
export function connectionToEcsObject(table: FlowTable, connection: Connection, owners?: EcsOwners): Record<string, unknown> {
  const first = table.rowAt(connection.tupleRows[0]);
  const event = rowToEcsObject(
    {
      ...first,
      time: connection.start,
      direction: connection.direction,
      decision: connection.decision,
      state: connection.finalState,
      packetsSrcToDst: connection.packetsSrcToDst,
      bytesSrcToDst: connection.bytesSrcToDst,
      packetsDstToSrc: connection.packetsDstToSrc,
      bytesDstToSrc: connection.bytesDstToSrc,
    },
    owners,
  );
  const ecsEvent = event.event as Record<string, unknown>;
  const types = ['connection', connection.decision === 'deny' ? 'denied' : 'allowed'];
  if (first.state === 'begin') {
    types.push('start');
  }
  if (connection.finalState === 'end') {
    types.push('end');
  }
  ecsEvent.type = types;
  ecsEvent.start = isoTime(connection.start);
  ecsEvent.end = isoTime(connection.end);
  ecsEvent.duration = connection.durationMs * 1e6;
  ecsEvent.action = connection.decision === 'deny' ? 'flow_denied' : 'connection';
  const flowlog = (event.azure as { flowlog: Record<string, unknown> }).flowlog;
  delete flowlog.tuple_index;
  flowlog.tuples = connection.tupleRows.length;
  return event;
}
