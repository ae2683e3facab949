/**
 * Exports rows or connections as CSV (RFC 4180), NDJSON of the flat rows, or ECS-style NDJSON
 * for SIEMs (field mapping: docs/ecs-mapping.md).
 */
import { connectionAt, type Connection, type ConnectionTable } from './connections';
import { flagDecision, flagDirection, flagState, flagStateCode, type FlowRow, type FlowState, type FlowTable, type RecordContext } from './flowTable';
import { flowOwners, hasNoOwners, ownerLabel } from './addressOwners';
import type { AddressOwners, ExportFormat, NicOwner } from '../core/viewerProtocol';

/** Receives the export as UTF-8, in chunks that each end at a line end. */
export type WriteChunk = (chunk: Uint8Array) => void | Promise<void>;

/** Write in chunks of about this many bytes. */
const chunkBytes = 1024 * 1024;
/** A chunk counts as full when less than this is left, which most lines fit in. */
const chunkSlack = 16 * 1024;

const stateLetters: Record<FlowState, string> = { begin: 'B', continuing: 'C', end: 'E', deny: 'D' };

/** IANA protocol number → lower-case name as ECS `network.transport` uses it. */
export function transportName(protocol: number): string {
  switch (protocol) {
    case 1:
      return 'icmp';
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 47:
      return 'gre';
    case 50:
      return 'esp';
    case 51:
      return 'ah';
    case 58:
      return 'ipv6-icmp';
    case 132:
      return 'sctp';
    default:
      return String(protocol);
  }
}

/** ISO-8601 UTC with milliseconds, or '' for a time that is not a number. */
export function isoTime(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : '';
}

/**
 * One CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). Text that a
 * spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, TAB, CR or LF, as
 * OWASP "CSV Injection" lists them) gets a leading `'` and quotes: `=1+2` → `"'=1+2"`. Numbers
 * are written as they are, so a negative count stays a number.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    return '';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (formulaStart.test(value)) {
    return `"'${value.replace(/"/g, '""')}"`;
  }
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const formulaStart = /^[=+\-@\t\r\n]/;

/**
 * JSON text of a value with U+2028 and U+2029 escaped too: JSON.stringify leaves them as they
 * are, and JavaScript before ES2019 and some line-based readers take them for line ends, which
 * would split an NDJSON line.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(lineSeparators, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
}

const lineSeparators = /[\u2028\u2029]/g;

/**
 * `jsonText` of plain data (strings, numbers, booleans, null, arrays and objects of them), with
 * the text of each string kept in `strings`: for the many objects built from few distinct values.
 */
