/** Totals, top talkers, top denied ports and the traffic-over-time chart of a view. */
import type { FlowTable } from './flowTable';
import type { Timeline, ViewAggregates } from '../core/viewerProtocol';
import type { ConnectionColumns } from './queryFilter';
import { protocolName } from './viewRows';

const topCount = 10;

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
