/**
 * Running totals over decoded rows: fed batch by batch while streaming, or once with a whole
 * table. Addresses are counted by their index in the table's address dictionary, which stays
 * stable across `FlowTable.clear()`.
 */
import { packFlags, type FlowTable } from './flowTable';

export interface FlowSummaryResult {
  /** Epoch ms of the earliest and latest tuple; absent when there are none. */
  timeFrom?: number;
  timeTo?: number;
  tuples: number;
  uniqueSources: number;
  uniqueDestinations: number;
  allowed: number;
  denied: number;
  /** Sums of both directions over the tuples that carry counters. */
  bytes: number;
  packets: number;
}

const denyBit = packFlags('inbound', 'deny', undefined);

export class FlowSummary {
  private timeFrom = Infinity;
  private timeTo = -Infinity;
  private tuples = 0;
  private denied = 0;
  private bytes = 0;
  private packets = 0;
  private sources = new Uint8Array(1024);
  private destinations = new Uint8Array(1024);
  private uniqueSources = 0;
  private uniqueDestinations = 0;

  /** Adds rows `fromRow .. table.length - 1`. */
  add(table: FlowTable, fromRow = 0): void {
    const ipCount = table.ips.size;
    if (ipCount > this.sources.length) {
      this.sources = growBitmap(this.sources, ipCount);
      this.destinations = growBitmap(this.destinations, ipCount);
    }
    const sources = this.sources;
    const destinations = this.destinations;
    let timeFrom = this.timeFrom;
    let timeTo = this.timeTo;
    let denied = 0;
    let bytes = 0;
    let packets = 0;
    for (let row = fromRow; row < table.length; row++) {
      const t = table.time[row];
      if (t < timeFrom) {
        timeFrom = t;
      }
      if (t > timeTo) {
        timeTo = t;
      }
      if ((table.flags[row] & denyBit) !== 0) {
        denied++;
      }
      const src = table.srcIp[row];
      if (sources[src] === 0) {
        sources[src] = 1;
        this.uniqueSources++;
      }
      const dst = table.dstIp[row];
      if (destinations[dst] === 0) {
        destinations[dst] = 1;
        this.uniqueDestinations++;
      }
      const b1 = table.bytesSrcToDst[row];
      const b2 = table.bytesDstToSrc[row];
      const p1 = table.packetsSrcToDst[row];
      const p2 = table.packetsDstToSrc[row];
      if (b1 === b1) {
        bytes += b1;
      }
      if (b2 === b2) {
        bytes += b2;
      }
      if (p1 === p1) {
        packets += p1;
      }
      if (p2 === p2) {
        packets += p2;
      }
    }
    this.tuples += Math.max(0, table.length - fromRow);
    this.timeFrom = timeFrom;
    this.timeTo = timeTo;
    this.denied += denied;
    this.bytes += bytes;
    this.packets += packets;
  }

  result(): FlowSummaryResult {
    const result: FlowSummaryResult = {
      tuples: this.tuples,
      uniqueSources: this.uniqueSources,
      uniqueDestinations: this.uniqueDestinations,
      allowed: this.tuples - this.denied,
      denied: this.denied,
      bytes: this.bytes,
      packets: this.packets,
    };
    if (this.tuples > 0) {
      result.timeFrom = this.timeFrom;
      result.timeTo = this.timeTo;
    }
    return result;
  }
}

function growBitmap(bitmap: Uint8Array<ArrayBuffer>, needed: number): Uint8Array<ArrayBuffer> {
  let size = bitmap.length;
  while (size < needed) {
    size *= 2;
  }
  const bigger = new Uint8Array(size);
  bigger.set(bitmap);
  return bigger;
}