function cachedJsonText(value: unknown, strings: Map<string, string>): string {
  if (typeof value === 'string') {
    let text = strings.get(value);
    if (text === undefined) {
      text = jsonText(value);
      strings.set(value, text);
    }
    return text;
  }
  if (value === null || typeof value !== 'object') {
    return jsonText(value);
  }
  if (Array.isArray(value)) {
    // As JSON.stringify: undefined in a list is null.
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : cachedJsonText(item, strings))).join(',')}]`;
  }
  return `{${cachedJsonMembers(value as Record<string, unknown>, strings)}}`;
}

/** The members of an object's `cachedJsonText`, without the braces; undefined ones left out, as JSON.stringify does. */
function cachedJsonMembers(value: Record<string, unknown>, strings: Map<string, string>): string {
  let text = '';
  for (const name of Object.keys(value)) {
    const member = value[name];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') {
      continue;
    }
    text += `${text.length > 0 ? ',' : ''}${cachedJsonText(name, strings)}:${cachedJsonText(member, strings)}`;
  }
  return text;
}

export const rowColumns = [
  'time',
  'srcIp',
  'srcPort',
  'dstIp',
  'dstPort',
  'protocol',
  'transport',
  'direction',
  'decision',
  'state',
  'encryption',
  'packetsSrcToDst',
  'bytesSrcToDst',
  'packetsDstToSrc',
  'bytesDstToSrc',
  'rule',
  'mac',
  'format',
  'version',
  'resourceId',
  'targetResourceId',
  'aclId',
  'recordTime',
  'recordIndex',
  'recordOffset',
  'tupleIndex',
] as const;

/**
 * The flat form of a row shared by CSV and NDJSON: the FlowRow fields with its context
 * spread in, `time` as ISO-8601 UTC (and `timeMs` as epoch ms in NDJSON), absent counters left out.
 */
export function flattenRow(row: FlowRow): Record<string, string | number> {
  const context = row.context;
  const flat: Record<string, string | number> = {
    time: isoTime(row.time),
    timeMs: row.time,
    srcIp: row.srcIp,
    srcPort: row.srcPort,
    dstIp: row.dstIp,
    dstPort: row.dstPort,
    protocol: row.protocol,
    transport: transportName(row.protocol),
    direction: row.direction,
    decision: row.decision,
  };
  if (row.state !== undefined) {
    flat.state = row.state;
  }
  if (row.encryption !== undefined) {
    flat.encryption = row.encryption;
  }
  for (const name of ['packetsSrcToDst', 'bytesSrcToDst', 'packetsDstToSrc', 'bytesDstToSrc'] as const) {
    const value = row[name];
    if (value !== undefined) {
      flat[name] = value;
    }
  }
  flat.rule = context.rule;
  flat.mac = context.mac;
  flat.format = context.format;
  flat.version = context.version;
  flat.resourceId = context.resourceId;
  if (context.targetResourceId !== undefined) {
    flat.targetResourceId = context.targetResourceId;
  }
  if (context.aclId !== undefined) {
    flat.aclId = context.aclId;
  }
  flat.recordTime = context.recordTime;
  flat.recordIndex = context.recordIndex;
  flat.recordOffset = context.recordOffset;
  flat.tupleIndex = row.tupleIndex;
  return flat;
}

export function csvHeader(columns: readonly string[]): string {
  return `${columns.join(',')}\r\n`;
}

export function rowToCsv(row: FlowRow): string {
  const flat = flattenRow(row);
  return `${rowColumns.map((column) => csvField(flat[column])).join(',')}\r\n`;
}

export function rowToNdjson(row: FlowRow): string {
  return `${jsonText(flattenRow(row))}\n`;
}

/** The NICs (and VMs) the signed-in inventory names for a flow's ends and for the MAC that logged it. */
export interface EcsOwners {
  src?: NicOwner;
  dst?: NicOwner;
  logged?: NicOwner;
}

/**
 * ECS `event.code`: the record's `operationName` as logged (`NetworkSecurityGroupFlowEvents`,
 * `FlowLogFlowEvent`; FORMATS.md §2, §4), undefined (the field left out) when the record has none.
 */
export function operationName(context: RecordContext): string | undefined {
  return context.operationName;
}

/** A MAC as ECS writes it (RFC 7042: upper-case octets joined by hyphens): `000d3af87856` → `00-0D-3A-F8-78-56`. */
export function ecsMac(mac: string): string {
  if (!/^[0-9A-Fa-f]{12}$/.test(mac)) {
    return mac;
  }
  const upper = mac.toUpperCase();
  return `${upper.slice(0, 2)}-${upper.slice(2, 4)}-${upper.slice(4, 6)}-${upper.slice(6, 8)}-${upper.slice(8, 10)}-${upper.slice(10, 12)}`;
}

/** ECS `event.type`: `connection`, the verdict, and `start` / `end` for a flow's begin / end tuple. */
function eventTypes(denied: boolean, state: FlowState | undefined): string[] {
  const types = ['connection', denied ? 'denied' : 'allowed'];
  if (state === 'begin') {
    types.push('start');
  } else if (state === 'end') {
    types.push('end');
  }
  return types;
}

/**
 * ECS event of one tuple (field by field in docs/ecs-mapping.md). `owners` adds the NIC/VM
 * names the inventory knows: `source.domain` / `destination.domain`, `host.name` and the NIC
 * names under `azure.flowlog`.
 */
export function rowToEcsObject(row: FlowRow, owners: EcsOwners = {}): Record<string, unknown> {
  const context = row.context;
  const denied = row.decision === 'deny';
  const inbound = row.direction === 'inbound';
  const mac = ecsMac(context.mac);
  const source: Record<string, unknown> = { ip: row.srcIp, port: row.srcPort };
  const destination: Record<string, unknown> = { ip: row.dstIp, port: row.dstPort };
  // The MAC is the logging NIC's: the destination of inbound traffic, the source of outbound.
  (inbound ? destination : source).mac = mac;
  setIfDefined(source, 'domain', owners.src === undefined ? undefined : (owners.src.vm ?? owners.src.nic));
  setIfDefined(destination, 'domain', owners.dst === undefined ? undefined : (owners.dst.vm ?? owners.dst.nic));
  setIfDefined(source, 'packets', row.packetsSrcToDst);
  setIfDefined(source, 'bytes', row.bytesSrcToDst);
  setIfDefined(destination, 'packets', row.packetsDstToSrc);
  setIfDefined(destination, 'bytes', row.bytesDstToSrc);
  const network: Record<string, unknown> = {
    transport: transportName(row.protocol),
    iana_number: String(row.protocol),
    direction: inbound ? 'ingress' : 'egress',
    type: row.srcIp.includes(':') ? 'ipv6' : 'ipv4',
  };
  setIfDefined(network, 'bytes', sumDefined(row.bytesSrcToDst, row.bytesDstToSrc));
  setIfDefined(network, 'packets', sumDefined(row.packetsSrcToDst, row.packetsDstToSrc));
  const event: Record<string, unknown> = {
    kind: 'event',
    category: ['network'],
    type: eventTypes(denied, row.state),
    action: denied ? 'flow_denied' : flowAction(row.state),
    code: operationName(context),
    outcome: 'success',
    provider: context.format === 'nsg' ? 'NetworkSecurityGroupFlowEvent' : 'FlowLogFlowEvent',
    created: context.recordTime,
  };
  const flowlog: Record<string, unknown> = {
    format: context.format,
    version: context.version,
    mac: context.mac,
    record_time: context.recordTime,
    record_index: context.recordIndex,
    tuple_index: row.tupleIndex,
  };
  setIfDefined(flowlog, 'state', row.state === undefined ? undefined : stateLetters[row.state]);
  setIfDefined(flowlog, 'encryption', row.encryption);
  Object.assign(flowlog, contextFlowlog(context));
  setIfDefined(flowlog, 'source_nic', owners.src?.nic);
  setIfDefined(flowlog, 'destination_nic', owners.dst?.nic);
  const document: Record<string, unknown> = {
    '@timestamp': isoTime(row.time),
    ecs: { version: '8.11.0' },
    event,
    source,
    destination,
    network,
    related: { ip: row.srcIp === row.dstIp ? [row.srcIp] : [row.srcIp, row.dstIp] },
    ...contextOuter(context),
    azure: { flowlog },
  };
  if (owners.logged !== undefined) {
    document.host = { name: owners.logged.vm ?? owners.logged.nic };
  }
  return document;
}

/** The members of `azure.flowlog` that come from the record, after the tuple's own. */
function contextFlowlog(context: RecordContext): Record<string, unknown> {
  const flowlog: Record<string, unknown> = {};
  setIfDefined(flowlog, 'acl_id', context.aclId);
  if (context.format === 'vnet') {
    flowlog.flow_log_id = context.resourceId;
    setIfDefined(flowlog, 'flow_log_guid', context.flowLogGuid);
    setIfDefined(flowlog, 'target_resource_id', context.targetResourceId);
  } else {
    flowlog.nsg_id = context.resourceId;
    setIfDefined(flowlog, 'system_id', context.systemId);
  }
  return flowlog;
}

/** `rule`, `observer` and `cloud`, which come from the record. */
function contextOuter(context: RecordContext): Record<string, unknown> {
  const resourceId = context.format === 'vnet' ? (context.targetResourceId ?? context.resourceId) : context.resourceId;
  const subscription = /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];
  const cloud: Record<string, unknown> = { provider: 'azure', service: { name: 'Network Watcher' } };
  if (subscription !== undefined) {
    cloud.account = { id: subscription.toLowerCase() };
  }
  return {
    rule: { name: context.rule },
    observer: { vendor: 'Microsoft', product: 'Azure Network Watcher', type: 'firewall', name: lastSegment(context.targetResourceId ?? context.resourceId) },
    cloud,
  };
}

export function rowToEcs(row: FlowRow, owners?: EcsOwners): string {
  return `${jsonText(rowToEcsObject(row, owners))}\n`;
}

function flowAction(state: FlowState | undefined): string {
  switch (state) {
    case 'begin':
      return 'flow_started';
    case 'continuing':
      return 'flow_continued';
    case 'end':
      return 'flow_ended';
    default:
      return 'flow_allowed';
  }
}

function lastSegment(resourceId: string): string {
  return resourceId.slice(resourceId.lastIndexOf('/') + 1);
}

function setIfDefined(target: Record<string, unknown>, name: string, value: unknown): void {
  if (value !== undefined) {
    target[name] = value;
  }
}

function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) {
    return undefined;
  }
  return (a ?? 0) + (b ?? 0);
}

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

export interface ExportOptions {
  /** False to leave out the CSV header line. */
  header?: boolean;
  /** The NICs the signed-in inventory knows: adds the NIC/VM of each end (see `withOwners`). */
  owners?: AddressOwners;
  /**
   * Buffers to reuse, for a `write` that is done with a chunk when its promise resolves: then the
   * next chunk fills while the last one is written. Without it, each chunk is a new buffer.
   */
  chunkPool?: ChunkPool;
}

/** CSV columns (and NDJSON members) added when the inventory names NICs: `nic (vm)` of each end. */
export const ownerColumns = ['srcOwner', 'dstOwner'] as const;

function quoted(text: string): string {
  return jsonText(text);
}

/**
 * Adds the NIC/VM of a flow's ends to one CSV or NDJSON line: `srcOwner` and `dstOwner`
 * (`nic-web-01 (vm-web-01)`, empty or left out when unknown). ECS events get theirs as members
 * of the document (`rowToEcsObject`).
 */
export function withOwners(line: string, format: 'csv' | 'ndjson', ends: { src?: NicOwner; dst?: NicOwner }): string {
  if (format === 'csv') {
    return `${line.slice(0, -2)},${csvField(ownerLabel(ends.src))},${csvField(ownerLabel(ends.dst))}\r\n`;
  }
  if (ends.src === undefined && ends.dst === undefined) {
    return line;
  }
  let text = line.slice(0, -2);
  if (ends.src !== undefined) {
    text += `,"srcOwner":${quoted(ownerLabel(ends.src))}`;
  }
  if (ends.dst !== undefined) {
    text += `,"dstOwner":${quoted(ownerLabel(ends.dst))}`;
  }
  return `${text}}\n`;
}

/**
 * Chunk buffers to fill again once their write has finished, for a `write` that is done with a
 * chunk when its promise resolves (as `openExportOutput`'s is). One pool serves every batch of an
 * export: two buffers, one being written while the other fills, instead of a new megabyte per chunk
 * for the garbage collector to find.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(chunkBytes);
  }

  give(buffer: Buffer): void {
    this.free.push(buffer);
  }
}

/**
 * Encodes lines as UTF-8 straight into chunks of about `chunkBytes` and hands each chunk to
 * `write` whole: no joining of many small strings, and the stream gets bytes it need not encode.
 * With a pool, the next chunk fills while the last one is written.
 */
class ChunkWriter {
  /** The chunk being filled; byte writers append at `size` after `reserve`. */
  buffer: Buffer;
  size = 0;
  /** The write of the previous chunk (with a pool), and its error. */
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly write: WriteChunk,
    private readonly pool?: ChunkPool,
  ) {
    this.buffer = pool === undefined ? Buffer.allocUnsafe(chunkBytes) : pool.take();
  }

  /** Adds the text; true when the chunk is full and `flush` should be awaited (one await per chunk, not per row). */
  push(text: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const room = this.buffer.length - this.size;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      this.grow(Buffer.byteLength(text));
    }
    this.size += this.buffer.write(text, this.size, 'utf8');
    return this.size >= chunkBytes - chunkSlack;
  }

  async add(text: string): Promise<void> {
    if (this.push(text)) {
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.size === 0) {
      return;
    }
    const full = this.buffer;
    const chunk = full.subarray(0, this.size);
    this.size = 0;
    const pool = this.pool;
    if (pool === undefined) {
      // The stream may still hold the chunk: the next one goes into a new buffer.
      this.buffer = Buffer.allocUnsafe(chunkBytes);
      await this.write(chunk);
      return;
    }
    await this.settle();
    this.inFlight = Promise.resolve(this.write(chunk)).then(
      () => pool.give(full),
      (error: unknown) => {
        this.failure = error;
      },
    );
    this.buffer = pool.take();
  }

  /** Writes what is left and waits for every write; the buffer goes back to the pool. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    if (this.pool !== undefined) {
      this.pool.give(this.buffer);
    }
  }

  private async settle(): Promise<void> {
    if (this.inFlight !== undefined) {
      await this.inFlight;
      this.inFlight = undefined;
    }
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }

  /** Makes room for `bytes` more bytes at `size`. */
  reserve(bytes: number): void {
    if (this.buffer.length - this.size < bytes) {
      this.grow(bytes);
    }
  }

  /** True when the chunk is full and `flush` should be awaited. */
  get isFull(): boolean {
    return this.size >= chunkBytes - chunkSlack;
  }

  /** Room for a line longer than what is left (a row with very long names). */
  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(chunkBytes, this.size + needed));
    this.buffer.copy(bigger, 0, 0, this.size);
    this.buffer = bigger;
  }
}

let identity = new Uint32Array(0);

/** The row numbers 0 … length - 1, to export a whole table (a view of one shared array: read it, never change it). */
export function rowRange(length: number): Uint32Array {
  if (identity.length < length) {
    identity = new Uint32Array(Math.max(length, identity.length * 2));
    for (let i = 0; i < identity.length; i++) {
      identity[i] = i;
    }
  }
  return identity.subarray(0, length);
}

function* indexesOf(values: Iterable<number> | ArrayLike<number>): Iterable<number> {
  if (Symbol.iterator in Object(values)) {
    yield* values as Iterable<number>;
    return;
  }
  const list = values as ArrayLike<number>;
  for (let i = 0; i < list.length; i++) {
    yield list[i];
  }
}

/** Writes the given rows; returns how many were written. */
export async function exportRows(
  table: FlowTable,
  rows: Iterable<number> | ArrayLike<number>,
  format: ExportFormat,
  write: WriteChunk,
  options: ExportOptions = {},
): Promise<number> {
  const writer = new ChunkWriter(write, options.chunkPool);
  const owners = hasNoOwners(options.owners) ? undefined : options.owners;
  if (format === 'csv' && options.header !== false) {
    await writer.add(csvHeader(owners === undefined ? rowColumns : [...rowColumns, ...ownerColumns]));
  }
  const ecs = format === 'ecs' ? new EcsTextCache(table) : undefined;
  const flat = format === 'ecs' ? undefined : new RowTextCache(table, format);
  let count = 0;
  // Typed arrays and arrays are read by index: a generator step per row costs more than the row.
  const list = ArrayBuffer.isView(rows) || Array.isArray(rows) ? (rows as ArrayLike<number>) : undefined;
  const iterator = list === undefined ? indexesOf(rows)[Symbol.iterator]() : undefined;
  for (let i = 0; ; i++) {
    let row: number;
    if (list !== undefined) {
      if (i >= list.length) {
        break;
      }
      row = list[i];
    } else {
      const next = (iterator as Iterator<number>).next();
      if (next.done === true) {
        break;
      }
      row = next.value;
    }
    let ends: EcsOwners | undefined;
    if (owners !== undefined) {
      const context = table.contexts[table.context[row]];
      ends = flowOwners(owners, { srcIp: table.ips.values[table.srcIp[row]], dstIp: table.ips.values[table.dstIp[row]], direction: flagDirection(table.flags[row]), mac: context.mac });
      ends.logged = owners.byMac[context.mac];
    }
    let text: string;
    if (ecs !== undefined && ends === undefined) {
      ecs.writeRow(row, writer);
      if (writer.isFull) {
        await writer.flush();
      }
      count++;
      continue;
    } else if (ecs !== undefined) {
      text = ecs.row(row, ends);
    } else if (ends === undefined) {
      (flat as RowTextCache).writeRow(row, writer);
      if (writer.isFull) {
        await writer.flush();
      }
      count++;
      continue;
    } else {
      text = (flat as RowTextCache).row(row);
      if (ends !== undefined) {
        text = withOwners(text, format as 'csv' | 'ndjson', ends);
      }
    }
    if (writer.push(text)) {
      await writer.flush();
    }
    count++;
  }
  await writer.finish();
  return count;
}

const counterColumns = ['packetsSrcToDst', 'bytesSrcToDst', 'packetsDstToSrc', 'bytesDstToSrc'] as const;

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const emptyBytes = Buffer.alloc(0);

/** Flags & 3 (direction bit 1 outbound, bit 2 deny) → direction and decision. */
const directionsAndDecisions = ['"inbound","decision":"allow"', '"outbound","decision":"allow"', '"inbound","decision":"deny"', '"outbound","decision":"deny"'];
const stateNames = ['', 'begin', 'continuing', 'end', 'deny'];

/** The constant parts of an NDJSON row, in the order `RowTextCache.writeRow` writes them. */
const ndjsonBytes = {
  time: ascii('{"time":"'),
  timeMs: ascii('","timeMs":'),
  srcIp: ascii(',"srcIp":'),
  srcPort: ascii(',"srcPort":'),
  dstIp: ascii(',"dstIp":'),
  dstPort: ascii(',"dstPort":'),
  protocol: ascii(',"protocol":'),
  transport: ascii(',"transport":'),
  direction: directionsAndDecisions.map((text) => ascii(`,"direction":${text}`)),
  state: stateNames.map((state) => ascii(state === '' ? '' : `,"state":"${state}"`)),
  counters: counterColumns.map((name) => ascii(`,"${name}":`)),
  end: ascii('}\n'),
};

/** The same for CSV, where absent values are empty cells. */
const csvBytes = {
  time: emptyBytes,
  srcIp: ascii(','),
  srcPort: ascii(','),
  dstIp: ascii(','),
  dstPort: ascii(','),
  protocol: ascii(','),
  transport: ascii(','),
  direction: directionsAndDecisions.map((text) => ascii(`,${text.replace('","decision":"', ',').replace(/"/g, '')}`)),
  state: stateNames.map((state) => ascii(`,${state}`)),
  counters: counterColumns.map(() => ascii(',')),
  comma: ascii(','),
  end: ascii('\r\n'),
};

/**
 * Writes rows as CSV or NDJSON straight from the table's columns, reusing the text of what
 * repeats (addresses, a context's fields, the last timestamp). Produces exactly what
 * `rowToCsv` / `rowToNdjson` produce for `table.rowAt(row)`.
 */
class RowTextCache {
  private readonly ips: string[] = [];
  private readonly ipBytes: Buffer[] = [];
  private readonly transports: string[] = [];
  private readonly transportBytes: Buffer[] = [];
  private readonly encryptions: string[] = [];
  private readonly encryptionBytes: Buffer[] = [];
  private readonly contexts = new Map<RecordContext, string>();
  private readonly contextBytes = new Map<RecordContext, Buffer>();
  private lastContext: RecordContext | undefined;
  private lastContextBytes: Buffer = emptyBytes;
  /** CSV cell or JSON text of context field values. */
  private readonly fields = new Map<string | number, string>();
  private readonly times = new IsoTimeCache();
  private lastTime = NaN;
  private lastTimeText = '';

  constructor(
    private readonly table: FlowTable,
    private readonly format: 'csv' | 'ndjson',
  ) {}

  row(row: number): string {
    const table = this.table;
    const flags = table.flags[row];
    const state = flagState(flags);
    const encryption = table.encryption[row] === 0 ? undefined : table.encryptions.values[table.encryption[row]];
    const protocol = table.protocol[row];
    const context = table.contexts[table.context[row]];
    const time = table.time[row];
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeText = this.times.text(time);
    }
    const src = this.ip(table.srcIp[row]);
    const dst = this.ip(table.dstIp[row]);
    if (this.format === 'csv') {
      // Numbers never need quoting in CSV; an absent counter is an empty cell.
      const packetsSrcToDst = table.packetsSrcToDst[row];
      const bytesSrcToDst = table.bytesSrcToDst[row];
      const packetsDstToSrc = table.packetsDstToSrc[row];
      const bytesDstToSrc = table.bytesDstToSrc[row];
      const counters = `${packetsSrcToDst === packetsSrcToDst ? packetsSrcToDst : ''},${bytesSrcToDst === bytesSrcToDst ? bytesSrcToDst : ''},${packetsDstToSrc === packetsDstToSrc ? packetsDstToSrc : ''},${bytesDstToSrc === bytesDstToSrc ? bytesDstToSrc : ''}`;
      return `${this.lastTimeText},${src},${table.srcPort[row]},${dst},${table.dstPort[row]},${protocol},${this.transport(protocol)},${flagDirection(flags)},${flagDecision(flags)},${state ?? ''},${encryption === undefined ? '' : this.encryption(table.encryption[row], encryption)},${counters},${this.context(context)},${table.tupleIndex[row]}\r\n`;
    }
    let text = `{"time":"${this.lastTimeText}","timeMs":${Number.isFinite(time) ? time : 'null'},"srcIp":${src},"srcPort":${table.srcPort[row]},"dstIp":${dst},"dstPort":${table.dstPort[row]},"protocol":${protocol},"transport":${this.transport(protocol)},"direction":"${flagDirection(flags)}","decision":"${flagDecision(flags)}"`;
    if (state !== undefined) {
      text += `,"state":"${state}"`;
    }
    if (encryption !== undefined) {
      text += `,"encryption":${this.encryption(table.encryption[row], encryption)}`;
    }
    for (const name of counterColumns) {
      const value = table[name][row];
      if (!Number.isNaN(value)) {
        text += `,"${name}":${value}`;
      }
    }
    return `${text},${this.context(context)},"tupleIndex":${table.tupleIndex[row]}}\n`;
  }

  /**
   * `row(row)` as UTF-8 straight into the writer's chunk, without making the line's string
   * (the same bytes: a unit test compares them).
   */
  writeRow(row: number, writer: ChunkWriter): void {
    const table = this.table;
    const csv = this.format === 'csv';
    const flags = table.flags[row];
    const stateCode = flagStateCode(flags);
    const encryption = table.encryption[row];
    const protocol = table.protocol[row];
    const context = table.contexts[table.context[row]];
    const time = table.time[row];
    const srcIndex = table.srcIp[row];
    const dstIndex = table.dstIp[row];
    this.ip(srcIndex);
    this.ip(dstIndex);
    const src = this.ipBytes[srcIndex];
    const dst = this.ipBytes[dstIndex];
    const contextBytes = this.contextPiece(context);
    const encryptionBytes = encryption === 0 ? undefined : this.encryptionPiece(encryption);
    // The constant parts and numbers take well under 1 KB; the rest is counted.
    writer.reserve(1024 + src.length + dst.length + contextBytes.length + (encryptionBytes?.length ?? 0));
    const pieces = csv ? csvBytes : ndjsonBytes;
    put(writer, pieces.time);
    this.times.put(time, writer);
    if (!csv) {
      put(writer, ndjsonBytes.timeMs);
      if (Number.isFinite(time)) {
        putNumber(writer, time);
      } else {
        putAscii(writer, 'null');
      }
    }
    put(writer, pieces.srcIp);
    put(writer, src);
    put(writer, pieces.srcPort);
    putNumber(writer, table.srcPort[row]);
    put(writer, pieces.dstIp);
    put(writer, dst);
    put(writer, pieces.dstPort);
    putNumber(writer, table.dstPort[row]);
    put(writer, pieces.protocol);
    putNumber(writer, protocol);
    put(writer, pieces.transport);
    put(writer, this.transportPiece(protocol));
    put(writer, pieces.direction[flags & 3]);
    put(writer, pieces.state[stateCode]);
    if (encryptionBytes !== undefined) {
      put(writer, encryptionBytes);
    } else if (csv) {
      put(writer, csvBytes.comma);
    }
    for (let i = 0; i < counterColumns.length; i++) {
      const value = table[counterColumns[i]][row];
      if (value === value) {
        put(writer, pieces.counters[i]);
        putNumber(writer, value);
      } else if (csv) {
        put(writer, csvBytes.comma);
      }
    }
    put(writer, contextBytes);
    putNumber(writer, table.tupleIndex[row]);
    put(writer, pieces.end);
  }

  private contextPiece(context: RecordContext): Buffer {
    // Rows of one rule group are consecutive and share their context.
    if (context === this.lastContext) {
      return this.lastContextBytes;
    }
    let bytes = this.contextBytes.get(context);
    if (bytes === undefined) {
      bytes = Buffer.from(this.format === 'csv' ? `,${this.context(context)},` : `,${this.context(context)},"tupleIndex":`, 'utf8');
      this.contextBytes.set(context, bytes);
    }
    this.lastContext = context;
    this.lastContextBytes = bytes;
    return bytes;
  }

  private encryptionPiece(index: number): Buffer {
    let bytes = this.encryptionBytes[index];
    if (bytes === undefined) {
      const text = this.encryption(index, this.table.encryptions.values[index]);
      bytes = Buffer.from(this.format === 'csv' ? `,${text}` : `,"encryption":${text}`, 'utf8');
      this.encryptionBytes[index] = bytes;
    }
    return bytes;
  }

  private transportPiece(protocol: number): Buffer {
    let bytes = this.transportBytes[protocol];
    if (bytes === undefined) {
      bytes = Buffer.from(this.transport(protocol), 'utf8');
      this.transportBytes[protocol] = bytes;
    }
    return bytes;
  }

  /** CSV cell or JSON string of a transport name. */
  private transport(protocol: number): string {
    let text = this.transports[protocol];
    if (text === undefined) {
      text = this.format === 'csv' ? csvField(transportName(protocol)) : jsonText(transportName(protocol));
      this.transports[protocol] = text;
    }
    return text;
  }

  /** CSV cell or JSON string of an encryption value. */
  private encryption(index: number, value: string): string {
    let text = this.encryptions[index];
    if (text === undefined) {
      text = this.format === 'csv' ? csvField(value) : jsonText(value);
      this.encryptions[index] = text;
    }
    return text;
  }

  private ip(index: number): string {
    let text = this.ips[index];
    if (text === undefined) {
      const value = this.table.ips.values[index];
      text = this.format === 'csv' ? csvField(value) : jsonText(value);
      this.ips[index] = text;
      this.ipBytes[index] = Buffer.from(text, 'utf8');
    }
    return text;
  }

  /** The context's fields from `rule` to `recordOffset`, as CSV cells or JSON members. */
  private context(context: RecordContext): string {
    let text = this.contexts.get(context);
    if (text === undefined) {
      // Every record has its own contexts, but most of their fields repeat: their text is kept by value.
      const field = (value: string | number | undefined): string => {
        if (value === undefined) {
          return '';
        }
        let cell = this.fields.get(value);
        if (cell === undefined) {
          cell = this.format === 'csv' ? csvField(value) : jsonText(value);
          this.fields.set(value, cell);
        }
        return cell;
      };
      if (this.format === 'csv') {
        text = `${field(context.rule)},${field(context.mac)},${field(context.format)},${field(context.version)},${field(context.resourceId)},${field(context.targetResourceId)},${field(context.aclId)},${csvField(context.recordTime)},${csvField(context.recordIndex)},${csvField(context.recordOffset)}`;
      } else {
        // The members that are present, in the order of the CSV columns.
        text = `"rule":${field(context.rule)},"mac":${field(context.mac)},"format":${field(context.format)},"version":${field(context.version)},"resourceId":${field(context.resourceId)}`;
        if (context.targetResourceId !== undefined) {
          text += `,"targetResourceId":${field(context.targetResourceId)}`;
        }
        if (context.aclId !== undefined) {
          text += `,"aclId":${field(context.aclId)}`;
        }
        text += `,"recordTime":${jsonText(context.recordTime)},"recordIndex":${jsonText(context.recordIndex)},"recordOffset":${jsonText(context.recordOffset)}`;
      }
      this.contexts.set(context, text);
    }
    return text;
  }
}

