/**
 * Joins the B/C/E tuples of one flow into a connection with totals each way.
 */
import { flagDecision, flagDirection, flagState, packFlags, type Decision, type Direction, type FlowState, type FlowTable, type RecordContext } from './flowTable';
import { sortByKeys } from './sortKeys';

export interface ConnectionTable {
  length: number;
  /** Epoch ms of the first and last tuple. */
  start: Float64Array;
  end: Float64Array;
  /** Sums over the connection's tuples; NaN when no tuple had the counter. */
  packetsSrcToDst: Float64Array;
  bytesSrcToDst: Float64Array;
  packetsDstToSrc: Float64Array;
  bytesDstToSrc: Float64Array;
  /** packFlags(...) of the last tuple (direction, decision, final state). */
  finalFlags: Uint8Array;
  /** Rows of connection i: `tupleRows[tupleRowStart[i] .. tupleRowStart[i] + tupleCount[i]]`, in time order. */
  tupleCount: Uint32Array;
  tupleRowStart: Uint32Array;
  tupleRows: Uint32Array;
}

export interface Connection {
  id: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  mac: string;
  direction: Direction;
  decision: Decision;
  finalState?: FlowState;
  start: number;
  end: number;
  durationMs: number;
  packetsSrcToDst?: number;
  bytesSrcToDst?: number;
  packetsDstToSrc?: number;
  bytesDstToSrc?: number;
  tupleRows: number[];
  /** Rule and context of the first tuple. */
  rule: string;
  context: RecordContext;
}

const denyBit = packFlags('inbound', 'deny', undefined);
const stateShift = 2;
const beginCode = packFlags('inbound', 'allow', 'begin') >> stateShift;
const continuingCode = packFlags('inbound', 'allow', 'continuing') >> stateShift;
const endCode = packFlags('inbound', 'allow', 'end') >> stateShift;
const denyCode = packFlags('inbound', 'deny', 'deny') >> stateShift;

function abortError(): Error {
  return new DOMException('Joining connections was cancelled.', 'AbortError');
}

/** Ties at one timestamp: B before C before E (E may be listed before B in the log). */
function stateRank(flags: number): number {
  const code = flags >> stateShift;
  return code === beginCode ? 0 : code === continuingCode ? 1 : code === endCode ? 2 : 1;
}

/** Row numbers ordered by time, then B < C < E, then row. */
function timeOrder(table: FlowTable): Uint32Array {
  const n = table.length;
  const order = new Uint32Array(n);
  if (n === 0) {
    return order;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < n; row++) {
    const t = table.time[row];
    if (t < min) {
      min = t;
    }
    if (t > max) {
      max = t;
    }
  }
  for (let row = 0; row < n; row++) {
    order[row] = row;
  }
  if (Number.isFinite(max - min)) {
    // A stable sort (radix for millions of rows) by (time - min) * 4 + rank: equal keys keep row order.
    const keys = new Float64Array(n);
    for (let row = 0; row < n; row++) {
      keys[row] = (table.time[row] - min) * 4 + stateRank(table.flags[row]);
    }
    return sortByKeys(order, keys, false);
  }
  return order.sort((a, b) => table.time[a] - table.time[b] || stateRank(table.flags[a]) - stateRank(table.flags[b]) || a - b);
}

/**
 * Joins tuples into connections. The key is the 5-tuple plus the NIC's MAC.
 *
 * - Allowed tuples with a state: B opens a connection (closing any still open for the same
 *   key), C joins the open one, E joins it and closes it; a C or E with nothing open starts a
 *   connection that began before the log. A new B after an E therefore starts a new one.
 * - Denied tuples (NSG decision `D`, VNet state `D`) and stateless tuples (NSG v1) are one
 *   connection per tuple, except that repeats of the same key within one record are joined:
 *   Azure lists a blocked flow again in each record while it keeps retrying, and one record
 *   covers about a minute, so a repeat inside it is the same attempt rather than a new one.
 * - Counters are summed (they are deltas since the previous tuple); a sum stays NaN when no
 *   tuple of the connection carried that counter.
 */
