/**
 * Builds a dependency map's edges from decoded flow tuples: one edge per (initiating address, peer
 * address, protocol, destination port), with connections, allowed and denied attempts, bytes,
 * packets and the first and last time seen.
 *
 * A flow between two logged NICs is written twice, outbound at its source and inbound at its
 * destination. Each edge therefore keeps what each side logged apart and reports the larger of the
 * two: the same connection is not counted twice, and a flow only one side logged (the other NIC
 * not logged, or denied before it left) still counts.
 *
 * Tables from several files (each with its own address dictionary) go into one builder; the hot
 * loop only reads typed arrays and two number-keyed maps.
 */
import type { MapEdge, MapEdges } from '../core/dependencyMap';
import { flagStateCode, type Dictionary, type FlowTable } from './flowTable';

/** Addresses are numbered below 2^26 so that a pair of them makes one exact number key. */
const addressLimit = 2 ** 26;
const pairFactor = 2 ** 24;
const denyBit = 2;
const outboundBit = 1;
/** State codes (flowTable.ts): 0 none (NSG v1), 1 begin, 2 continuing, 3 end, 4 deny. */
const stateNone = 0;
const stateBegin = 1;
const stateDeny = 4;

/** Per-edge counters, two slots per edge: [inbound, outbound]. */
const counterNames = ['connections', 'allowed', 'denied', 'bytes', 'packets'] as const;

export class DependencyMapBuilder {
  private readonly ips: string[] = [];
  private readonly ipIndex = new Map<string, number>();
  /** Per table dictionary: its address index → ours (-1 not yet seen). */
  private readonly remaps = new WeakMap<Dictionary, Int32Array>();
  private readonly pairs = new Map<number, number>();
  private readonly edgeIndex = new Map<number, number>();
  private edgeCount = 0;
  private capacity = 1024;
  private source = new Uint32Array(this.capacity);
  private target = new Uint32Array(this.capacity);
  private service = new Uint32Array(this.capacity);
  private firstSource = new Uint32Array(this.capacity);
  private counters = counterNames.map(() => new Float64Array(this.capacity * 2));
  private firstSeen = new Float64Array(this.capacity);
  private lastSeen = new Float64Array(this.capacity);
  private tuples = 0;

  /**
   * Adds the given rows of `table` (all of them when `rows` is undefined). `source` numbers where
   * they come from (the file of several): each edge remembers the first source it was seen in.
   */
  add(table: FlowTable, rows?: ArrayLike<number>, source = 0): void {
    const remap = this.remapFor(table.ips);
    const count = rows === undefined ? table.length : rows.length;
    const [connections, allowed, denied, bytes, packets] = this.counters;
    const { srcIp, dstIp, protocol, dstPort, flags, time, bytesSrcToDst, bytesDstToSrc, packetsSrcToDst, packetsDstToSrc } = table;
    for (let i = 0; i < count; i++) {
      const row = rows === undefined ? i : rows[i];
      let src = remap[srcIp[row]];
      if (src < 0) {
        src = this.intern(table.ips.values[srcIp[row]], remap, srcIp[row]);
      }
      let dst = remap[dstIp[row]];
      if (dst < 0) {
        dst = this.intern(table.ips.values[dstIp[row]], remap, dstIp[row]);
      }
      const pairKey = src * addressLimit + dst;
      let pair = this.pairs.get(pairKey);
      if (pair === undefined) {
        pair = this.pairs.size;
        this.pairs.set(pairKey, pair);
      }
      const serviceKey = protocol[row] * 65536 + dstPort[row];
      const edgeKey = pair * pairFactor + serviceKey;
      let edge = this.edgeIndex.get(edgeKey);
      const at = time[row];
      if (edge === undefined) {
        edge = this.newEdge(src, dst, serviceKey, at, source);
        this.edgeIndex.set(edgeKey, edge);
      } else {
        if (at < this.firstSeen[edge]) {
          this.firstSeen[edge] = at;
        }
        if (at > this.lastSeen[edge]) {
          this.lastSeen[edge] = at;
        }
      }
      const flag = flags[row];
      const slot = edge * 2 + (flag & outboundBit);
      const state = flagStateCode(flag);
      if (state === stateBegin || state === stateNone || state === stateDeny) {
        connections[slot]++;
        if (flag & denyBit) {
          denied[slot]++;
        } else {
          allowed[slot]++;
        }
      }
      const byteSum = (bytesSrcToDst[row] || 0) + (bytesDstToSrc[row] || 0);
      if (byteSum > 0) {
        bytes[slot] += byteSum;
      }
      const packetSum = (packetsSrcToDst[row] || 0) + (packetsDstToSrc[row] || 0);
      if (packetSum > 0) {
        packets[slot] += packetSum;
      }
    }
    this.tuples += count;
  }

