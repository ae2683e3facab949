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
  // connectionAt[i] is the connection of row order[i]: written and read in step with `order`,
  // where a column indexed by row would be written at random.
  const connectionAt = new Uint32Array(n);
  // In a function of its own: its flow tables (among the largest things a join holds) can be
  // collected before the connection columns are allocated.
  const count = assignConnections(table, order, connectionAt, signal);
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
  const { tupleCount, tupleRowStart, tupleRows } = connections;
  for (let i = 0; i < n; i++) {
    tupleCount[connectionAt[i]]++;
  }
  let offset = 0;
  for (let c = 0; c < count; c++) {
    tupleRowStart[c] = offset;
    offset += tupleCount[c];
  }
  // The counts are counted again as the rows go in, so they serve as each connection's fill mark.
  tupleCount.fill(0);
  for (let i = 0; i < n; i++) {
    const row = order[i];
    const c = connectionAt[i];
    tupleRows[tupleRowStart[c] + tupleCount[c]++] = row;
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

/** Numbers the connection of each row (`connectionAt[i]` for row `order[i]`), visiting rows in `order`; returns how many there are. */
function assignConnections(table: FlowTable, order: Uint32Array, connectionAt: Uint32Array, signal: AbortSignal | undefined): number {
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
  const open = new FlowKeyTable(false);
  /** Per key: the connection and record of the last denied or stateless tuple. */
  const lastSingle = new FlowKeyTable(true);
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
      if (lastSingle.value(slot) >= 0 && lastSingle.extra(slot) === recordIndex) {
        connectionAt[i] = lastSingle.value(slot);
      } else {
        connectionAt[i] = count;
        lastSingle.set(slot, count, recordIndex);
        count++;
      }
      continue;
    }
    const slot = open.slot(table.srcIp[row], table.dstIp[row], ports, protocolAndMac);
    let connection = code === beginCode ? -1 : open.value(slot);
    if (connection < 0) {
      connection = count++;
    }
    connectionAt[i] = connection;
    open.set(slot, code === endCode ? -1 : connection, 0);
  }
  return count;
}

/**
 * Open-addressing table keyed by four uint32 words (addresses, ports, protocol and MAC).
 * Keys are never removed; a value of -1 means "nothing for this key". An entry holds its key, its
 * value and (only in a table that asks for one) a second number side by side, so a probe that
 * finds its key reads one place in memory: at millions of flows the table is far larger than the
 * caches and every row of a join probes it once.
 */
class FlowKeyTable {
  private readonly stride: number;
  private words: Uint32Array;
  private numbers: Int32Array;
  private used = 0;
  private mask = 1023;

  constructor(hasExtra: boolean) {
    this.stride = hasExtra ? 6 : 5;
    this.numbers = new Int32Array(1024 * this.stride).fill(-2);
    this.words = new Uint32Array(this.numbers.buffer);
  }

  /** The entry of this key, claimed (value -1) when the key is new; pass it to `value`, `extra` and `set`. */
  slot(w0: number, w1: number, w2: number, w3: number): number {
    // Filled up to three quarters: at millions of flows this table is among the largest a join
    // holds, and the mixed hash below keeps probe runs short at that load.
    if ((this.used + 1) * 4 > (this.mask + 1) * 3) {
      this.grow();
    }
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
    // MurmurHash3's finalizer: every input bit reaches the low bits the mask keeps.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const words = this.words;
    const stride = this.stride;
    let slot = h & this.mask;
    for (;;) {
      const e = slot * stride;
      if (this.numbers[e + 4] === -2) {
        words[e] = w0;
        words[e + 1] = w1;
        words[e + 2] = w2;
        words[e + 3] = w3;
        this.numbers[e + 4] = -1;
        this.used++;
        return e;
      }
      if (words[e] === w0 && words[e + 1] === w1 && words[e + 2] === w2 && words[e + 3] === w3) {
        return e;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  value(entry: number): number {
    return this.numbers[entry + 4];
  }

  extra(entry: number): number {
    return this.numbers[entry + 5];
  }

  set(entry: number, value: number, extra: number): void {
    this.numbers[entry + 4] = value;
    if (this.stride > 5) {
      this.numbers[entry + 5] = extra;
    }
  }

  private grow(): void {
    const oldWords = this.words;
    const oldNumbers = this.numbers;
    const stride = this.stride;
    this.numbers = new Int32Array((this.mask + 1) * 2 * stride).fill(-2);
    this.words = new Uint32Array(this.numbers.buffer);
    this.mask = (this.mask + 1) * 2 - 1;
    this.used = 0;
    for (let old = 0; old < oldNumbers.length; old += stride) {
      if (oldNumbers[old + 4] !== -2) {
        const e = this.slot(oldWords[old], oldWords[old + 1], oldWords[old + 2], oldWords[old + 3]);
        this.set(e, oldNumbers[old + 4], stride > 5 ? oldNumbers[old + 5] : 0);
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
