/**
 * Rows of the table written from tuples: the checked path for one tuple (a bad one is rejected
 * with a message), and what the fast reader shares with it: the table, the IPv4 index and the
 * tuple count of the record being parsed.
 */
import { cutForProblem, quoteForMessage } from './decodeProblem';
import type { FlowTable } from './flowTable';
import { Ipv4Index } from './ipv4Index';
import { JsonScanner } from './jsonScanner';
import { Layout, ipv4ToString, parseTupleText } from './tupleText';

export abstract class TupleRows extends JsonScanner {
  readonly table: FlowTable;
  protected readonly ipv4 = new Ipv4Index();
  protected tupleCounter = 0;
  /** First context of the record being parsed; its contexts are `table.contexts[recordContextStart..]`. */
  protected recordContextStart = 0;
  /** First row of the record being parsed. */
  protected recordRowStart = 0;
  /** The record being parsed has had a version 1 tuple in a version 2 record (warned once per record). */
  protected recordHasV1Tuple = false;
  protected encryptionNx: number;
  protected encryptionX: number;

  /** Time and the four counters of the row being added (kept out of arguments so doubles are not boxed). */
  protected readonly scratch = new Float64Array(5);

  constructor(table: FlowTable, maxProblems: number) {
    super(maxProblems);
    this.table = table;
    this.encryptionNx = table.encryptions.intern('NX');
    this.encryptionX = table.encryptions.intern('X');
  }

  protected addIpv4(key: number): number {
    const index = this.table.ips.intern(ipv4ToString(key));
    this.ipv4.set(key, index);
    return index;
  }

  protected addRow(src: number, dst: number, srcPort: number, dstPort: number, protocol: number, flags: number, encryption: number, contextIndex: number, tupleIndex: number): void {
    const table = this.table;
    const row = table.length;
    if (row >= table.capacity) {
      table.reserve(1);
    }
    const scratch = this.scratch;
    table.time[row] = scratch[0];
    table.srcIp[row] = src;
    table.dstIp[row] = dst;
    table.srcPort[row] = srcPort;
    table.dstPort[row] = dstPort;
    table.protocol[row] = protocol;
    table.flags[row] = flags;
    table.encryption[row] = encryption;
    table.packetsSrcToDst[row] = scratch[1];
    table.bytesSrcToDst[row] = scratch[2];
    table.packetsDstToSrc[row] = scratch[3];
    table.bytesDstToSrc[row] = scratch[4];
    table.context[row] = contextIndex;
    table.tupleIndex[row] = tupleIndex;
    table.length = row + 1;
  }

  /** The general path: decodes escapes, checks every field and explains what is wrong. */
  protected slowTuple(p: number, layout: Layout, contextIndex: number, tupleIndex: number): number {
    const text = this.readString(p);
    const end = this.cursor;
    const result = parseTupleText(text, layout);
    if (typeof result === 'string') {
      this.rejectTuple(p + 1, tupleIndex, result, text);
      return end;
    }
    const table = this.table;
    const src = table.ips.intern(result.srcIp);
    const dst = table.ips.intern(result.dstIp);
    let encryption = 0;
    if (result.encryption !== undefined) {
      encryption = table.encryptions.intern(result.encryption);
      if (encryption > 255) {
        this.rejectTuple(p + 1, tupleIndex, `too many distinct encryption values (more than 255); ${quoteForMessage(result.encryption)} was not kept`, text);
        return end;
      }
    }
    if (result.layout !== layout && layout === Layout.nsgUnknown) {
      const context = this.table.contexts[contextIndex];
      if (context.version === 0) {
        context.version = result.layout;
      }
    } else if (result.layout !== layout && !this.recordHasV1Tuple) {
      this.recordHasV1Tuple = true;
      this.report({
        severity: 'warning',
        code: 'tuple-layout',
        message: `this tuple has the 8 fields of NSG flow log version 1 in a version 2 record; it was read as version 1 (no flow state or counters), as were any others like it in this record: ${quoteForMessage(text)}`,
        offset: this.base + p + 1,
        recordIndex: this.records,
        tupleIndex,
      });
    }
    const scratch = this.scratch;
    scratch[0] = result.time;
    scratch[1] = result.counters[0];
    scratch[2] = result.counters[1];
    scratch[3] = result.counters[2];
    scratch[4] = result.counters[3];
    this.addRow(src, dst, result.srcPort, result.dstPort, result.protocol, result.flags, encryption, contextIndex, tupleIndex);
    return end;
  }

  protected rejectTuple(offsetInBuffer: number, tupleIndex: number, message: string, text: string): void {
    this.rejectedTuples++;
    this.report({
      severity: 'error',
      code: 'bad-tuple',
      message: `${message}: ${quoteForMessage(text)}`,
      offset: this.base + offsetInBuffer,
      recordIndex: this.records,
      tupleIndex,
      tuple: cutForProblem(text),
    });
  }
}