export function joinConnections(table: FlowTable, signal?: AbortSignal): ConnectionTable {
  if (signal?.aborted) {
    throw abortError();
  }
  const n = table.length;
  const order = timeOrder(table);
  const connectionOf = new Uint32Array(n);
  // In a function of its own: its flow tables (among the largest things a join holds) can be
  // collected before the connection columns are allocated.
  const count = assignConnections(table, order, connectionOf, signal);
  const connections: ConnectionTable = {
    length: count,
    start: new Float64Array(count).fill(Infinity),
    end: new Float64Array(count).fill(-Infinity),
    packetsSrcToDst: new Float64Array(count).fill(NaN),
    bytesSrcToDst: new Float64Array(count).fill(NaN),
    packetsDstToSrc: new Float64Array(count).fill(NaN),
    bytesDstToSrc: new Float64Array(count).fill(NaN),
    finalFlags: new Uint8Array(count),
    tupleCount: new Uint32Array(count),
    tupleRowStart: new Uint32Array(count),
    tupleRows: new Uint32Array(n),
  };
  for (let row = 0; row < n; row++) {
    connections.tupleCount[connectionOf[row]]++;
  }
  let offset = 0;
  for (let c = 0; c < count; c++) {
    connections.tupleRowStart[c] = offset;
    offset += connections.tupleCount[c];
  }
  const filled = new Uint32Array(count);
  for (let i = 0; i < n; i++) {
    const row = order[i];
    const c = connectionOf[row];
    connections.tupleRows[connections.tupleRowStart[c] + filled[c]++] = row;
    const t = table.time[row];
    if (t < connections.start[c]) {
      connections.start[c] = t;
    }
    if (t >= connections.end[c]) {
      connections.end[c] = t;
    }
    connections.finalFlags[c] = table.flags[row];
    addCounter(connections.packetsSrcToDst, c, table.packetsSrcToDst[row]);
    addCounter(connections.bytesSrcToDst, c, table.bytesSrcToDst[row]);
    addCounter(connections.packetsDstToSrc, c, table.packetsDstToSrc[row]);
    addCounter(connections.bytesDstToSrc, c, table.bytesDstToSrc[row]);
  }
  return connections;
}

/** Numbers the connection of each row (`connectionOf[row]`), visiting rows in `order`; returns how many there are. */
function assignConnections(table: FlowTable, order: Uint32Array, connectionOf: Uint32Array, signal: AbortSignal | undefined): number {
  const macIds = new Map<string, number>();
  const contextMac = new Int32Array(table.contexts.length).fill(-1);
  const macOf = (row: number): number => {
    const contextIndex = table.context[row];
    let id = contextMac[contextIndex];
    if (id < 0) {
      const mac = table.contexts[contextIndex]?.mac ?? '';
      id = macIds.get(mac) ?? macIds.size;
      macIds.set(mac, id);
      contextMac[contextIndex] = id;
    }
    return id;
  };
  /** Per key: the open connection of allowed stateful tuples (-1: none open). */
  const open = new FlowKeyTable();
  /** Per key: the connection and record of the last denied or stateless tuple. */
  const lastSingle = new FlowKeyTable();
  let count = 0;
  for (let i = 0; i < order.length; i++) {
    if ((i & 0xffff) === 0 && signal?.aborted) {
      throw abortError();
    }
    const row = order[i];
    const flags = table.flags[row];
    const ports = ((table.srcPort[row] << 16) | table.dstPort[row]) >>> 0;
    const protocolAndMac = (table.protocol[row] | (macOf(row) << 8)) >>> 0;
    const code = flags >> stateShift;
    if ((flags & denyBit) !== 0 || code === denyCode || code === 0) {
      const recordIndex = table.contexts[table.context[row]]?.recordIndex ?? -1;
      const slot = lastSingle.slot(table.srcIp[row], table.dstIp[row], ports, protocolAndMac);
      if (lastSingle.values[slot] >= 0 && lastSingle.extras[slot] === recordIndex) {
        connectionOf[row] = lastSingle.values[slot];
      } else {
        connectionOf[row] = count;
        lastSingle.set(slot, count, recordIndex);
        count++;
      }
      continue;
    }
    const slot = open.slot(table.srcIp[row], table.dstIp[row], ports, protocolAndMac);
    let connection = code === beginCode ? -1 : open.values[slot];
    if (connection < 0) {
      connection = count++;
    }
    connectionOf[row] = connection;
    open.set(slot, code === endCode ? -1 : connection, 0);
  }
  return count;
}

