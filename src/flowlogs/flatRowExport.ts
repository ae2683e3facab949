/**
 * Rows as CSV (RFC 4180) or NDJSON of their flat form: one row at a time from a FlowRow, or many
 * straight from the table's columns as text or as bytes (the same output either way).
 */
import { flagDecision, flagDirection, flagState, flagStateCode, type FlowRow, type FlowTable, type RecordContext } from './flowTable';
import { csvField, isoTime, jsonText, transportName } from './exportText';
import { IsoTimeCache, ascii, emptyBytes, put, putAscii, putNumber, type ChunkWriter } from './chunkWriter';

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

const counterColumns = ['packetsSrcToDst', 'bytesSrcToDst', 'packetsDstToSrc', 'bytesDstToSrc'] as const;

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
export class RowTextCache {
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