/**
 * `isoTime` for many timestamps: the text up to the minute is made once per minute (by
 * `Date.toISOString`) and the seconds and milliseconds appended, which gives the same text.
 */
class IsoTimeCache {
  private readonly minutes = new Float64Array(1024).fill(NaN);
  private readonly prefixes: string[] = new Array<string>(1024).fill('');

  text(epochMs: number): string {
    // Whole milliseconds from 1970 to the year 9999 have the fixed-width form; the rest go the general way.
    if (!(epochMs >= 0 && epochMs < 253402300800000) || epochMs !== Math.floor(epochMs)) {
      return isoTime(epochMs);
    }
    const minute = Math.floor(epochMs / 60000);
    const slot = minute & 1023;
    let prefix: string;
    if (this.minutes[slot] === minute) {
      prefix = this.prefixes[slot];
    } else {
      prefix = new Date(minute * 60000).toISOString().slice(0, 17);
      this.minutes[slot] = minute;
      this.prefixes[slot] = prefix;
    }
    const rest = epochMs - minute * 60000;
    const seconds = Math.floor(rest / 1000);
    const milliseconds = rest - seconds * 1000;
    return `${prefix}${seconds < 10 ? '0' : ''}${seconds}${milliseconds < 10 ? '.00' : milliseconds < 100 ? '.0' : '.'}${milliseconds}Z`;
  }

