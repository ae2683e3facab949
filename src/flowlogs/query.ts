/**
 * Filtering, sorting and aggregation over a FlowTable (tuples) or a connection table.
 *
 * Filters are compiled once per query: every condition on a string (addresses, rule, MAC,
 * resource IDs) is evaluated once per dictionary entry or record context, and the per-row loop
 * only reads typed arrays and lookup tables.
 */
import { FlowTable, flagDecision, flagDirection, flagState } from './flowTable';
import type { AddressOwners, RowFilter, SortSpec, Timeline, ViewAggregates, ViewRow } from '../core/viewerProtocol';
import { ownerLabel } from './addressOwners';
import { compileIpMatcher, rankAddresses } from './ipMatch';
import type { ConnectionTable } from './connections';
import { sortByKeys } from './sortKeys';

/** The columns of a joined connection table that queries read. */
export type ConnectionColumns = ConnectionTable;

export type FilterField = keyof RowFilter;

/** A filter value that could not be understood, with the text to show next to its field. */
export interface FilterProblem {
  field: FilterField;
  message: string;
}

/** A filter ready to run against one table. Fields with problems do not filter. */
export interface CompiledFilter {
  problems: FilterProblem[];
  /** False when nothing filters (every row matches). */
  isActive: boolean;
  /** Tests one tuple row. */
  matchesRow(row: number): boolean;
  /** Tests one connection, by its first tuple's addresses, ports, protocol and rule, final state and time span. */
  matchesConnection(connections: ConnectionColumns, index: number): boolean;
  /** The lookup tables behind `matchesRow`, for the tight loop in `filterRows`. */
  readonly parts: FilterParts;
}

/** Per-value lookup tables of a compiled filter; undefined parts do not filter. */
export interface FilterParts {
  flagsOk?: Uint8Array;
  protocolOk?: Uint8Array;
  timeFrom: number;
  timeTo: number;
  hasTime: boolean;
  portOk?: Uint8Array;
  ipOk?: Uint8Array;
  contextOk?: Uint8Array;
  textIp?: Uint8Array;
  textContext?: Uint8Array;
  textPort?: Uint8Array;
}

const stateNames = ['none', 'begin', 'continuing', 'end', 'deny'] as const;

/** Parses `443`, `1000-2000` or `80,443,8000-8100` into a 65,536-entry lookup table. */
export function parsePortFilter(input: string): { ports: Uint8Array } | { message: string } {
  const ports = new Uint8Array(65536);
  const parts = input.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) {
    return { message: 'Enter a port (443) or a range (1000-2000).' };
  }
  for (const part of parts) {
    const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(part);
    if (match === null) {
      return { message: `"${part}" is not a port or range. Examples: 443, 1000-2000.` };
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from > 65535 || to > 65535) {
      return { message: `Ports go from 0 to 65535; "${part}" is outside that.` };
    }
    if (from > to) {
      return { message: `The range "${part}" starts after it ends; write the smaller port first.` };
    }
    ports.fill(1, from, to + 1);
  }
  return { ports };
}

/** A MAC address written with `-` or `:` between its six byte pairs: `00-0D-3A-C1-D4-BD`. */
const separatedMac = /^[0-9a-f]{2}([-:])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/;

/**
 * The lower-case strings a text search looks for. Flow logs store MACs bare (`000D3AC1D4BD`)
 * while Azure and our tree tooltips show them separated, so a separated MAC also looks for its
 * bare form; the typed form stays, as `aa:bb:cc:dd:ee:ff` can be part of an IPv6 address.
 */
export function textNeedles(needle: string): string[] {
  return separatedMac.test(needle) ? [needle, needle.replace(/[-:]/g, '')] : [needle];
}

/**
 * Compiles `filter` for `table`. Never throws for bad user input: a value that cannot be parsed
 * (bad CIDR, bad port range, inverted time range) becomes a `FilterProblem` and is ignored.
 * With `owners` (the signed-in inventory's NICs), the text also finds NIC and VM names.
 */
