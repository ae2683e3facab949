/**
 * Records identical to an earlier one (a blob appended to twice, a record written again): they
 * would count their tuples twice, so the decoder skips them unless asked to keep them.
 */
import type { FlowTable } from './flowTable';
import type { RecordHeader } from './recordParser';

interface SeenRecord {
  rowStart: number;
  contextStart: number;
  batch: number;
  /** 64-bit hash of the first and last rows (rowsHash with edgesOnly), in two halves. */
  edgeA: number;
  edgeB: number;
  /** Another record with the same header hash. */
  next: SeenRecord | undefined;
}

export class RecordDedup {
  /** Records seen so far, by a key made of their header and sizes (see isRepeat). */
  private readonly seenRecords = new Map<number, SeenRecord>();
  /** Counts `FlowTable.clear()` calls, after which earlier rows are gone. */
  private batch = 0;

  constructor(
    private readonly table: FlowTable,
    /** Small ids of interned strings (StringCache.stringIds). */
    private readonly stringIds: ReadonlyMap<string, number>,
  ) {}

  /** The caller emptied the table (streaming): rows and contexts of earlier records are gone. */
  tableCleared(): void {
    this.batch++;
  }

  /**
   * Whether the record just decoded (rows `rowStart..`) repeats an earlier one value for
   * value. Records are first matched by a hash of their header (time, category, resource IDs,
   * MAC, GUIDs, operation name, version) and sizes, which is unique in practice; on a match
   * the rows of both are compared through a 64-bit hash of every decoded field. When the
   * earlier record's rows were already handed over in an earlier batch, its rule groups and
   * first and last tuples are compared instead.
   */
  isRepeat(header: RecordHeader, rowStart: number, contextStart: number, rejected: number): boolean {
    const table = this.table;
    const rowEnd = table.length;
    const contextEnd = table.contexts.length;
    hashA = 0x811c9dc5;
    hashB = 0;
    mixText(header.time);
    mix(this.stringId(header.category));
    mix(this.stringId(header.resourceId));
    mix(this.stringId(header.flowLogResourceId));
    mix(this.stringId(header.targetResourceId));
    mix(this.stringId(header.macAddress));
    mix(this.stringId(header.systemId));
    mix(this.stringId(header.flowLogGuid));
    mix(this.stringId(header.operationName));
    mix(header.nsgVersion ?? -1);
    mix(header.flowLogVersion ?? -1);
    mix(rowEnd - rowStart);
    mix(rejected);
    mix(contextEnd - contextStart);
    const key = hashA & 0x3fffffff;
    this.rowsHash(rowStart, rowEnd, contextStart, contextEnd, true);
    const edgeA = rowsHashA;
    const edgeB = rowsHashB;
    const first = this.seenRecords.get(key);
    for (let earlier = first; earlier !== undefined; earlier = earlier.next) {
      if (earlier.edgeA !== edgeA || earlier.edgeB !== edgeB) {
        continue;
      }
      if (earlier.batch !== this.batch) {
        return true;
      }
      const length = rowEnd - rowStart;
      const contexts = contextEnd - contextStart;
      this.rowsHash(earlier.rowStart, earlier.rowStart + length, earlier.contextStart, earlier.contextStart + contexts, false);
      const earlierA = rowsHashA;
      const earlierB = rowsHashB;
      this.rowsHash(rowStart, rowEnd, contextStart, contextEnd, false);
      if (earlierA === rowsHashA && earlierB === rowsHashB) {
        return true;
      }
    }
    this.seenRecords.set(key, { rowStart, contextStart, batch: this.batch, edgeA, edgeB, next: first });
    return false;
  }