  /** `text(epochMs)` straight into the writer's chunk (room reserved), without making the string. */
  put(epochMs: number, writer: ChunkWriter): void {
    if (!(epochMs >= 0 && epochMs < 253402300800000) || epochMs !== Math.floor(epochMs)) {
      putAscii(writer, isoTime(epochMs));
      return;
    }
    const minute = Math.floor(epochMs / 60000);
    const slot = minute & 1023;
    if (this.minutes[slot] !== minute) {
      this.text(epochMs);
    }
    // The minute's prefix has 17 ASCII characters: 2024-03-01T10:00:
    const prefix = this.prefixes[slot];
    const buffer = writer.buffer;
    let at = writer.size;
    for (let i = 0; i < 17; i++) {
      buffer[at++] = prefix.charCodeAt(i);
    }
    const rest = epochMs - minute * 60000;
    const seconds = Math.floor(rest / 1000);
    const milliseconds = rest - seconds * 1000;
    const tens = Math.floor(seconds / 10);
    buffer[at++] = 48 + tens;
    buffer[at++] = 48 + seconds - tens * 10;
    buffer[at++] = 46;
    const hundreds = Math.floor(milliseconds / 100);
    const tenths = Math.floor((milliseconds - hundreds * 100) / 10);
    buffer[at++] = 48 + hundreds;
    buffer[at++] = 48 + tenths;
    buffer[at++] = 48 + milliseconds - hundreds * 100 - tenths * 10;
    buffer[at++] = 90;
    writer.size = at;
  }
}