export function compileFilter(table: FlowTable, filter: RowFilter, owners?: AddressOwners): CompiledFilter {
  const problems: FilterProblem[] = [];
  const ipCount = table.ips.size;
  const contextCount = table.contexts.length;

  // Direction, decision and state all live in the flags byte: one lookup decides all three.
  let flagsOk: Uint8Array | undefined;
  const states = filter.states !== undefined && filter.states.length > 0 ? new Set<string>(filter.states) : undefined;
  if (filter.direction !== undefined || filter.decision !== undefined || states !== undefined) {
    flagsOk = new Uint8Array(256);
    for (let flags = 0; flags < 256; flags++) {
      const state = flagState(flags) ?? 'none';
      flagsOk[flags] =
        (filter.direction === undefined || flagDirection(flags) === filter.direction) &&
        (filter.decision === undefined || flagDecision(flags) === filter.decision) &&
        (states === undefined || states.has(state))
          ? 1
          : 0;
    }
  }

  let protocolOk: Uint8Array | undefined;
  if (filter.protocols !== undefined && filter.protocols.length > 0) {
    protocolOk = new Uint8Array(256);
    for (const protocol of filter.protocols) {
      if (Number.isInteger(protocol) && protocol >= 0 && protocol < 256) {
        protocolOk[protocol] = 1;
      }
    }
  }

  let timeFrom = -Infinity;
  let timeTo = Infinity;
  const hasTimeFrom = typeof filter.timeFrom === 'number' && Number.isFinite(filter.timeFrom);
  const hasTimeTo = typeof filter.timeTo === 'number' && Number.isFinite(filter.timeTo);
  if (hasTimeFrom && hasTimeTo && (filter.timeFrom as number) > (filter.timeTo as number)) {
    problems.push({ field: 'timeTo', message: 'The end of the time range is before its start.' });
  } else {
    if (hasTimeFrom) {
      timeFrom = filter.timeFrom as number;
    }
    if (hasTimeTo) {
      timeTo = filter.timeTo as number;
    }
  }
  const hasTime = timeFrom !== -Infinity || timeTo !== Infinity;

  let portOk: Uint8Array | undefined;
  if (filter.port !== undefined && filter.port.trim() !== '') {
    const parsed = parsePortFilter(filter.port);
    if ('message' in parsed) {
      problems.push({ field: 'port', message: parsed.message });
    } else {
      portOk = parsed.ports;
    }
  }

  let ipOk: Uint8Array | undefined;
  if (filter.ip !== undefined && filter.ip.trim() !== '') {
    const parsed = compileIpMatcher(filter.ip);
    if ('message' in parsed) {
      problems.push({ field: 'ip', message: parsed.message });
    } else {
      ipOk = new Uint8Array(ipCount);
      const values = table.ips.values;
      for (let i = 0; i < ipCount; i++) {
        ipOk[i] = parsed.matcher.matches(values[i]) ? 1 : 0;
      }
    }
  }

  let contextOk: Uint8Array | undefined;
  if (filter.rule !== undefined && filter.rule !== '') {
    contextOk = new Uint8Array(contextCount);
    for (let i = 0; i < contextCount; i++) {
      contextOk[i] = table.contexts[i].rule === filter.rule ? 1 : 0;
    }
  }

  // Text: a row matches when any of its addresses, ports or context strings contains the needle.
  let textIp: Uint8Array | undefined;
  let textContext: Uint8Array | undefined;
  let textPort: Uint8Array | undefined;
  const needle = (filter.text ?? '').trim().toLowerCase();
  if (needle !== '') {
    const needles = textNeedles(needle);
    // Record contexts repeat a few rules, MACs and resource IDs hundreds of thousands of times: each distinct value is searched once.
    const seen = new Map<string, boolean>();
    const contains = (value: string): boolean => {
      let found = seen.get(value);
      if (found === undefined) {
        const lower = value.toLowerCase();
        found = needles.some((item) => lower.includes(item));
        seen.set(value, found);
      }
      return found;
    };
    textIp = new Uint8Array(ipCount);
    const values = table.ips.values;
    for (let i = 0; i < ipCount; i++) {
      textIp[i] = contains(values[i]) || (owners !== undefined && contains(ownerLabel(owners.byIp[values[i].toLowerCase()]))) ? 1 : 0;
    }
    textContext = new Uint8Array(contextCount);
    for (let i = 0; i < contextCount; i++) {
      const context = table.contexts[i];
      textContext[i] =
        contains(context.rule) ||
        contains(context.mac) ||
        contains(context.resourceId) ||
        contains(context.targetResourceId ?? '') ||
        contains(context.aclId ?? '') ||
        (owners !== undefined && contains(ownerLabel(owners.byMac[context.mac])))
          ? 1
          : 0;
    }
    if (/^\d{1,5}$/.test(needle)) {
      textPort = new Uint8Array(65536);
      for (let port = 0; port < 65536; port++) {
        textPort[port] = String(port).includes(needle) ? 1 : 0;
      }
    }
  }

  const isActive =
    flagsOk !== undefined ||
    protocolOk !== undefined ||
    hasTime ||
    portOk !== undefined ||
    ipOk !== undefined ||
    contextOk !== undefined ||
    textIp !== undefined;

  function matchesFields(row: number, flags: number): boolean {
    if (flagsOk !== undefined && flagsOk[flags] === 0) {
      return false;
    }
    if (protocolOk !== undefined && protocolOk[table.protocol[row]] === 0) {
      return false;
    }
    if (portOk !== undefined && portOk[table.srcPort[row]] === 0 && portOk[table.dstPort[row]] === 0) {
      return false;
    }
    if (ipOk !== undefined && ipOk[table.srcIp[row]] !== 1 && ipOk[table.dstIp[row]] !== 1) {
      return false;
    }
    if (contextOk !== undefined && contextOk[table.context[row]] !== 1) {
      return false;
    }
    if (textIp !== undefined && textContext !== undefined) {
      if (
        textIp[table.srcIp[row]] !== 1 &&
        textIp[table.dstIp[row]] !== 1 &&
        textContext[table.context[row]] !== 1 &&
        (textPort === undefined || (textPort[table.srcPort[row]] === 0 && textPort[table.dstPort[row]] === 0))
      ) {
        return false;
      }
    }
    return true;
  }

  return {
    problems,
    isActive,
    parts: { flagsOk, protocolOk, timeFrom, timeTo, hasTime, portOk, ipOk, contextOk, textIp, textContext, textPort },
    matchesRow(row: number): boolean {
      if (hasTime) {
        const time = table.time[row];
        if (time < timeFrom || time > timeTo) {
          return false;
        }
      }
      return matchesFields(row, table.flags[row]);
    },
    matchesConnection(connections: ConnectionColumns, index: number): boolean {
      if (hasTime && (connections.end[index] < timeFrom || connections.start[index] > timeTo)) {
        return false;
      }
      const first = connections.tupleRows[connections.tupleRowStart[index]];
      // Direction comes from the first tuple; decision and state from the last one.
      const flags = (table.flags[first] & 1) | (connections.finalFlags[index] & ~1);
      return matchesFields(first, flags);
    },
  };
}