/**
 * Open-addressing table keyed by four uint32 words (addresses, ports, protocol and MAC).
 * Keys are never removed; a value of -1 means "nothing for this key".
 */
class FlowKeyTable {
  private keys = new Uint32Array(4 * 1024);
  values = new Int32Array(1024).fill(-2);
  extras = new Int32Array(1024);
  private used = 0;
  private mask = 1023;

  /** The slot of this key, claimed (value -1) when the key is new. */
  slot(w0: number, w1: number, w2: number, w3: number): number {
    // Filled up to three quarters: at millions of flows this table is among the largest a join
    // holds, and the mixed hash below keeps probe runs short at that load.
    if ((this.used + 1) * 4 > this.values.length * 3) {
      this.grow();
    }
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
    // MurmurHash3's finalizer: every input bit reaches the low bits the mask keeps.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & this.mask;
    for (;;) {
      if (this.values[slot] === -2) {
        const k = slot * 4;
        this.keys[k] = w0;
        this.keys[k + 1] = w1;
        this.keys[k + 2] = w2;
        this.keys[k + 3] = w3;
        this.values[slot] = -1;
        this.used++;
        return slot;
      }
      const k = slot * 4;
      if (this.keys[k] === w0 && this.keys[k + 1] === w1 && this.keys[k + 2] === w2 && this.keys[k + 3] === w3) {
        return slot;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  set(slot: number, value: number, extra: number): void {
    this.values[slot] = value;
    this.extras[slot] = extra;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const extras = this.extras;
    const size = values.length * 2;
    this.keys = new Uint32Array(size * 4);
    this.values = new Int32Array(size).fill(-2);
    this.extras = new Int32Array(size);
    this.mask = size - 1;
    this.used = 0;
    for (let old = 0; old < values.length; old++) {
      if (values[old] !== -2) {
        const k = old * 4;
        const slot = this.slot(keys[k], keys[k + 1], keys[k + 2], keys[k + 3]);
        this.values[slot] = values[old];
        this.extras[slot] = extras[old];
      }
    }
  }
}

function addCounter(sums: Float64Array, c: number, value: number): void {
  if (value === value) {
    const sum = sums[c];
    sums[c] = sum === sum ? sum + value : value;
  }
}

/** Connection `index` as a plain object. */
export function connectionAt(table: FlowTable, connections: ConnectionTable, index: number): Connection {
  if (index < 0 || index >= connections.length) {
    throw new RangeError(`connection ${index} is outside 0..${connections.length - 1}`);
  }
  const first = connections.tupleRows[connections.tupleRowStart[index]];
  const rows = Array.from(connections.tupleRows.subarray(connections.tupleRowStart[index], connections.tupleRowStart[index] + connections.tupleCount[index]));
  const flags = connections.finalFlags[index];
  const context = table.contexts[table.context[first]];
  const connection: Connection = {
    id: index,
    srcIp: table.ips.values[table.srcIp[first]],
    dstIp: table.ips.values[table.dstIp[first]],
    srcPort: table.srcPort[first],
    dstPort: table.dstPort[first],
    protocol: table.protocol[first],
    mac: context.mac,
    direction: flagDirection(flags),
    decision: flagDecision(flags),
    start: connections.start[index],
    end: connections.end[index],
    durationMs: connections.end[index] - connections.start[index],
    tupleRows: rows,
    rule: context.rule,
    context,
  };
  const state = flagState(flags);
  if (state !== undefined) {
    connection.finalState = state;
  }
  const counters = ['packetsSrcToDst', 'bytesSrcToDst', 'packetsDstToSrc', 'bytesDstToSrc'] as const;
  for (const name of counters) {
    const value = connections[name][index];
    if (!Number.isNaN(value)) {
      connection[name] = value;
    }
  }
  return connection;
}
