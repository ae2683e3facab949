/**
 * Columnar store of decoded flow tuples: one row per tuple, one typed array per field.
 *
 * Rows are kept as columns rather than objects so that a million tuples cost tens of
 * megabytes, filters run over typed arrays, and repeated strings (addresses, rules,
 * resource IDs) are stored once in a dictionary. `rowAt(i)` materialises one row as a
 * plain `FlowRow` for display and export.
 */

export type FlowLogFormat = 'nsg' | 'vnet';
export type Direction = 'inbound' | 'outbound';
export type Decision = 'allow' | 'deny';
/** B, C, E (and D for VNet flow logs). NSG v1 tuples have no state. */
export type FlowState = 'begin' | 'continuing' | 'end' | 'deny';

/** What every tuple of one rule group of one record shares. */
export interface RecordContext {
  /** 0-based index of the record in the file (after flattening nested record lists). */
  recordIndex: number;
  /** Byte offset of the record's first byte in the file. */
  recordOffset: number;
  /** The record's `time`, exactly as logged (7 fractional digits, UTC). */
  recordTime: string;
  format: FlowLogFormat;
  /** NSG: properties.Version (1 or 2). VNet: flowLogVersion (4). */
  version: number;
  /** NSG: resourceId (the NSG). VNet: flowLogResourceID. */
  resourceId: string;
  /** VNet: targetResourceID (VNet, subnet or NIC). Absent for NSG. */
  targetResourceId?: string;
  /** MAC address, 12 upper-case hex digits. */
  mac: string;
  rule: string;
  /** VNet: aclID. Absent for NSG. */
  aclId?: string;
  /** VNet: flowLogGUID, the flow-log resource's GUID, when the record has one. */
  flowLogGuid?: string;
  /** NSG: systemId, the NSG's system GUID, when the record has one. */
  systemId?: string;
  /** The record's operationName (`NetworkSecurityGroupFlowEvents`, `FlowLogFlowEvent`), when it has one. */
  operationName?: string;
}

/** One tuple as a plain object, carrying its record's context. */
export interface FlowRow {
  /** Row number in the table. */
  row: number;
  /** Tuple timestamp, epoch milliseconds UTC (seconds in the log are multiplied by 1000). */
  time: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** IANA protocol number (NSG `T` becomes 6, `U` 17). */
  protocol: number;
  direction: Direction;
  decision: Decision;
  state?: FlowState;
  /** VNet encryption column (`X`, `NX`, `NX_…`). */
  encryption?: string;
  /** Counters are absent when the log leaves them empty, which is not the same as 0. */
  packetsSrcToDst?: number;
  bytesSrcToDst?: number;
  packetsDstToSrc?: number;
  bytesDstToSrc?: number;
  /** 0-based index of the tuple within its record (counting every tuple of the record). */
  tupleIndex: number;
  context: RecordContext;
}

const directionBit = 1;
const denyBit = 2;
const stateShift = 2;
const stateCodes: readonly (FlowState | undefined)[] = [undefined, 'begin', 'continuing', 'end', 'deny'];

/** Packs direction, decision and state into one byte for `FlowTable.flags`. */
export function packFlags(direction: Direction, decision: Decision, state: FlowState | undefined): number {
  const stateCode = state === undefined ? 0 : stateCodes.indexOf(state);
  return (direction === 'outbound' ? directionBit : 0) | (decision === 'deny' ? denyBit : 0) | (stateCode << stateShift);
}

export function flagDirection(flags: number): Direction {
  return flags & directionBit ? 'outbound' : 'inbound';
}

export function flagDecision(flags: number): Decision {
  return flags & denyBit ? 'deny' : 'allow';
}

export function flagState(flags: number): FlowState | undefined {
  return stateCodes[flags >> stateShift];
}

/** The state as a number: 0 none, 1 begin, 2 continuing, 3 end, 4 deny. */
export function flagStateCode(flags: number): number {
  return flags >> stateShift;
}

/** Interns strings: equal strings get one index. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();

  intern(value: string): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indexes.set(value, index);
    }
    return index;
  }

  get size(): number {
    return this.values.length;
  }
}

const initialCapacity = 1024;

/**
 * Append-only columnar table. Numeric counters use NaN for "absent".
 * `clear()` empties the rows but keeps the dictionaries, so a streaming reader can reuse one
 * table per batch while indexes stay stable.
 */