/** Rows of `table` matching `filter`, in table order. */
export function filterRows(table: FlowTable, filter: CompiledFilter): Uint32Array {
  const result = new Uint32Array(table.length);
  return result.slice(0, matchRows(table, filter, 0, table.length, result, 0));
}

/**
 * Appends the rows `fromRow..toRow` of `table` matching `filter` to `index[0..length)`, in table
 * order; returns the index (a bigger copy when it had no room) and its new length.
 */
export function appendMatchingRows(table: FlowTable, filter: CompiledFilter, fromRow: number, toRow: number, index: Uint32Array, length: number): { index: Uint32Array; length: number } {
  let result = index;
  const needed = length + Math.max(0, toRow - fromRow);
  if (needed > result.length) {
    result = new Uint32Array(Math.max(needed, Math.min(Math.ceil(result.length * 1.5), table.capacity)));
    result.set(index.subarray(0, length));
  }
  return { index: result, length: matchRows(table, filter, fromRow, toRow, result, length) };
}

/** Writes the matching rows of `fromRow..toRow` to `result` from `at`; returns the position after the last. */
function matchRows(table: FlowTable, filter: CompiledFilter, fromRow: number, toRow: number, result: Uint32Array, at: number): number {
  let count = at;
  if (!filter.isActive) {
    for (let row = fromRow; row < toRow; row++) {
      result[count++] = row;
    }
    return count;
  }
  // One loop with every lookup in a local: this runs over millions of rows per keystroke.
  const { flagsOk, protocolOk, timeFrom, timeTo, hasTime, portOk, ipOk, contextOk, textIp, textContext, textPort } = filter.parts;
  const { flags, protocol, time, srcPort, dstPort, srcIp, dstIp, context } = table;
  for (let row = fromRow; row < toRow; row++) {
    if (flagsOk !== undefined && flagsOk[flags[row]] === 0) {
      continue;
    }
    if (protocolOk !== undefined && protocolOk[protocol[row]] === 0) {
      continue;
    }
    if (hasTime) {
      const t = time[row];
      if (t < timeFrom || t > timeTo) {
        continue;
      }
    }
    if (portOk !== undefined && portOk[srcPort[row]] === 0 && portOk[dstPort[row]] === 0) {
      continue;
    }
    if (ipOk !== undefined && ipOk[srcIp[row]] !== 1 && ipOk[dstIp[row]] !== 1) {
      continue;
    }
    if (contextOk !== undefined && contextOk[context[row]] !== 1) {
      continue;
    }
    if (
      textIp !== undefined &&
      textContext !== undefined &&
      textIp[srcIp[row]] !== 1 &&
      textIp[dstIp[row]] !== 1 &&
      textContext[context[row]] !== 1 &&
      (textPort === undefined || (textPort[srcPort[row]] === 0 && textPort[dstPort[row]] === 0))
    ) {
      continue;
    }
    result[count++] = row;
  }
  return count;
}