/** The parts of an ECS event that come from the row's context, as JSON text. */
interface EcsContextText {
  /** `"code":…,"outcome":…,"provider":…,"created":…}` closing `event`. */
  event: string;
  /** The logging NIC's MAC, in ECS form, as a JSON string. */
  mac: string;
  /** `"rule":…,"observer":…,"cloud":…,"azure":{"flowlog":{` up to `"record_index":…,`. */
  middle: string;
  /** The members of `azure.flowlog` after the tuple's own, each with a leading comma. */
  end: string;
  /** `event` and a comma, as UTF-8. */
  eventBytes: Buffer;
  /** `mac`, as UTF-8. */
  macBytes: Buffer;
  /** `middle`, as UTF-8. */
  middleBytes: Buffer;
  /** `end` with the closing braces of `flowlog`, `azure` and the event and the line end, as UTF-8. */
  endBytes: Buffer;
}


/** The text of an ECS event between its varying parts, as bytes, in the order `writeRow` writes them. */
const ecsBytes = {
  timestamp: ascii('{"@timestamp":"'),
  typeHead: ascii('","ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":['),
  sourceIp: ascii('"source":{"ip":'),
  port: ascii(',"port":'),
  mac: ascii(',"mac":'),
  packets: ascii(',"packets":'),
  bytes: ascii(',"bytes":'),
  destinationIp: ascii('},"destination":{"ip":'),
  transport: ascii('},"network":{"transport":'),
  iana: ascii(',"iana_number":"'),
  ingress: ascii('","direction":"ingress","type":"'),
  egress: ascii('","direction":"egress","type":"'),
  ipv4: ascii('ipv4"'),
  ipv6: ascii('ipv6"'),
  related: ascii('},"related":{"ip":['),
  relatedEnd: ascii(']},'),
  tupleIndex: ascii('"tuple_index":'),
  state: ['', ',"state":"B"', ',"state":"C"', ',"state":"E"', ',"state":"D"'].map(ascii),
  comma: ascii(','),
};