  /** 64-bit hash of the rule groups and of every row in the range (or only its first and last with `edgesOnly`), into rowsHashA and rowsHashB. */
  private rowsHash(rowStart: number, rowEnd: number, contextStart: number, contextEnd: number, edgesOnly: boolean): void {
    const table = this.table;
    hashA = 0x811c9dc5;
    hashB = 0x01000193;
    for (let c = contextStart; c < contextEnd; c++) {
      const context = table.contexts[c];
      mix(this.stringId(context.rule));
      mix(this.stringId(context.mac));
      mix(this.stringId(context.aclId));
    }
    const time = table.time;
    const packetsSrcToDst = table.packetsSrcToDst;
    const bytesSrcToDst = table.bytesSrcToDst;
    const packetsDstToSrc = table.packetsDstToSrc;
    const bytesDstToSrc = table.bytesDstToSrc;
    const srcIp = table.srcIp;
    const dstIp = table.dstIp;
    const srcPort = table.srcPort;
    const dstPort = table.dstPort;
    const protocol = table.protocol;
    const flags = table.flags;
    const encryption = table.encryption;
    const context = table.context;
    const tupleIndex = table.tupleIndex;
    let a = hashA;
    let b = hashB;
    for (let row = rowStart; row < rowEnd; row++) {
      if (edgesOnly && row === rowStart + 1 && rowEnd - 1 > row) {
        row = rowEnd - 1;
      }
      const p1 = packetsSrcToDst[row];
      const b1 = bytesSrcToDst[row];
      const p2 = packetsDstToSrc[row];
      const b2 = bytesDstToSrc[row];
      const t = time[row];
      // `| 0` keeps the low 32 bits of each integer (ToInt32 is modular); NaN is told apart by `absent`.
      const absent = (p1 !== p1 ? 1 : 0) | (b1 !== b1 ? 2 : 0) | (p2 !== p2 ? 4 : 0) | (b2 !== b2 ? 8 : 0);
      const fields =
        (t | 0) ^
        Math.imul(srcIp[row], 0x9e3779b1) ^
        Math.imul(dstIp[row], 0x85ebca6b) ^
        Math.imul((srcPort[row] << 16) | dstPort[row], 0xc2b2ae35) ^
        Math.imul((protocol[row] << 20) | (flags[row] << 12) | (encryption[row] << 4) | absent, 0x27d4eb2f) ^
        Math.imul(context[row] - contextStart + tupleIndex[row] * 4096, 0x165667b1);
      const counters = Math.imul(p1 | 0, 0x9e3779b1) ^ Math.imul(b1 | 0, 0x85ebca6b) ^ Math.imul(p2 | 0, 0xc2b2ae35) ^ Math.imul(b2 | 0, 0x27d4eb2f) ^ ((t / 4294967296) | 0);
      a = Math.imul(a ^ fields, 0x01000193);
      b = Math.imul(b ^ fields, 0x5bd1e995) ^ (b >>> 15);
      a = Math.imul(a ^ counters, 0x01000193);
      b = Math.imul(b ^ counters, 0x5bd1e995) ^ (b >>> 15);
    }
    rowsHashA = a;
    rowsHashB = b;
  }

  /** A number standing for the string's value (interned strings get a small id). */
  private stringId(text: string | undefined): number {
    if (text === undefined) {
      return -7;
    }
    const id = this.stringIds.get(text);
    if (id !== undefined) {
      return id;
    }
    const saveA = hashA;
    const saveB = hashB;
    mixText(text);
    const value = hashA ^ hashB;
    hashA = saveA;
    hashB = saveB;
    return value;
  }
}

let hashA = 0;
let hashB = 0;
/** Result of RecordDedup.rowsHash. */
let rowsHashA = 0;
let rowsHashB = 0;

function mix(value: number): void {
  const v = value | 0;
  hashA = Math.imul(hashA ^ v, 0x01000193);
  hashB = Math.imul(hashB ^ v, 0x5bd1e995) ^ (hashB >>> 15);
}

function mixText(text: string | undefined): void {
  if (text === undefined) {
    mix(-7);
    return;
  }
  mix(text.length);
  for (let i = 0; i < text.length; i++) {
    mix(text.charCodeAt(i));
  }
}