/** Connection numbers matching `filter`, in connection order. */
export function filterConnections(connections: ConnectionColumns, filter: CompiledFilter): Uint32Array {
  const length = connections.length;
  const result = new Uint32Array(length);
  let count = 0;
  for (let index = 0; index < length; index++) {
    if (!filter.isActive || filter.matchesConnection(connections, index)) {
      result[count++] = index;
    }
  }
  return result.slice(0, count);
}

/** Sort ranks of the table's addresses and rules, computed once per table size. */
interface TableRanks {
  ipCount: number;
  contextCount: number;
  ip: Uint32Array;
  rule: Uint32Array;
}

const ranksByTable = new WeakMap<FlowTable, TableRanks>();

function tableRanks(table: FlowTable): TableRanks {
  const cached = ranksByTable.get(table);
  if (cached !== undefined && cached.ipCount === table.ips.size && cached.contextCount === table.contexts.length) {
    return cached;
  }
  const rules = table.contexts.map((context) => context.rule);
  const ruleOrder = [...new Set(rules)].sort((a, b) => a.localeCompare(b));
  const ruleRank = new Map(ruleOrder.map((rule, rank) => [rule, rank]));
  const ranks: TableRanks = {
    ipCount: table.ips.size,
    contextCount: table.contexts.length,
    ip: rankAddresses(table.ips.values),
    rule: Uint32Array.from(rules, (rule) => ruleRank.get(rule) ?? 0),
  };
  ranksByTable.set(table, ranks);
  return ranks;
}

/** The sum of two counters, NaN when neither was logged. */
export function sumCounters(a: number, b: number): number {
  if (Number.isNaN(a)) {
    return b;
  }
  return Number.isNaN(b) ? a : a + b;
}

/** Stable sort of tuple rows. `duration` does not apply to tuples and keeps the order. */
export function sortRows(table: FlowTable, rows: Uint32Array, sort: SortSpec | undefined): Uint32Array {
  if (sort === undefined || sort.column === 'duration') {
    return rows;
  }
  const keys = new Float64Array(rows.length);
  const needsRanks = sort.column === 'srcIp' || sort.column === 'dstIp' || sort.column === 'rule';
  const ranks = needsRanks ? tableRanks(table) : undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    keys[i] = tupleKey(table, row, sort.column, ranks, table.flags[row]);
  }
  return sortByKeys(rows, keys, sort.descending);
}