/** `"connection","allowed"…],"action":"…",` for each verdict (0 allowed, 1 denied) and state code. */
const ecsTypesAndActions = [false, true].map((denied) =>
  ([undefined, 'begin', 'continuing', 'end', 'deny'] as const).map((state) =>
    ascii(
      `${eventTypes(denied, state)
        .map((type) => `"${type}"`)
        .join(',')}],"action":"${denied ? 'flow_denied' : flowAction(state)}",`,
    ),
  ),
);

/** Writes a number as JavaScript (and JSON) writes it: digits for whole numbers, `String(n)` for the rest. */
function putNumber(writer: ChunkWriter, value: number): void {
  // Ports, protocols, indexes and most counters: 32-bit integer arithmetic.
  if (value >= 0 && value <= 0x7fffffff && value === (value | 0)) {
    const buffer = writer.buffer;
    let n = value | 0;
    const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let at = writer.size + digits;
    writer.size = at;
    do {
      const next = (n / 10) | 0;
      buffer[--at] = 48 + n - next * 10;
      n = next;
    } while (n > 0);
    return;
  }
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && value === Math.floor(value)) {
    const buffer = writer.buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) {
      digits++;
    }
    let at = writer.size + digits;
    writer.size = at;
    let n = value;
    do {
      const next = Math.floor(n / 10);
      buffer[--at] = 48 + n - next * 10;
      n = next;
    } while (n > 0);
    return;
  }
  putAscii(writer, String(value));
}

/** Writes text known to be ASCII. */
function putAscii(writer: ChunkWriter, text: string): void {
  const buffer = writer.buffer;
  let at = writer.size;
  for (let i = 0; i < text.length; i++) {
    buffer[at++] = text.charCodeAt(i);
  }
  writer.size = at;
}

function put(writer: ChunkWriter, bytes: Uint8Array): void {
  const length = bytes.length;
  const buffer = writer.buffer;
  const at = writer.size;
  // A loop beats TypedArray.set for the short pieces most rows are made of.
  if (length < 64) {
    for (let i = 0; i < length; i++) {
      buffer[at + i] = bytes[i];
    }
  } else {
    buffer.set(bytes, at);
  }
  writer.size = at + length;
}

/**
 * Writes rows as ECS NDJSON straight from the table's columns, reusing the text of what
 * repeats (addresses, a context's fields, timestamps). Produces exactly what `rowToEcs`
 * produces for `table.rowAt(row)` (a unit test holds the two together).
 */