  /** The edges so far, each side's figures reduced to the larger one. */
  finish(): MapEdges {
    const edges: MapEdge[] = new Array<MapEdge>(this.edgeCount);
    const [connections, allowed, denied, bytes, packets] = this.counters;
    const larger = (values: Float64Array, edge: number): number => Math.max(values[edge * 2], values[edge * 2 + 1]);
    for (let edge = 0; edge < this.edgeCount; edge++) {
      const service = this.service[edge];
      edges[edge] = {
        source: this.source[edge],
        target: this.target[edge],
        protocol: Math.floor(service / 65536),
        port: service % 65536,
        connections: larger(connections, edge),
        allowed: larger(allowed, edge),
        denied: larger(denied, edge),
        bytes: larger(bytes, edge),
        packets: larger(packets, edge),
        firstSeen: this.firstSeen[edge],
        lastSeen: this.lastSeen[edge],
      };
      if (this.firstSource[edge] !== 0) {
        edges[edge].firstFile = this.firstSource[edge];
      }
    }
    return { ips: this.ips, edges, tuples: this.tuples };
  }

  private remapFor(dictionary: Dictionary): Int32Array {
    let remap = this.remaps.get(dictionary);
    if (remap === undefined || remap.length < dictionary.size) {
      const bigger = new Int32Array(Math.max(1024, dictionary.size * 2)).fill(-1);
      if (remap !== undefined) {
        bigger.set(remap);
      }
      remap = bigger;
      this.remaps.set(dictionary, remap);
    }
    return remap;
  }

  private intern(ip: string, remap: Int32Array, tableIndex: number): number {
    let index = this.ipIndex.get(ip);
    if (index === undefined) {
      index = this.ips.length;
      if (index >= addressLimit) {
        throw new RangeError(`A dependency map holds at most ${addressLimit} addresses.`);
      }
      this.ips.push(ip);
      this.ipIndex.set(ip, index);
    }
    remap[tableIndex] = index;
    return index;
  }

  private newEdge(src: number, dst: number, service: number, at: number, source: number): number {
    if (this.edgeCount === this.capacity) {
      this.grow();
    }
    const edge = this.edgeCount++;
    this.source[edge] = src;
    this.target[edge] = dst;
    this.service[edge] = service;
    this.firstSource[edge] = source;
    this.firstSeen[edge] = at;
    this.lastSeen[edge] = at;
    return edge;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const grown = <T extends Uint32Array | Float64Array>(array: T, length: number): T => {
      const bigger = new (array.constructor as new (length: number) => T)(length);
      bigger.set(array);
      return bigger;
    };
    this.source = grown(this.source, capacity);
    this.target = grown(this.target, capacity);
    this.service = grown(this.service, capacity);
    this.firstSource = grown(this.firstSource, capacity);
    this.firstSeen = grown(this.firstSeen, capacity);
    this.lastSeen = grown(this.lastSeen, capacity);
    this.counters = this.counters.map((values) => grown(values, capacity * 2));
    this.capacity = capacity;
  }
}