function tupleKey(table: FlowTable, row: number, column: SortSpec['column'], ranks: TableRanks | undefined, flags: number): number {
  switch (column) {
    case 'time':
      return table.time[row];
    case 'srcIp':
      return (ranks as TableRanks).ip[table.srcIp[row]];
    case 'dstIp':
      return (ranks as TableRanks).ip[table.dstIp[row]];
    case 'srcPort':
      return table.srcPort[row];
    case 'dstPort':
      return table.dstPort[row];
    case 'protocol':
      return table.protocol[row];
    case 'direction':
      return flags & 1;
    case 'decision':
      return (flags >> 1) & 1;
    case 'state':
      return flags >> 2;
    case 'rule':
      return (ranks as TableRanks).rule[table.context[row]];
    case 'packets':
      return sumCounters(table.packetsSrcToDst[row], table.packetsDstToSrc[row]);
    case 'bytes':
      return sumCounters(table.bytesSrcToDst[row], table.bytesDstToSrc[row]);
    case 'duration':
      return 0;
  }
}

/** Stable sort of connection numbers; address, port and rule columns use the first tuple. */
export function sortConnections(table: FlowTable, connections: ConnectionColumns, indexes: Uint32Array, sort: SortSpec | undefined): Uint32Array {
  if (sort === undefined) {
    return indexes;
  }
  const keys = new Float64Array(indexes.length);
  const ranks = sort.column === 'srcIp' || sort.column === 'dstIp' || sort.column === 'rule' ? tableRanks(table) : undefined;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    switch (sort.column) {
      case 'time':
        keys[i] = connections.start[index];
        break;
      case 'duration':
        keys[i] = connections.end[index] - connections.start[index];
        break;
      case 'packets':
        keys[i] = sumCounters(connections.packetsSrcToDst[index], connections.packetsDstToSrc[index]);
        break;
      case 'bytes':
        keys[i] = sumCounters(connections.bytesSrcToDst[index], connections.bytesDstToSrc[index]);
        break;
      default: {
        const first = connections.tupleRows[connections.tupleRowStart[index]];
        const flags = (table.flags[first] & 1) | (connections.finalFlags[index] & ~1);
        keys[i] = tupleKey(table, first, sort.column, ranks, flags);
      }
    }
  }
  return sortByKeys(indexes, keys, sort.descending);
}

const topCount = 10;

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

const ruleNameCache = new WeakMap<FlowTable, { contexts: number; rules: Set<string>; sorted: string[] }>();

/** Distinct rule names of the whole table, sorted (looks only at contexts added since the last call). */
export function ruleNames(table: FlowTable): string[] {
  let cached = ruleNameCache.get(table);
  if (cached === undefined || cached.contexts > table.contexts.length) {
    cached = { contexts: 0, rules: new Set(), sorted: [] };
    ruleNameCache.set(table, cached);
  }
  if (cached.contexts < table.contexts.length) {
    const size = cached.rules.size;
    for (let i = cached.contexts; i < table.contexts.length; i++) {
      cached.rules.add(table.contexts[i].rule);
    }
    cached.contexts = table.contexts.length;
    if (cached.rules.size !== size) {
      cached.sorted = [...cached.rules].sort((a, b) => a.localeCompare(b));
    }
  }
  return cached.sorted.slice();
}

/** The traffic-over-time chart has at most this many bars; longer files get longer buckets. */
export const maxTimelineBuckets = 180;
const minuteMs = 60_000;

/**
 * The buckets of the traffic-over-time chart for tuples from `timeFrom` to `timeTo`: whole minutes
 * from the minute of the first, one minute each, or a whole number of minutes when there would
 * be more than `maxTimelineBuckets`. The range is the file's, not the view's, so the chart keeps
 * its axis while filters change.
 */