class EcsTextCache {
  private readonly ips: string[] = [];
  private readonly ipBytes: Buffer[] = [];
  private readonly ipIsV6: boolean[] = [];
  private readonly transports: string[] = [];
  private readonly transportBytes: Buffer[] = [];
  private readonly encryptions: string[] = [];
  private readonly encryptionBytes: Buffer[] = [];
  private readonly contexts = new Map<RecordContext, EcsContextText>();
  private lastContext: RecordContext | undefined;
  private lastContextText: EcsContextText | undefined;
  /** JSON text of the strings in contexts: every record has its own contexts, but most of their values repeat. */
  private readonly strings = new Map<string, string>();
  private readonly times = new IsoTimeCache();
  private lastTime = NaN;
  private lastTimeText = '';

  constructor(private readonly table: FlowTable) {}

  row(row: number, owners?: EcsOwners): string {
    const table = this.table;
    const flags = table.flags[row];
    const state = flagState(flags);
    const denied = flagDecision(flags) === 'deny';
    const inbound = flagDirection(flags) === 'inbound';
    const protocol = table.protocol[row];
    const context = this.context(table.contexts[table.context[row]]);
    const time = table.time[row];
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeText = this.times.text(time);
    }
    const srcIndex = table.srcIp[row];
    const dstIndex = table.dstIp[row];
    const src = this.ip(srcIndex);
    const dst = this.ip(dstIndex);
    const packetsSrcToDst = table.packetsSrcToDst[row];
    const bytesSrcToDst = table.bytesSrcToDst[row];
    const packetsDstToSrc = table.packetsDstToSrc[row];
    const bytesDstToSrc = table.bytesDstToSrc[row];
    const verdict = denied ? 'denied' : 'allowed';
    const types = state === 'begin' ? `"connection","${verdict}","start"` : state === 'end' ? `"connection","${verdict}","end"` : `"connection","${verdict}"`;
    let text = `{"@timestamp":"${this.lastTimeText}","ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":[${types}],"action":"${denied ? 'flow_denied' : flowAction(state)}",${context.event},"source":{"ip":${src},"port":${table.srcPort[row]}`;
    if (!inbound) {
      text += `,"mac":${context.mac}`;
    }
    if (owners?.src !== undefined) {
      text += `,"domain":${jsonText(owners.src.vm ?? owners.src.nic)}`;
    }
    if (packetsSrcToDst === packetsSrcToDst) {
      text += `,"packets":${packetsSrcToDst}`;
    }
    if (bytesSrcToDst === bytesSrcToDst) {
      text += `,"bytes":${bytesSrcToDst}`;
    }
    text += `},"destination":{"ip":${dst},"port":${table.dstPort[row]}`;
    if (inbound) {
      text += `,"mac":${context.mac}`;
    }
    if (owners?.dst !== undefined) {
      text += `,"domain":${jsonText(owners.dst.vm ?? owners.dst.nic)}`;
    }
    if (packetsDstToSrc === packetsDstToSrc) {
      text += `,"packets":${packetsDstToSrc}`;
    }
    if (bytesDstToSrc === bytesDstToSrc) {
      text += `,"bytes":${bytesDstToSrc}`;
    }
    text += `},"network":{"transport":${this.transport(protocol)},"iana_number":"${protocol}","direction":"${inbound ? 'ingress' : 'egress'}","type":"${this.ipIsV6[srcIndex] ? 'ipv6' : 'ipv4'}"`;
    if (bytesSrcToDst === bytesSrcToDst || bytesDstToSrc === bytesDstToSrc) {
      text += `,"bytes":${(bytesSrcToDst === bytesSrcToDst ? bytesSrcToDst : 0) + (bytesDstToSrc === bytesDstToSrc ? bytesDstToSrc : 0)}`;
    }
    if (packetsSrcToDst === packetsSrcToDst || packetsDstToSrc === packetsDstToSrc) {
      text += `,"packets":${(packetsSrcToDst === packetsSrcToDst ? packetsSrcToDst : 0) + (packetsDstToSrc === packetsDstToSrc ? packetsDstToSrc : 0)}`;
    }
    // Equal addresses share their dictionary index.
    text += `},"related":{"ip":[${srcIndex === dstIndex ? src : `${src},${dst}`}]},${context.middle}"tuple_index":${table.tupleIndex[row]}`;
    if (state !== undefined) {
      text += `,"state":"${stateLetters[state]}"`;
    }
    const encryption = table.encryption[row];
    if (encryption !== 0) {
      text += this.encryption(encryption);
    }
    text += context.end;
    if (owners?.src !== undefined) {
      text += `,"source_nic":${jsonText(owners.src.nic)}`;
    }
    if (owners?.dst !== undefined) {
      text += `,"destination_nic":${jsonText(owners.dst.nic)}`;
    }
    if (owners?.logged !== undefined) {
      return `${text}}},"host":{"name":${jsonText(owners.logged.vm ?? owners.logged.nic)}}}\n`;
    }
    return `${text}}}}\n`;
  }

  /**
   * `row(row)` as UTF-8 straight into the writer's chunk, without making the line's string
   * (the same bytes: a unit test compares them). For rows without inventory names.
   */
  writeRow(row: number, writer: ChunkWriter): void {
    const table = this.table;
    const flags = table.flags[row];
    const stateCode = flagStateCode(flags);
    const denied = flagDecision(flags) === 'deny';
    const inbound = flagDirection(flags) === 'inbound';
    const protocol = table.protocol[row];
    const context = this.context(table.contexts[table.context[row]]);
    const time = table.time[row];
    const srcIndex = table.srcIp[row];
    const dstIndex = table.dstIp[row];
    this.ip(srcIndex);
    this.ip(dstIndex);
    const src = this.ipBytes[srcIndex];
    const dst = this.ipBytes[dstIndex];
    const encryption = table.encryption[row];
    const encryptionBytes = encryption === 0 ? undefined : this.encryptionPiece(encryption);
    // The constant parts and numbers take well under 1 KB; the rest is counted.
    writer.reserve(
      1024 + context.eventBytes.length + context.macBytes.length + context.middleBytes.length + context.endBytes.length + 2 * (src.length + dst.length) + (encryptionBytes?.length ?? 0),
    );
    const packetsSrcToDst = table.packetsSrcToDst[row];
    const bytesSrcToDst = table.bytesSrcToDst[row];
    const packetsDstToSrc = table.packetsDstToSrc[row];
    const bytesDstToSrc = table.bytesDstToSrc[row];
    put(writer, ecsBytes.timestamp);
    this.times.put(time, writer);
    put(writer, ecsBytes.typeHead);
    put(writer, ecsTypesAndActions[denied ? 1 : 0][stateCode]);
    put(writer, context.eventBytes);
    put(writer, ecsBytes.sourceIp);
    put(writer, src);
    put(writer, ecsBytes.port);
    putNumber(writer, table.srcPort[row]);
    if (!inbound) {
      put(writer, ecsBytes.mac);
      put(writer, context.macBytes);
    }
    if (packetsSrcToDst === packetsSrcToDst) {
      put(writer, ecsBytes.packets);
      putNumber(writer, packetsSrcToDst);
    }
    if (bytesSrcToDst === bytesSrcToDst) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, bytesSrcToDst);
    }
    put(writer, ecsBytes.destinationIp);
    put(writer, dst);
    put(writer, ecsBytes.port);
    putNumber(writer, table.dstPort[row]);
    if (inbound) {
      put(writer, ecsBytes.mac);
      put(writer, context.macBytes);
    }
    if (packetsDstToSrc === packetsDstToSrc) {
      put(writer, ecsBytes.packets);
      putNumber(writer, packetsDstToSrc);
    }
    if (bytesDstToSrc === bytesDstToSrc) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, bytesDstToSrc);
    }
    put(writer, ecsBytes.transport);
    put(writer, this.transportPiece(protocol));
    put(writer, ecsBytes.iana);
    putNumber(writer, protocol);
    put(writer, inbound ? ecsBytes.ingress : ecsBytes.egress);
    put(writer, this.ipIsV6[srcIndex] ? ecsBytes.ipv6 : ecsBytes.ipv4);
    if (bytesSrcToDst === bytesSrcToDst || bytesDstToSrc === bytesDstToSrc) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, (bytesSrcToDst === bytesSrcToDst ? bytesSrcToDst : 0) + (bytesDstToSrc === bytesDstToSrc ? bytesDstToSrc : 0));
    }
    if (packetsSrcToDst === packetsSrcToDst || packetsDstToSrc === packetsDstToSrc) {
      put(writer, ecsBytes.packets);
      putNumber(writer, (packetsSrcToDst === packetsSrcToDst ? packetsSrcToDst : 0) + (packetsDstToSrc === packetsDstToSrc ? packetsDstToSrc : 0));
    }
    put(writer, ecsBytes.related);
    put(writer, src);
    if (srcIndex !== dstIndex) {
      put(writer, ecsBytes.comma);
      put(writer, dst);
    }
    put(writer, ecsBytes.relatedEnd);
    put(writer, context.middleBytes);
    put(writer, ecsBytes.tupleIndex);
    putNumber(writer, table.tupleIndex[row]);
    put(writer, ecsBytes.state[stateCode]);
    if (encryptionBytes !== undefined) {
      put(writer, encryptionBytes);
    }
    put(writer, context.endBytes);
  }

  private encryptionPiece(index: number): Buffer {
    let bytes = this.encryptionBytes[index];
    if (bytes === undefined) {
      bytes = Buffer.from(this.encryption(index), 'utf8');
      this.encryptionBytes[index] = bytes;
    }
    return bytes;
  }

  private transportPiece(protocol: number): Buffer {
    let bytes = this.transportBytes[protocol];
    if (bytes === undefined) {
      bytes = Buffer.from(this.transport(protocol), 'utf8');
      this.transportBytes[protocol] = bytes;
    }
    return bytes;
  }

  private ip(index: number): string {
    let text = this.ips[index];
    if (text === undefined) {
      const value = this.table.ips.values[index];
      text = jsonText(value);
      this.ips[index] = text;
      this.ipBytes[index] = Buffer.from(text, 'utf8');
      this.ipIsV6[index] = value.includes(':');
    }
    return text;
  }

  private transport(protocol: number): string {
    let text = this.transports[protocol];
    if (text === undefined) {
      text = jsonText(transportName(protocol));
      this.transports[protocol] = text;
    }
    return text;
  }

  /** `,"encryption":…` of an encryption value's dictionary index. */
  private encryption(index: number): string {
    let text = this.encryptions[index];
    if (text === undefined) {
      text = `,"encryption":${jsonText(this.table.encryptions.values[index])}`;
      this.encryptions[index] = text;
    }
    return text;
  }

  private context(context: RecordContext): EcsContextText {
    // Rows of one rule group are consecutive and share their context.
    if (context === this.lastContext && this.lastContextText !== undefined) {
      return this.lastContextText;
    }
    let text = this.contexts.get(context);
    if (text === undefined) {
      const members = (value: Record<string, unknown>): string => cachedJsonMembers(value, this.strings);
      const tail = members(contextFlowlog(context));
      text = {
        event: `${members({
          code: operationName(context),
          outcome: 'success',
          provider: context.format === 'nsg' ? 'NetworkSecurityGroupFlowEvent' : 'FlowLogFlowEvent',
          created: context.recordTime,
        })}}`,
        mac: cachedJsonText(ecsMac(context.mac), this.strings),
        middle: `${members(contextOuter(context))},"azure":{"flowlog":{${members({
          format: context.format,
          version: context.version,
          mac: context.mac,
          record_time: context.recordTime,
          record_index: context.recordIndex,
        })},`,
        end: tail.length > 0 ? `,${tail}` : '',
        eventBytes: emptyBytes,
        macBytes: emptyBytes,
        middleBytes: emptyBytes,
        endBytes: emptyBytes,
      };
      text.eventBytes = Buffer.from(`${text.event},`, 'utf8');
      text.macBytes = Buffer.from(text.mac, 'utf8');
      text.middleBytes = Buffer.from(text.middle, 'utf8');
      text.endBytes = Buffer.from(`${text.end}}}}\n`, 'utf8');
      this.contexts.set(context, text);
    }
    this.lastContext = context;
    this.lastContextText = text;
    return text;
  }
}