export class FlowTable {
  length = 0;
  capacity = initialCapacity;
  time = new Float64Array(initialCapacity);
  srcIp = new Uint32Array(initialCapacity);
  dstIp = new Uint32Array(initialCapacity);
  srcPort = new Uint16Array(initialCapacity);
  dstPort = new Uint16Array(initialCapacity);
  protocol = new Uint8Array(initialCapacity);
  /** Direction, decision and state, see packFlags. */
  flags = new Uint8Array(initialCapacity);
  /** Index into `encryptions`; 0 is "none". */
  encryption = new Uint8Array(initialCapacity);
  packetsSrcToDst = new Float64Array(initialCapacity);
  bytesSrcToDst = new Float64Array(initialCapacity);
  packetsDstToSrc = new Float64Array(initialCapacity);
  bytesDstToSrc = new Float64Array(initialCapacity);
  /** Index into `contexts`. */
  context = new Uint32Array(initialCapacity);
  tupleIndex = new Uint32Array(initialCapacity);

  /** Addresses as written in the log. */
  readonly ips = new Dictionary();
  /** Encryption values; index 0 is the empty string (no encryption column). */
  readonly encryptions = new Dictionary();
  readonly contexts: RecordContext[] = [];

  constructor() {
    this.encryptions.intern('');
  }

  /** Bytes one row takes in the columns (time, addresses, ports, protocol, flags, encryption, counters, context, tuple index). */
  static readonly bytesPerRow = 8 + 4 + 4 + 2 + 2 + 1 + 1 + 1 + 4 * 8 + 4 + 4;

  /** Makes room for `extra` more rows. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.capacity) {
      return;
    }
    let capacity = this.capacity;
    while (capacity < needed) {
      capacity *= 2;
    }
    this.growTo(capacity);
  }

  /**
   * Makes room for `capacity` rows in all, no more: a reader that knows how many rows are coming
   * avoids the doubling of `reserve` (up to twice the memory the rows need).
   */
  growTo(capacity: number): void {
    if (capacity <= this.capacity) {
      return;
    }
    this.time = grow(this.time, capacity);
    this.srcIp = grow(this.srcIp, capacity);
    this.dstIp = grow(this.dstIp, capacity);
    this.srcPort = grow(this.srcPort, capacity);
    this.dstPort = grow(this.dstPort, capacity);
    this.protocol = grow(this.protocol, capacity);
    this.flags = grow(this.flags, capacity);
    this.encryption = grow(this.encryption, capacity);
    this.packetsSrcToDst = grow(this.packetsSrcToDst, capacity);
    this.bytesSrcToDst = grow(this.bytesSrcToDst, capacity);
    this.packetsDstToSrc = grow(this.packetsDstToSrc, capacity);
    this.bytesDstToSrc = grow(this.bytesDstToSrc, capacity);
    this.context = grow(this.context, capacity);
    this.tupleIndex = grow(this.tupleIndex, capacity);
    this.capacity = capacity;
  }

  /** Forgets the rows (not the dictionaries or contexts). */
  clear(): void {
    this.length = 0;
  }

  rowAt(row: number): FlowRow {
    if (row < 0 || row >= this.length) {
      throw new RangeError(`row ${row} is outside 0..${this.length - 1}`);
    }
    const flags = this.flags[row];
    const result: FlowRow = {
      row,
      time: this.time[row],
      srcIp: this.ips.values[this.srcIp[row]],
      dstIp: this.ips.values[this.dstIp[row]],
      srcPort: this.srcPort[row],
      dstPort: this.dstPort[row],
      protocol: this.protocol[row],
      direction: flagDirection(flags),
      decision: flagDecision(flags),
      tupleIndex: this.tupleIndex[row],
      context: this.contexts[this.context[row]],
    };
    const state = flagState(flags);
    if (state !== undefined) {
      result.state = state;
    }
    const encryption = this.encryption[row];
    if (encryption !== 0) {
      result.encryption = this.encryptions.values[encryption];
    }
    setCounter(result, 'packetsSrcToDst', this.packetsSrcToDst[row]);
    setCounter(result, 'bytesSrcToDst', this.bytesSrcToDst[row]);
    setCounter(result, 'packetsDstToSrc', this.packetsDstToSrc[row]);
    setCounter(result, 'bytesDstToSrc', this.bytesDstToSrc[row]);
    return result;
  }
}

type CounterField = 'packetsSrcToDst' | 'bytesSrcToDst' | 'packetsDstToSrc' | 'bytesDstToSrc';

function setCounter(row: FlowRow, field: CounterField, value: number): void {
  if (!Number.isNaN(value)) {
    row[field] = value;
  }
}

function grow<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