export function timelineBuckets(timeFrom: number, timeTo: number): { start: number; bucketMs: number; count: number } {
  const start = Math.floor(timeFrom / minuteMs) * minuteMs;
  const minutes = Math.floor((timeTo - start) / minuteMs) + 1;
  const bucketMs = Math.ceil(minutes / maxTimelineBuckets) * minuteMs;
  return { start, bucketMs, count: Math.floor((timeTo - start) / bucketMs) + 1 };
}

const timeRanges = new WeakMap<FlowTable, { rows: number; from: number; to: number }>();

/** The first and last tuple time of the whole table (rows added since the last call are looked at, not the others). */
function tableTimeRange(table: FlowTable): { from: number; to: number } | undefined {
  let range = timeRanges.get(table);
  if (range === undefined || range.rows > table.length) {
    range = { rows: 0, from: Infinity, to: -Infinity };
    timeRanges.set(table, range);
  }
  if (range.rows < table.length) {
    let from = range.from;
    let to = range.to;
    const times = table.time;
    for (let row = range.rows; row < table.length; row++) {
      const time = times[row];
      if (time < from) {
        from = time;
      }
      if (time > to) {
        to = time;
      }
    }
    range.rows = table.length;
    range.from = from;
    range.to = to;
  }
  return Number.isFinite(range.from) && Number.isFinite(range.to) ? range : undefined;
}

/** Calls `visit` with the time, flags and bytes of every row or connection added so far, to lay the timeline out again. */
export type TimelineReplay = (visit: (time: number, flags: number, bytes: number) => void) => void;

/**
 * Totals, top talkers, top denied ports and timeline of a view, added to in any number of steps
 * (a view growing while the file loads only adds its new rows). The timeline follows the table's
 * time range: when that range needs other buckets, `prepare` lays it out again from `replay`.
 */
export class AggregateBuilder {
  total = 0;
  allowed = 0;
  denied = 0;
  bytes = 0;
  packets = 0;
  private talkerBytes = new Float64Array(0);
  private talkerTuples = new Uint32Array(0);
  /** Denied tuples per destination port: TCP, UDP, then a map for other protocols. */
  private readonly deniedTcp = new Uint32Array(65536);
  private readonly deniedUdp = new Uint32Array(65536);
  private readonly deniedOther = new Map<number, number>();
  private timelineStart = 0;
  private bucketMs = minuteMs;
  /** Per bucket: allowed flows, denied flows, allowed bytes, denied bytes (4 numbers each). */
  private timeline: Float64Array | undefined;

  constructor(private readonly table: FlowTable) {
    this.prepare(undefined);
  }

  /**
   * Makes room for the table's addresses and time range as they are now; call before adding rows
   * that arrived since the last step. `replay` is needed once something was added.
   */
  prepare(replay: TimelineReplay | undefined): void {
    const ipCount = this.table.ips.size;
    if (this.talkerTuples.length < ipCount) {
      const size = Math.max(ipCount, this.talkerTuples.length * 2);
      const bytes = new Float64Array(size);
      bytes.set(this.talkerBytes);
      const tuples = new Uint32Array(size);
      tuples.set(this.talkerTuples);
      this.talkerBytes = bytes;
      this.talkerTuples = tuples;
    }
    const range = tableTimeRange(this.table);
    if (range === undefined) {
      return;
    }
    const buckets = timelineBuckets(range.from, range.to);
    const timeline = this.timeline;
    if (timeline !== undefined && buckets.start === this.timelineStart && buckets.bucketMs === this.bucketMs) {
      if (buckets.count * 4 > timeline.length) {
        this.timeline = new Float64Array(buckets.count * 4);
        this.timeline.set(timeline);
      }
      return;
    }
    this.timelineStart = buckets.start;
    this.bucketMs = buckets.bucketMs;
    this.timeline = new Float64Array(buckets.count * 4);
    if (this.total > 0) {
      if (replay === undefined) {
        throw new Error('The timeline needs its rows again to follow a new time range.');
      }
      replay((time, flags, bytes) => this.addTime(time, flags, bytes));
    }
  }