/** Writes the given connections; returns how many were written. */
export async function exportConnections(
  table: FlowTable,
  connections: ConnectionTable,
  indexes: Iterable<number> | ArrayLike<number>,
  format: ExportFormat,
  write: WriteChunk,
  options: ExportOptions = {},
): Promise<number> {
  const writer = new ChunkWriter(write, options.chunkPool);
  const owners = hasNoOwners(options.owners) ? undefined : options.owners;
  if (format === 'csv' && options.header !== false) {
    await writer.add(csvHeader(owners === undefined ? connectionColumns : [...connectionColumns, ...ownerColumns]));
  }
  let count = 0;
  for (const index of indexesOf(indexes)) {
    const connection = connectionAt(table, connections, index);
    let text =
      format === 'csv' ? connectionToCsv(connection) : format === 'ndjson' ? connectionToNdjson(connection) : undefined;
    if (text === undefined) {
      const ends = owners === undefined ? undefined : { ...flowOwners(owners, connection), logged: owners.byMac[connection.mac] };
      text = `${jsonText(connectionToEcsObject(table, connection, ends))}\n`;
    } else if (owners !== undefined) {
      text = withOwners(text, format as 'csv' | 'ndjson', flowOwners(owners, connection));
    }
    await writer.add(text);
    count++;
  }
  await writer.finish();
  return count;
}