  private addTime(time: number, flags: number, bytes: number): void {
    const timeline = this.timeline;
    if (timeline !== undefined) {
      const bucket = Math.floor((time - this.timelineStart) / this.bucketMs);
      if (bucket >= 0 && bucket * 4 < timeline.length) {
        const at = bucket * 4 + (flags & 2 ? 1 : 0);
        timeline[at]++;
        if (!Number.isNaN(bytes)) {
          timeline[at + 2] += bytes;
        }
      }
    }
  }

  add(time: number, srcIp: number, dstPort: number, protocol: number, flags: number, bytes: number, packets: number, tuples: number): void {
    this.total++;
    this.addTime(time, flags, bytes);
    if (flags & 2) {
      this.denied++;
      if (protocol === 6) {
        this.deniedTcp[dstPort]++;
      } else if (protocol === 17) {
        this.deniedUdp[dstPort]++;
      } else {
        const key = dstPort * 256 + protocol;
        this.deniedOther.set(key, (this.deniedOther.get(key) ?? 0) + 1);
      }
    } else {
      this.allowed++;
    }
    if (!Number.isNaN(bytes)) {
      this.bytes += bytes;
      this.talkerBytes[srcIp] += bytes;
    }
    if (!Number.isNaN(packets)) {
      this.packets += packets;
    }
    this.talkerTuples[srcIp] += tuples;
  }

  /** Adds tuple rows `rows[from..to)`. */
  addRows(rows: ArrayLike<number>, from = 0, to = rows.length): void {
    // The body of `add`, with every column in a local: this runs over every matching row of a query.
    const { time, srcIp, dstPort, protocol, flags, bytesSrcToDst, bytesDstToSrc, packetsSrcToDst, packetsDstToSrc } = this.table;
    const { talkerBytes, talkerTuples, deniedTcp, deniedUdp, timeline, timelineStart, bucketMs } = this;
    const buckets = timeline === undefined ? 0 : timeline.length / 4;
    let denied = 0;
    let bytesTotal = 0;
    let packetsTotal = 0;
    for (let i = from; i < to; i++) {
      const row = rows[i];
      const rowFlags = flags[row];
      const b1 = bytesSrcToDst[row];
      const b2 = bytesDstToSrc[row];
      const bytes = b1 === b1 ? (b2 === b2 ? b1 + b2 : b1) : b2;
      const p1 = packetsSrcToDst[row];
      const p2 = packetsDstToSrc[row];
      const packets = p1 === p1 ? (p2 === p2 ? p1 + p2 : p1) : p2;
      const isDenied = (rowFlags & 2) !== 0;
      if (timeline !== undefined) {
        const bucket = Math.floor((time[row] - timelineStart) / bucketMs);
        if (bucket >= 0 && bucket < buckets) {
          const at = bucket * 4 + (isDenied ? 1 : 0);
          timeline[at]++;
          if (bytes === bytes) {
            timeline[at + 2] += bytes;
          }
        }
      }
      if (isDenied) {
        denied++;
        const port = dstPort[row];
        const rowProtocol = protocol[row];
        if (rowProtocol === 6) {
          deniedTcp[port]++;
        } else if (rowProtocol === 17) {
          deniedUdp[port]++;
        } else {
          const key = port * 256 + rowProtocol;
          this.deniedOther.set(key, (this.deniedOther.get(key) ?? 0) + 1);
        }
      }
      const source = srcIp[row];
      if (bytes === bytes) {
        bytesTotal += bytes;
        talkerBytes[source] += bytes;
      }
      if (packets === packets) {
        packetsTotal += packets;
      }
      talkerTuples[source]++;
    }
    const count = Math.max(0, to - from);
    this.total += count;
    this.denied += denied;
    this.allowed += count - denied;
    this.bytes += bytesTotal;
    this.packets += packetsTotal;
  }

  /** Adds connections `indexes[0..length)`: each by its first tuple's source, port and protocol, its start, final flags and summed counters. */
  addConnections(connections: ConnectionColumns, indexes: ArrayLike<number>): void {
    const { srcIp, dstPort, protocol } = this.table;
    const { tupleRows, tupleRowStart, tupleCount, start, finalFlags, bytesSrcToDst, bytesDstToSrc, packetsSrcToDst, packetsDstToSrc } = connections;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i];
      const first = tupleRows[tupleRowStart[index]];
      const b1 = bytesSrcToDst[index];
      const b2 = bytesDstToSrc[index];
      const p1 = packetsSrcToDst[index];
      const p2 = packetsDstToSrc[index];
      this.add(start[index], srcIp[first], dstPort[first], protocol[first], finalFlags[index], b1 === b1 ? (b2 === b2 ? b1 + b2 : b1) : b2, p1 === p1 ? (p2 === p2 ? p1 + p2 : p1) : p2, tupleCount[index]);
    }
  }

  result(): ViewAggregates {
    const talkers: number[] = [];
    const better = (a: number, b: number): boolean =>
      this.talkerBytes[a] > this.talkerBytes[b] || (this.talkerBytes[a] === this.talkerBytes[b] && this.talkerTuples[a] > this.talkerTuples[b]);
    for (let ip = 0; ip < this.talkerTuples.length; ip++) {
      if (this.talkerTuples[ip] === 0) {
        continue;
      }
      if (talkers.length === topCount && !better(ip, talkers[topCount - 1])) {
        continue;
      }
      let position = Math.min(talkers.length, topCount - 1);
      talkers[position] = ip;
      while (position > 0 && better(ip, talkers[position - 1])) {
        talkers[position] = talkers[position - 1];
        talkers[position - 1] = ip;
        position--;
      }
    }
    const denied = [...this.deniedOther.entries()];
    if (this.denied > 0) {
      for (let port = 0; port < 65536; port++) {
        if (this.deniedTcp[port] > 0) {
          denied.push([port * 256 + 6, this.deniedTcp[port]]);
        }
        if (this.deniedUdp[port] > 0) {
          denied.push([port * 256 + 17, this.deniedUdp[port]]);
        }
      }
    }
    const deniedPorts = denied
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, topCount)
      .map(([key, count]) => ({ label: `${Math.floor(key / 256)}/${protocolName(key % 256)}`, count }));
    const aggregates: ViewAggregates = {
      total: this.total,
      allowed: this.allowed,
      denied: this.denied,
      bytes: this.bytes,
      packets: this.packets,
      topTalkers: talkers.map((ip) => ({ label: this.table.ips.values[ip], bytes: this.talkerBytes[ip], tuples: this.talkerTuples[ip] })),
      topDeniedPorts: deniedPorts,
      rules: ruleNames(this.table),
    };
    if (this.timeline !== undefined) {
      aggregates.timeline = this.timelineResult(this.timeline);
    }
    return aggregates;
  }

  private timelineResult(values: Float64Array): Timeline {
    const count = values.length / 4;
    const timeline: Timeline = { start: this.timelineStart, bucketMs: this.bucketMs, allowedFlows: [], deniedFlows: [], allowedBytes: [], deniedBytes: [] };
    for (let bucket = 0; bucket < count; bucket++) {
      timeline.allowedFlows.push(values[bucket * 4]);
      timeline.deniedFlows.push(values[bucket * 4 + 1]);
      timeline.allowedBytes.push(values[bucket * 4 + 2]);
      timeline.deniedBytes.push(values[bucket * 4 + 3]);
    }
    return timeline;
  }
}

/** Totals, top talkers (source address by bytes) and top denied destination ports of some tuple rows. */
export function aggregateRows(table: FlowTable, rows: ArrayLike<number>): ViewAggregates {
  const builder = new AggregateBuilder(table);
  builder.addRows(rows);
  return builder.result();
}

/** The same aggregates over connections; talkers count each connection's tuples. */
export function aggregateConnections(table: FlowTable, connections: ConnectionColumns, indexes: ArrayLike<number>): ViewAggregates {
  const builder = new AggregateBuilder(table);
  builder.addConnections(connections, indexes);
  return builder.result();
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
