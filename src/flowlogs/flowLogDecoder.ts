/**
 * Decoder for Azure NSG flow logs (version 1 and 2) and VNet flow logs (flowLogVersion 4).
 *
 * The file is read in fixed-size chunks into one reused buffer. Each record is parsed straight
 * from the bytes by a small parser that reads the few record keys generically (repeated keys,
 * rule names and resource IDs are recognised from their bytes, not decoded again) and the
 * flowTuples strings field by field (numbers and IPv4 addresses without creating strings).
 * A record that does not parse within the window is framed at the byte level (string and
 * escape state, bracket depth) to tell "needs more input" from "malformed". Neither the whole
 * text nor an object tree is ever held. Field layouts and quirks: docs/flow-log-formats.md.
 */
import { read as fsRead, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { problemLocation } from './problemLocation';
import { FlowTable, packFlags, type FlowLogFormat, type RecordContext } from './flowTable';

export interface DecodeProblem {
  severity: 'warning' | 'error';
  /** Stable identifier: `json`, `unknown-record`, `bad-tuple`, `truncated`, `nested-records`, `duplicate-records`, `unknown-version`, `unexpected-content`, `record-too-large`, `missing-field`, `missing-list`, `no-records`. */
  code: string;
  message: string;
  /** Byte offset in the file (of the tuple's first character for tuple problems). */
  offset?: number;
  /** 0-based record index (after flattening nested record lists). */
  recordIndex?: number;
  /** 0-based index of the tuple within its record. */
  tupleIndex?: number;
  /** The rejected tuple as written in the log (the first 1000 characters of a longer one, then `…`). */
  tuple?: string;
}

export interface DecodeOptions {
  /** Cancellation: the promise rejects with an error named `AbortError`. */
  signal?: AbortSignal;
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Append rows here; default: a new table. */
  table?: FlowTable;
  /**
   * Streaming: called every `batchRows` rows (and once at the end) with whole records, then
   * `table.clear()`; the contexts of the batch are released too (context indexes restart),
   * while the address and encryption dictionaries keep growing, so their indexes stay stable.
   */
  onBatch?(table: FlowTable): void | Promise<void>;
  /** Default 65536. */
  batchRows?: number;
  /** Keep at most this many problems (the rest are only counted). Default 1000. */
  maxProblems?: number;
  /** Read chunk size in bytes (default 4 MiB); small values exercise the streaming paths. */
  chunkBytes?: number;
  /**
   * Decode a record identical to an earlier one again, as collectors that count every record do.
   * Default false: it is skipped (its tuples would be counted twice) and one warning says how many were.
   */
  keepDuplicates?: boolean;
}

export interface DecodeResult {
  table: FlowTable;
  /** Records decoded (a record identical to an earlier one is skipped and not counted, unless `keepDuplicates`). */
  records: number;
  /** Records identical to an earlier one: skipped, or with `keepDuplicates` decoded again and counted in `records`. */
  duplicateRecords: number;
  /** Tuples that became rows. */
  tuples: number;
  rejectedTuples: number;
  problems: DecodeProblem[];
  /** All problems, including those beyond `maxProblems`. */
  problemCount: number;
  /** Formats seen, in order of first appearance, e.g. `NSG flow log v2`, `VNet flow log v4`. */
  formats: string[];
  bytes: number;
  /** Set when the input ends inside a record or before the records list is closed: the byte offset where it ends. */
  truncatedAt?: number;
}

const defaultBatchRows = 65536;
const defaultMaxProblems = 1000;
const defaultChunkBytes = 4 * 1024 * 1024;
/** A single record larger than this is reported and skipped rather than buffered. */
const maxRecordBytes = 64 * 1024 * 1024;
const maxTupleTextInMessage = 200;
const maxTupleTextInProblem = 1000;
/**
 * A tuple time further than this from its record's time is reported (records are written about
 * once a minute, with tuples of the minute before; a day is far beyond any delay seen).
 */
const maxTupleTimeDistanceMs = 24 * 60 * 60 * 1000;
const flowTuplesKey = Buffer.from('"flowTuples"');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const DOT = 0x2e;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const nsgCategory = 'NetworkSecurityGroupFlowEvent';
const vnetCategory = 'FlowLogFlowEvent';

/** Tuple layouts. `nsgUnknown`: an NSG record without properties.Version, inferred per tuple from its field count. */
const enum Layout {
  nsgUnknown = 0,
  nsg1 = 1,
  nsg2 = 2,
  vnet = 4,
}

const flagOutbound = packFlags('outbound', 'allow', undefined);
const flagDeny = packFlags('inbound', 'deny', undefined);
const flagBegin = packFlags('inbound', 'allow', 'begin');
const flagContinuing = packFlags('inbound', 'allow', 'continuing');
const flagEnd = packFlags('inbound', 'allow', 'end');
const flagDenyState = packFlags('inbound', 'deny', 'deny');

class ParseError extends Error {
  constructor(
    readonly position: number,
    message: string,
    /** Set for a record that parses but cannot be read as a flow-log record (the message then names no byte). */
    readonly code?: string,
    /** Tuples known to be lost with the record (counted as rejected). */
    readonly lostTuples = 0,
  ) {
    super(message);
  }
}

/** Thrown while parsing optimistically when the item has to be framed first. */
const needFraming = new Error('the record has to be framed first');

function abortError(): Error {
  return new DOMException('Decoding was cancelled.', 'AbortError');
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function ipv4ToString(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * A value quoted for a message, cut to a readable length: a bad value can be megabytes long and
 * is printed with every problem (`"99999…" (5242880 characters)`).
 */
function quoteForMessage(text: string): string {
  if (text.length <= maxTupleTextInMessage) {
    return JSON.stringify(text);
  }
  return `${JSON.stringify(`${text.slice(0, maxTupleTextInMessage)}…`)} (${text.length} characters)`;
}

/** The start of a long value, for `DecodeProblem.tuple` (the whole value can be read with readRecordAt). */
function cutForProblem(text: string): string {
  return text.length > maxTupleTextInProblem ? `${text.slice(0, maxTupleTextInProblem)}…` : text;
}

/** `byte 1834, record 3, tuple 7: expected 13 fields…` (the parts that are known). */
export function describeProblem(problem: DecodeProblem): string {
  const where = problemLocation(problem);
  return where.length > 0 ? `${where}: ${problem.message}` : problem.message;
}

/** Format label for `DecodeResult.formats`. */
export function formatLabel(format: FlowLogFormat, version: number): string {
  return format === 'nsg' ? `NSG flow log v${version}` : `VNet flow log v${version}`;
}

/** Accepts full and `::`-compressed IPv6 forms, optionally ending in an embedded IPv4 address. */
export function isIpv6(text: string): boolean {
  if (text.length < 2 || text.length > 45 || !text.includes(':')) {
    return false;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return false;
  }
  let groups = 0;
  for (let h = 0; h < halves.length; h++) {
    if (halves[h] === '') {
      continue;
    }
    const parts = halves[h].split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && h === halves.length - 1 && part.includes('.')) {
        if (!isCanonicalIpv4(part)) {
          return false;
        }
        groups += 2;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
        groups += 1;
      } else {
        return false;
      }
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

function isCanonicalIpv4(text: string): boolean {
  return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(text);
}

/** Dotted quad with a leading zero in an octet (`20.55.013.5`): octal to some readers, decimal to others. */
function hasLeadingZeroOctet(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part)) && parts.some((part) => part.length > 1 && part.startsWith('0'));
}

/** Why an address field is not accepted, or undefined when it is an IPv4 or IPv6 address. */
function addressProblem(text: string, which: 'source' | 'destination'): string | undefined {
  if (isCanonicalIpv4(text) || isIpv6(text)) {
    return undefined;
  }
  if (hasLeadingZeroOctet(text)) {
    return `${which} address ${quoteForMessage(text)} has an octet with a leading zero, which some tools read as octal and others as decimal; not accepted as an IPv4 address`;
  }
  return `${which} address ${quoteForMessage(text)} is not an IPv4 or IPv6 address`;
}

interface CacheEntry {
  /** Hash of the raw bytes (see readCached). */
  key: number;
  bytes: Uint8Array;
  value: string;
  next: CacheEntry | undefined;
  /** The entry read right after this one last time: records repeat the same sequence of keys and names. */
  successor: CacheEntry | undefined;
}

const maxCachedStrings = 50000;

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

interface RecordHeader {
  time?: string;
  category?: string;
  resourceId?: string;
  macAddress?: string;
  nsgVersion?: number;
  flowLogVersion?: number;
  flowLogResourceId?: string;
  targetResourceId?: string;
}

/** Open-addressing map from an IPv4 address (as int32) to its index in `FlowTable.ips`. */
class Ipv4Index {
  /** Read directly by FlowLogDecoder.fastTuples (the same probe as `get`). */
  keys = new Int32Array(1024);
  values = new Int32Array(1024).fill(-1);
  mask = 1023;
  private size = 0;

  get(key: number): number {
    let slot = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const value = this.values[slot];
      if (value < 0 || this.keys[slot] === key) {
        return value;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) {
      this.rehash();
    }
    let slot = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    while (this.values[slot] >= 0 && this.keys[slot] !== key) {
      slot = (slot + 1) & this.mask;
    }
    if (this.values[slot] < 0) {
      this.size++;
    }
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  private rehash(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.values = new Int32Array(oldKeys.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] >= 0) {
        this.set(oldKeys[i], oldValues[i]);
      }
    }
  }
}

const enum Mode {
  top,
  list,
  afterList,
}

/**
 * Incremental decoder: feed it windows of the input with `process`; it consumes whole
 * records and reports how far it got, so the caller can keep the unconsumed tail.
 */
class FlowLogDecoder {
  readonly problems: DecodeProblem[] = [];
  problemCount = 0;
  records = 0;
  rejectedTuples = 0;
  readonly formats: string[] = [];
  truncatedAt: number | undefined;

  private mode = Mode.top;
  private listIsObject = false;
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;
  private limit = 0;
  private cursor = 0;
  private readonly ipv4 = new Ipv4Index();
  private readonly strings = new Map<string, string>();
  private readonly stringIds = new Map<string, number>();
  /** Hash table of cached strings: chains of entries by `key & cacheMask`. */
  private cacheSlots: (CacheEntry | undefined)[] = new Array<CacheEntry | undefined>(256).fill(undefined);
  private cacheMask = 255;
  private cacheSize = 0;
  private lastCached: CacheEntry | undefined;
  private readonly macs = new Map<string, string>();
  private lastFormat: FlowLogFormat | undefined;
  private lastVersion = -1;
  /** Records seen so far, by a key made of their header and sizes (see isRepeat). */
  private readonly seenRecords = new Map<number, SeenRecord>();
  /** Counts `FlowTable.clear()` calls, after which earlier rows are gone. */
  private batch = 0;
  private duplicates = 0;
  /** With `keepDuplicates`: records identical to an earlier one, decoded again. */
  private keptDuplicates = 0;
  private firstDuplicateOffset = -1;
  private nestedDepth = 0;
  private nestedListsDecoded = 0;
  private optimistic = false;
  private inGarbage = false;
  private tupleCounter = 0;
  /** First context of the record being parsed; its contexts are `table.contexts[recordContextStart..]`. */
  private recordContextStart = 0;
  /** First row of the record being parsed. */
  private recordRowStart = 0;
  private nsgLayoutInferred = false;
  /** The record being parsed has had a version 1 tuple in a version 2 record (warned once per record). */
  private recordHasV1Tuple = false;
  private encryptionNx: number;
  private encryptionX: number;
  private readonly batchRows: number;
  private readonly maxProblems: number;
  private readonly streaming: boolean;
  private readonly keepDuplicates: boolean;

  constructor(
    readonly table: FlowTable,
    options: { batchRows?: number; maxProblems?: number; streaming: boolean; keepDuplicates?: boolean },
  ) {
    this.batchRows = Math.max(1, options.batchRows ?? defaultBatchRows);
    this.maxProblems = options.maxProblems ?? defaultMaxProblems;
    this.streaming = options.streaming;
    this.keepDuplicates = options.keepDuplicates === true;
    this.encryptionNx = table.encryptions.intern('NX');
    this.encryptionX = table.encryptions.intern('X');
  }

  /** Records identical to an earlier one, skipped or kept. */
  get duplicateRecords(): number {
    return this.duplicates + this.keptDuplicates;
  }

  get batchReady(): boolean {
    return this.streaming && this.table.length >= this.batchRows;
  }

  /**
   * Decodes whole records in `buf[pos..end)` (file offset of `buf[0]` is `base`). Returns the
   * position up to which input was consumed. With `eof`, everything is consumed and a record
   * cut by the end is reported; with `atLimit`, a record that does not fit is reported and skipped.
   */
  process(buf: Buffer, pos: number, end: number, base: number, eof: boolean, atLimit: boolean): number {
    this.buf = buf;
    this.base = base;
    while (!this.batchReady) {
      if (this.inGarbage) {
        // Still skipping unexpected content to the next record, which may have begun in an
        // earlier window: what comes before the next '{' is skipped too, whatever the windows.
        pos = this.resync(buf, pos, end);
        if (pos >= end) {
          return pos;
        }
      }
      while (pos < end && isWhitespace(buf[pos])) {
        pos++;
      }
      if (pos >= end) {
        return pos;
      }
      const c = buf[pos];
      if (this.mode === Mode.afterList) {
        if (c === RBRACE) {
          this.mode = Mode.top;
          pos++;
        } else {
          this.mode = Mode.top;
        }
        continue;
      }
      if (c === COMMA) {
        pos++;
        continue;
      }
      if (c === RBRACKET && this.mode === Mode.list) {
        this.mode = this.listIsObject ? Mode.afterList : Mode.top;
        pos++;
        continue;
      }
      if (c === LBRACKET && this.mode === Mode.top) {
        this.mode = Mode.list;
        this.listIsObject = false;
        pos++;
        continue;
      }
      if (c === LBRACE) {
        this.inGarbage = false;
        if (this.mode === Mode.top) {
          const afterWrapper = this.wrapperStart(buf, pos, end);
          if (afterWrapper === -1 && !eof) {
            return pos;
          }
          if (afterWrapper > 0) {
            this.mode = Mode.list;
            this.listIsObject = true;
            pos = afterWrapper;
            continue;
          }
        }
        // Most records are whole in the window: parse straight away and frame only when that
        // fails (a record cut by the window, or a malformed one that needs exact bounds).
        const parsedEnd = this.tryDecodeItem(pos, end);
        if (parsedEnd >= 0) {
          pos = parsedEnd;
          continue;
        }
        const itemEnd = frameValue(buf, pos, end);
        if (itemEnd < 0) {
          if (eof) {
            this.reportCut(pos, end);
            return end;
          }
          if (atLimit) {
            this.report({
              severity: 'error',
              code: 'record-too-large',
              message: `the record starting here is larger than ${maxRecordBytes / 1024 / 1024} MiB or is not closed; skipped to the next record`,
              offset: base + pos,
            });
            pos = this.resync(buf, pos + 1, end);
            continue;
          }
          return pos;
        }
        this.decodeItem(pos, itemEnd);
        pos = itemEnd;
        continue;
      }
      if (!this.inGarbage) {
        this.inGarbage = true;
        this.report({
          severity: 'error',
          code: 'json',
          message: `unexpected ${describeByte(c)}: expected ${this.mode === Mode.list ? "a record, ',' or ']'" : 'a record or {"records":[…]}'}; skipped to the next record`,
          offset: base + pos,
        });
      }
      pos = this.resync(buf, pos + 1, end);
    }
    return pos;
  }

  /** Called once after the last window. */
  finish(totalBytes: number): void {
    if (this.mode === Mode.afterList && this.truncatedAt === undefined) {
      this.truncatedAt = totalBytes;
      this.report({
        severity: 'warning',
        code: 'truncated',
        message: `the file ends at byte ${totalBytes} without the final '}' after the records list`,
        offset: totalBytes,
      });
    }
    if (this.mode === Mode.list && this.truncatedAt === undefined) {
      this.truncatedAt = totalBytes;
      this.report({
        severity: 'warning',
        code: 'truncated',
        message: `the file ends at byte ${totalBytes} before the records list is closed with ']}' (after ${this.records} complete records); it may have been cut or still be written`,
        offset: totalBytes,
      });
    }
    if (this.records === 0 && this.duplicates === 0 && this.problemCount === 0) {
      this.report({
        severity: 'warning',
        code: 'no-records',
        message:
          totalBytes === 0
            ? 'the file is empty: there are no records'
            : 'there are no records in the file (it holds only whitespace, a byte order mark or an empty list)',
        offset: 0,
      });
    }
    if (this.duplicates > 0) {
      this.report({
        severity: 'warning',
        code: 'duplicate-records',
        message: `skipped ${this.duplicates} record${this.duplicates === 1 ? '' : 's'} identical to an earlier record (first at byte ${this.firstDuplicateOffset}), so their tuples are not counted twice (the command line's --keep-duplicates keeps them, as collectors that count every record do)`,
        offset: this.firstDuplicateOffset,
      });
    }
  }

  private reportCut(pos: number, end: number): void {
    const offset = this.base + end;
    this.truncatedAt = offset;
    this.report({
      severity: 'warning',
      code: 'truncated',
      message: `the file ends at byte ${offset} inside record ${this.records} (which starts at byte ${this.base + pos}); decoded the ${this.records} complete records before it`,
      offset: this.base + pos,
      recordIndex: this.records,
    });
    this.mode = Mode.top;
  }

  /** Skips to the next `{` that may start a record. */
  private resync(buf: Buffer, pos: number, end: number): number {
    const next = buf.indexOf(LBRACE, pos);
    return next < 0 || next >= end ? end : next;
  }

  /**
   * At a top-level `{`: the position after `[` when it opens `{"records":[`, 0 when it is
   * something else (a bare record), -1 when the window ends too early to tell.
   */
  private wrapperStart(buf: Buffer, pos: number, end: number): number {
    let p = skipWhitespace(buf, pos + 1, end);
    if (p >= end) {
      return -1;
    }
    if (buf[p] !== QUOTE) {
      return 0;
    }
    const key = 'records';
    for (let i = 0; i < key.length; i++) {
      if (p + 1 + i >= end) {
        return -1;
      }
      if (buf[p + 1 + i] !== key.charCodeAt(i)) {
        return 0;
      }
    }
    p += key.length + 1;
    if (p >= end) {
      return -1;
    }
    if (buf[p] !== QUOTE) {
      return 0;
    }
    p = skipWhitespace(buf, p + 1, end);
    if (p >= end) {
      return -1;
    }
    if (buf[p] !== COLON) {
      return 0;
    }
    p = skipWhitespace(buf, p + 1, end);
    if (p >= end) {
      return -1;
    }
    return buf[p] === LBRACKET ? p + 1 : 0;
  }

  report(problem: DecodeProblem): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) {
      this.problems.push(problem);
    }
  }

  /** Decodes one framed value `buf[start..end)` of a records list. */
  private decodeItem(start: number, end: number): void {
    this.limit = end;
    this.decodeRecord(start);
  }

  /**
   * Decodes the item at `start` without knowing where it ends; -1 (and nothing changed or
   * reported) when it does not parse within `end`. Relies on `buf[end]` not being a byte that
   * continues a token (the caller leaves a 0 there, or `end` is the end of the buffer).
   */
  private tryDecodeItem(start: number, end: number): number {
    this.limit = end;
    this.optimistic = true;
    try {
      return this.decodeRecord(start);
    } catch (error) {
      if (error === needFraming) {
        return -1;
      }
      throw error;
    } finally {
      this.optimistic = false;
    }
  }

  /** Decodes the record object at `start`, rolling back its rows when it fails or repeats an earlier record. */
  private decodeRecord(start: number): number {
    const table = this.table;
    const rowStart = table.length;
    const contextStart = table.contexts.length;
    const problemLength = this.problems.length;
    const problemCount = this.problemCount;
    const rejected = this.rejectedTuples;
    const savedContextStart = this.recordContextStart;
    const savedRowStart = this.recordRowStart;
    const savedTupleCounter = this.tupleCounter;
    const savedHasV1Tuple = this.recordHasV1Tuple;
    const nestedLists = this.nestedListsDecoded;
    const nsgLayoutInferred = this.nsgLayoutInferred;
    this.recordContextStart = contextStart;
    this.recordRowStart = rowStart;
    this.tupleCounter = 0;
    this.recordHasV1Tuple = false;
    try {
      const result = this.parseRecord(start);
      if (result.isList) {
        return result.end;
      }
      const isRepeat = this.isRepeat(result.header, rowStart, contextStart, this.rejectedTuples - rejected);
      if (isRepeat && !this.keepDuplicates) {
        this.rollback(rowStart, contextStart, problemLength, problemCount, rejected);
        this.duplicates++;
        if (this.firstDuplicateOffset < 0) {
          this.firstDuplicateOffset = this.base + start;
        }
      } else {
        // Kept repeats are still counted, so a viewer can say how many there are.
        this.keptDuplicates += isRepeat ? 1 : 0;
        this.records++;
      }
      return result.end;
    } catch (error) {
      if (this.optimistic && (error === needFraming || error instanceof ParseError)) {
        this.rollback(rowStart, contextStart, problemLength, problemCount, rejected);
        this.nsgLayoutInferred = nsgLayoutInferred;
        throw needFraming;
      }
      if (!(error instanceof ParseError)) {
        throw error;
      }
      if (this.nestedListsDecoded === nestedLists) {
        this.rollback(rowStart, contextStart, problemLength, problemCount, rejected);
      }
      this.rejectedTuples += error.lostTuples;
      const code = error.code ?? (error.message.startsWith('unknown record') ? 'unknown-record' : 'json');
      this.report({
        severity: 'error',
        code,
        message: `record skipped: ${error.message}${code !== 'json' ? '' : ` at byte ${this.base + error.position}`}`,
        offset: this.base + start,
        recordIndex: this.records,
      });
      return this.limit;
    } finally {
      this.recordContextStart = savedContextStart;
      this.recordRowStart = savedRowStart;
      this.tupleCounter = savedTupleCounter;
      this.recordHasV1Tuple = savedHasV1Tuple;
    }
  }

  private rollback(rowStart: number, contextStart: number, problemLength: number, problemCount: number, rejected: number): void {
    this.table.length = rowStart;
    this.table.contexts.length = contextStart;
    this.problems.length = problemLength;
    this.problemCount = problemCount;
    this.rejectedTuples = rejected;
  }

  /** The caller emptied the table (streaming): rows and contexts of earlier records are gone. */
  tableCleared(): void {
    this.batch++;
  }

  /**
   * Whether the record just decoded (rows `rowStart..`) repeats an earlier one value for
   * value. Records are first matched by a hash of their header (time, category, resource IDs,
   * MAC, version) and sizes, which is unique in practice; on a match the rows of both are
   * compared through a 64-bit hash of every decoded field. When the earlier record's rows were
   * already handed over in an earlier batch, its rule groups and first and last tuples are
   * compared instead.
   */
  private isRepeat(header: RecordHeader, rowStart: number, contextStart: number, rejected: number): boolean {
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

  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) {
      return known;
    }
    if (this.strings.size < maxCachedStrings) {
      this.strings.set(value, value);
      this.stringIds.set(value, 0x40000000 + this.stringIds.size);
    }
    return value;
  }

  /**
   * Reads a string that repeats from record to record (keys, rule names, MACs, resource IDs)
   * without decoding it again: entries are found by a hash of the raw bytes and compared
   * byte by byte (strings with escapes are cached by their raw bytes too).
   */
  private readCached(p: number): string {
    const buf = this.buf;
    const limit = this.limit;
    if (buf[p] !== QUOTE) {
      throw new ParseError(p, `expected a string, found ${describeByte(buf[p])}`);
    }
    const start = p + 1;
    const previous = this.lastCached;
    const predicted = previous?.successor;
    if (predicted !== undefined) {
      // Cached bytes are the raw content of a whole string (escapes included), so matching them
      // and then a closing quote is a hit: an escape pair in them is complete.
      const bytes = predicted.bytes;
      const length = bytes.length;
      if (start + length < limit && buf[start + length] === QUOTE) {
        let k = 0;
        while (k < length && bytes[k] === buf[start + k]) {
          k++;
        }
        if (k === length) {
          this.cursor = start + length + 1;
          this.lastCached = predicted;
          return predicted.value;
        }
      }
    }
    let i = start;
    let hasEscape = false;
    for (;;) {
      if (i >= limit) {
        throw new ParseError(p, 'string not closed');
      }
      const c = buf[i];
      if (c === QUOTE) {
        break;
      }
      if (c === BACKSLASH) {
        hasEscape = true;
        i += 2;
      } else {
        i++;
      }
    }
    if (i >= limit) {
      throw new ParseError(p, 'string not closed');
    }
    this.cursor = i + 1;
    const length = i - start;
    // Sampled hash (length, first and last bytes); equality is checked byte by byte below.
    let hash = Math.imul(0x811c9dc5 ^ length, 16777619);
    const head = length < 4 ? length : 4;
    for (let k = 0; k < head; k++) {
      hash = Math.imul(hash ^ buf[start + k], 16777619);
    }
    for (let k = length < 12 ? head : length - 8; k < length; k++) {
      hash = Math.imul(hash ^ buf[start + k], 16777619);
    }
    const key = hash & 0x3fffffff;
    let entry = this.cacheSlots[key & this.cacheMask];
    while (entry !== undefined) {
      const bytes = entry.bytes;
      if (bytes.length === length) {
        let k = 0;
        while (k < length && bytes[k] === buf[start + k]) {
          k++;
        }
        if (k === length) {
          if (previous !== undefined) {
            previous.successor = entry;
          }
          this.lastCached = entry;
          return entry.value;
        }
      }
      entry = entry.next;
    }
    const raw = buf.toString('utf8', start, i);
    const value = this.intern(hasEscape ? unescapeJson(raw, p) : raw);
    if (this.cacheSize < maxCachedStrings) {
      this.cacheSize++;
      const slots = this.cacheSlots;
      const slot = key & this.cacheMask;
      const added: CacheEntry = { key, bytes: Uint8Array.prototype.slice.call(buf, start, i), value, next: slots[slot], successor: undefined };
      slots[slot] = added;
      if (this.cacheSize > slots.length) {
        this.growCache();
      }
      if (previous !== undefined) {
        previous.successor = added;
      }
      this.lastCached = added;
    }
    return value;
  }

  private growCache(): void {
    const old = this.cacheSlots;
    const slots = new Array<CacheEntry | undefined>(old.length * 2).fill(undefined);
    const mask = slots.length - 1;
    for (let entry of old) {
      while (entry !== undefined) {
        const next = entry.next;
        entry.next = slots[entry.key & mask];
        slots[entry.key & mask] = entry;
        entry = next;
      }
    }
    this.cacheSlots = slots;
    this.cacheMask = mask;
  }

  private mac(raw: string): string {
    let mac = this.macs.get(raw);
    if (mac === undefined) {
      mac = this.intern(normaliseMac(raw));
      if (this.macs.size < maxCachedStrings) {
        this.macs.set(raw, mac);
      }
    }
    return mac;
  }

  private newContext(format: FlowLogFormat, version: number): number {
    const context: RecordContext = {
      recordIndex: this.records,
      recordOffset: 0,
      recordTime: '',
      format,
      version,
      resourceId: '',
      mac: '',
      rule: '',
    };
    if (format === 'vnet') {
      context.targetResourceId = undefined;
      context.aclId = '';
    }
    this.table.contexts.push(context);
    return this.table.contexts.length - 1;
  }

  private noteFormat(format: FlowLogFormat, version: number): void {
    if (format === this.lastFormat && version === this.lastVersion) {
      return;
    }
    this.lastFormat = format;
    this.lastVersion = version;
    const label = formatLabel(format, version);
    if (!this.formats.includes(label)) {
      this.formats.push(label);
    }
  }

  // ---- record structure -------------------------------------------------------------

  private parseRecord(start: number): { end: number; isList: boolean; header: RecordHeader } {
    const buf = this.buf;
    let p = this.ws(start);
    if (buf[p] !== LBRACE) {
      throw new ParseError(p, `expected a record object, found ${describeByte(buf[p])}`);
    }
    const header: RecordHeader = {
      time: undefined,
      category: undefined,
      resourceId: undefined,
      macAddress: undefined,
      nsgVersion: undefined,
      flowLogVersion: undefined,
      flowLogResourceId: undefined,
      targetResourceId: undefined,
    };
    let propertiesAt = -1;
    let flowRecordsAt = -1;
    let nestedLists = 0;
    let keys = 0;
    let parsedFlows: FlowLogFormat | undefined;
    p = this.ws(p + 1);
    if (buf[p] !== RBRACE) {
      for (;;) {
        const key = this.readKey(p);
        p = this.cursor;
        keys++;
        switch (key) {
          case 'time':
            header.time = this.readString(p);
            break;
          case 'category':
            header.category = this.readCached(p);
            break;
          case 'resourceId':
          case 'resourceid':
            header.resourceId = this.readCached(p);
            break;
          case 'macAddress':
            header.macAddress = this.readCached(p);
            break;
          case 'flowLogVersion':
            header.flowLogVersion = this.readNumber(p);
            break;
          case 'flowLogResourceID':
            header.flowLogResourceId = this.readCached(p);
            break;
          case 'targetResourceID':
            header.targetResourceId = this.readCached(p);
            break;
          case 'properties':
            if (header.category === nsgCategory) {
              this.parseNsgProperties(p);
              parsedFlows = 'nsg';
            } else {
              propertiesAt = p;
              this.cursor = this.skipValue(p, 0);
            }
            break;
          case 'flowRecords':
            if (header.category === vnetCategory) {
              this.parseVnetFlowRecords(p);
              parsedFlows = 'vnet';
            } else {
              flowRecordsAt = p;
              this.cursor = this.skipValue(p, 0);
            }
            break;
          case 'records':
            if (buf[p] === LBRACKET) {
              nestedLists++;
              this.parseNestedList(p, start);
            } else {
              this.cursor = this.skipValue(p, 0);
            }
            break;
          default:
            this.cursor = this.skipValue(p, 0);
        }
        p = this.ws(this.cursor);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACE) {
          break;
        }
        throw new ParseError(p, `expected ',' or '}' after the value of ${quoteForMessage(key)}, found ${describeByte(buf[p])}`);
      }
    }
    const end = p + 1;
    if (nestedLists > 0 && keys === nestedLists) {
      return { end, isList: true, header };
    }
    let format: FlowLogFormat | undefined;
    if (header.category === nsgCategory || (header.category === undefined && propertiesAt >= 0 && flowRecordsAt < 0)) {
      format = 'nsg';
    } else if (header.category === vnetCategory || (header.category === undefined && flowRecordsAt >= 0 && propertiesAt < 0)) {
      format = 'vnet';
    }
    if (format === undefined) {
      const what = header.category === undefined ? 'no category and no properties.flows or flowRecords' : `category ${quoteForMessage(header.category)}`;
      throw new ParseError(start, `unknown record (${what}); expected an NSG flow log (${nsgCategory}) or VNet flow log (${vnetCategory}) record`);
    }
    if (parsedFlows === undefined) {
      const saved = this.cursor;
      if (format === 'nsg') {
        if (propertiesAt < 0) {
          this.throwMissingList(start, 'properties', `the NSG flow log record (category ${quoteForMessage(nsgCategory)})`);
        }
        this.parseNsgProperties(propertiesAt);
      } else {
        if (flowRecordsAt < 0) {
          this.throwMissingList(start, 'flowRecords', `the VNet flow log record (category ${quoteForMessage(vnetCategory)})`);
        }
        this.parseVnetFlowRecords(flowRecordsAt);
      }
      this.cursor = saved;
    }
    this.completeContexts(format, header, start);
    if (header.time !== undefined && this.table.length > this.recordRowStart) {
      this.checkTupleTimes(header.time, start, end);
    }
    return { end, isList: false, header };
  }

  /**
   * Warns about tuples whose time is far from their record's time (a clock or encoding fault:
   * `0000000001` is 1970): they are kept, so the warning has to say that they widen the time range.
   */
  private checkTupleTimes(recordTimeText: string, start: number, end: number): void {
    const recordTime = parseRecordTime(recordTimeText);
    if (recordTime !== recordTime) {
      return;
    }
    const low = recordTime - maxTupleTimeDistanceMs;
    const high = recordTime + maxTupleTimeDistanceMs;
    const time = this.table.time;
    const rowEnd = this.table.length;
    let first = -1;
    let count = 0;
    for (let row = this.recordRowStart; row < rowEnd; row++) {
      const t = time[row];
      if (t < low || t > high) {
        if (first < 0) {
          first = row;
        }
        count++;
      }
    }
    if (first < 0) {
      return;
    }
    const tupleTime = time[first];
    const tupleIndex = this.table.tupleIndex[first];
    const others = count > 1 ? `; ${count - 1} more tuple${count === 2 ? '' : 's'} of this record ${count === 2 ? 'is' : 'are'} more than a day from it too` : '';
    this.report({
      severity: 'warning',
      code: 'tuple-time',
      message: `the tuple's time ${new Date(tupleTime).toISOString()} is ${describeDistance(Math.abs(recordTime - tupleTime))} ${tupleTime < recordTime ? 'before' : 'after'} its record's time ${recordTimeText}${others}; kept as written, so the time range includes ${count === 1 ? 'it' : 'them'}`,
      offset: this.base + this.tupleStart(start, end, tupleIndex),
      recordIndex: this.records,
      tupleIndex,
    });
  }

  /** Position of the tuple with index `tupleIndex` in the record `buf[start..end)` (tuples are counted in document order); `start` if not found. */
  private tupleStart(start: number, end: number, tupleIndex: number): number {
    const buf = this.buf;
    const saved = this.cursor;
    let index = 0;
    try {
      for (let at = buf.indexOf(flowTuplesKey, start); at >= 0 && at < end; at = buf.indexOf(flowTuplesKey, at + 1)) {
        let i = this.ws(at + flowTuplesKey.length);
        if (buf[i] !== COLON) {
          continue;
        }
        i = this.ws(i + 1);
        if (buf[i] !== LBRACKET) {
          continue;
        }
        i = this.ws(i + 1);
        while (i < end && buf[i] !== RBRACKET) {
          if (index === tupleIndex) {
            return buf[i] === QUOTE ? i + 1 : i;
          }
          index++;
          i = this.ws(this.skipValue(i, 0));
          if (buf[i] === COMMA) {
            i = this.ws(i + 1);
          }
        }
      }
      return start;
    } finally {
      this.cursor = saved;
    }
  }

  /** A `records` list inside a record: flattened, each element decoded as a record. */
  private parseNestedList(p: number, ownerStart: number): void {
    const buf = this.buf;
    if (this.nestedDepth > 8) {
      throw new ParseError(p, 'records lists nested too deeply');
    }
    if (this.optimistic) {
      throw needFraming;
    }
    const isInsideList = this.mode === Mode.list || this.nestedDepth > 0;
    if (isInsideList) {
      this.report({
        severity: 'warning',
        code: 'nested-records',
        message: 'this item of the records list is itself a {"records":[…]} list; its records were read as if listed at the top level',
        offset: this.base + ownerStart,
        recordIndex: this.records,
      });
    }
    this.nestedDepth++;
    this.nestedListsDecoded++;
    try {
      p = this.ws(p + 1);
      if (buf[p] === RBRACKET) {
        this.cursor = p + 1;
        return;
      }
      for (;;) {
        if (buf[p] !== LBRACE) {
          throw new ParseError(p, `expected a record object in the records list, found ${describeByte(buf[p])}`);
        }
        const elementEnd = frameValue(buf, p, this.limit);
        if (elementEnd < 0) {
          throw new ParseError(p, 'record not closed');
        }
        const savedLimit = this.limit;
        this.limit = elementEnd;
        this.decodeRecord(p);
        this.limit = savedLimit;
        p = this.ws(elementEnd);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACKET) {
          this.cursor = p + 1;
          return;
        }
        throw new ParseError(p, `expected ',' or ']' in the records list, found ${describeByte(buf[p])}`);
      }
    } finally {
      this.nestedDepth--;
    }
  }

  private completeContexts(format: FlowLogFormat, header: RecordHeader, start: number): void {
    const recordOffset = this.base + start;
    const recordTime = header.time ?? '';
    let version: number;
    let resourceId: string;
    if (format === 'nsg') {
      version = header.nsgVersion ?? 0;
      resourceId = this.intern(header.resourceId ?? '');
    } else {
      version = header.flowLogVersion ?? 4;
      resourceId = this.intern(header.flowLogResourceId ?? '');
      if (version !== 4) {
        this.report({
          severity: 'warning',
          code: 'unknown-version',
          message: `flowLogVersion ${version} is not documented; tuples were read with the version 4 layout`,
          offset: recordOffset,
          recordIndex: this.records,
        });
      }
    }
    if (header.time === undefined) {
      this.report({ severity: 'warning', code: 'missing-field', message: 'the record has no time', offset: recordOffset, recordIndex: this.records });
    }
    const targetResourceId = header.targetResourceId === undefined ? undefined : this.intern(header.targetResourceId);
    const recordMac = header.macAddress === undefined ? '' : this.mac(header.macAddress);
    const contexts = this.table.contexts;
    for (let c = this.recordContextStart; c < contexts.length; c++) {
      const context = contexts[c];
      context.recordOffset = recordOffset;
      context.recordTime = recordTime;
      context.resourceId = resourceId;
      if (context.version === 0) {
        context.version = version;
      }
      if (context.mac === '') {
        context.mac = recordMac;
      }
      if (format === 'vnet') {
        context.targetResourceId = targetResourceId;
        context.version = version;
      }
      this.noteFormat(format, context.version);
    }
    if (this.recordContextStart === contexts.length && version !== 0) {
      this.noteFormat(format, version);
    }
  }

  private parseNsgProperties(p: number): void {
    const buf = this.buf;
    if (buf[p] !== LBRACE) {
      throw new ParseError(p, `expected properties to be an object, found ${describeByte(buf[p])}`);
    }
    const propertiesAt = p;
    let version: number | undefined;
    let flowsAt = -1;
    let hasFlows = false;
    p = this.ws(p + 1);
    if (buf[p] !== RBRACE) {
      for (;;) {
        const key = this.readKey(p);
        p = this.cursor;
        if (key === 'Version' || key === 'version') {
          version = this.readNumber(p);
        } else if (key === 'flows') {
          hasFlows = true;
          if (version !== undefined) {
            this.parseNsgRules(p, version);
          } else {
            flowsAt = p;
            this.cursor = this.skipValue(p, 0);
          }
        } else {
          this.cursor = this.skipValue(p, 0);
        }
        p = this.ws(this.cursor);
        if (buf[p] === COMMA) {
          p = this.ws(p + 1);
          continue;
        }
        if (buf[p] === RBRACE) {
          break;
        }
        throw new ParseError(p, `expected ',' or '}' in properties, found ${describeByte(buf[p])}`);
      }
    }
    const end = p + 1;
    if (flowsAt >= 0) {
      this.parseNsgRules(flowsAt, version ?? 0);
    }
    if (!hasFlows) {
      this.reportMissingList(propertiesAt, 'flows', 'properties');
    }
    this.cursor = end;
  }

  /** `[{rule, flows: [{mac, flowTuples: [...]}]}]` */
  private parseNsgRules(p: number, version: number): void {
    const buf = this.buf;
    let layout: Layout;
    if (version === 1) {
      layout = Layout.nsg1;
    } else if (version === 2) {
      layout = Layout.nsg2;
    } else if (version === 0) {
      layout = Layout.nsgUnknown;
      if (!this.nsgLayoutInferred) {
        this.nsgLayoutInferred = true;
        this.report({
          severity: 'warning',
          code: 'unknown-version',
          message: 'NSG record without properties.Version: each tuple was read as version 1 or 2 from its field count',
          offset: this.base + p,
          recordIndex: this.records,
        });
      }
    } else {
      // Like an unknown flowLogVersion: read what is recognisable rather than drop the record.
      layout = Layout.nsgUnknown;
      this.report({
        severity: 'warning',
        code: 'unknown-version',
        message: `properties.Version ${version} is not documented (versions 1 and 2 are); each tuple was read as version 1 or 2 from its field count`,
        offset: this.base + p,
        recordIndex: this.records,
      });
    }
    const contexts = this.table.contexts;
    let ruleIndex = 0;
    for (let q = this.arrayFirst(p, 'properties.flows'); q >= 0; q = this.arrayNext('properties.flows'), ruleIndex++) {
      if (buf[q] !== LBRACE) {
        throw new ParseError(q, `expected a rule object in properties.flows, found ${describeByte(buf[q])}`);
      }
      // Contexts of this rule are contiguous from here; the rule name may come after its flows.
      const ruleContextStart = contexts.length;
      let rule = '';
      let hasFlows = false;
      for (let r = this.objectFirst(q, 'rule object'); r >= 0; r = this.objectNext('rule object')) {
        const key = this.readKey(r);
        const valueAt = this.cursor;
        if (key === 'rule') {
          rule = this.readCached(valueAt);
          for (let c = ruleContextStart; c < contexts.length; c++) {
            contexts[c].rule = rule;
          }
        } else if (key === 'flows') {
          hasFlows = true;
          let macIndex = 0;
          for (let t = this.arrayFirst(valueAt, 'flows'); t >= 0; t = this.arrayNext('flows'), macIndex++) {
            const contextIndex = this.newContext('nsg', version);
            const context = contexts[contextIndex];
            context.rule = rule;
            let hasTuples = false;
            for (let u = this.objectFirst(t, 'MAC group'); u >= 0; u = this.objectNext('MAC group')) {
              const innerKey = this.readKey(u);
              const at = this.cursor;
              if (innerKey === 'mac') {
                context.mac = this.mac(this.readCached(at));
              } else if (innerKey === 'flowTuples') {
                hasTuples = true;
                this.parseTuples(at, layout, contextIndex);
              } else {
                this.cursor = this.skipValue(at, 0);
              }
            }
            if (!hasTuples) {
              this.reportMissingList(t, 'flowTuples', `properties.flows[${ruleIndex}].flows[${macIndex}]`);
            }
          }
        } else {
          this.cursor = this.skipValue(valueAt, 0);
        }
      }
      if (!hasFlows) {
        this.reportMissingList(q, 'flows', `properties.flows[${ruleIndex}]`);
      }
    }
  }

  /** `{flows: [{aclID, flowGroups: [{rule, flowTuples: [...]}]}]}` */
  private parseVnetFlowRecords(p: number): void {
    const contexts = this.table.contexts;
    let hasFlows = false;
    for (let q = this.objectFirst(p, 'flowRecords'); q >= 0; q = this.objectNext('flowRecords')) {
      const key = this.readKey(q);
      const valueAt = this.cursor;
      if (key !== 'flows') {
        this.cursor = this.skipValue(valueAt, 0);
        continue;
      }
      hasFlows = true;
      let aclIndex = 0;
      for (let r = this.arrayFirst(valueAt, 'flowRecords.flows'); r >= 0; r = this.arrayNext('flowRecords.flows'), aclIndex++) {
        const aclContextStart = contexts.length;
        let aclId = '';
        let hasGroups = false;
        for (let s = this.objectFirst(r, 'ACL object'); s >= 0; s = this.objectNext('ACL object')) {
          const aclKey = this.readKey(s);
          const aclValueAt = this.cursor;
          if (aclKey === 'aclID') {
            aclId = this.readCached(aclValueAt);
            for (let c = aclContextStart; c < contexts.length; c++) {
              contexts[c].aclId = aclId;
            }
          } else if (aclKey === 'flowGroups') {
            hasGroups = true;
            let groupIndex = 0;
            for (let t = this.arrayFirst(aclValueAt, 'flowGroups'); t >= 0; t = this.arrayNext('flowGroups'), groupIndex++) {
              const contextIndex = this.newContext('vnet', 4);
              const context = contexts[contextIndex];
              context.aclId = aclId;
              let hasTuples = false;
              for (let u = this.objectFirst(t, 'flow group'); u >= 0; u = this.objectNext('flow group')) {
                const groupKey = this.readKey(u);
                const at = this.cursor;
                if (groupKey === 'rule') {
                  context.rule = this.readCached(at);
                } else if (groupKey === 'flowTuples') {
                  hasTuples = true;
                  this.parseTuples(at, Layout.vnet, contextIndex);
                } else {
                  this.cursor = this.skipValue(at, 0);
                }
              }
              if (!hasTuples) {
                this.reportMissingList(t, 'flowTuples', `flowRecords.flows[${aclIndex}].flowGroups[${groupIndex}]`);
              }
            }
          } else {
            this.cursor = this.skipValue(aclValueAt, 0);
          }
        }
        if (!hasGroups) {
          this.reportMissingList(r, 'flowGroups', `flowRecords.flows[${aclIndex}]`);
        }
      }
    }
    if (!hasFlows) {
      this.reportMissingList(p, 'flows', 'flowRecords');
    }
  }

  /** `[a, b,]`: not JSON, but nothing is lost, so the list is read and the comma reported. */
  private reportTrailingComma(comma: number, list: string): void {
    this.report({
      severity: 'warning',
      code: 'trailing-comma',
      message: `a ',' before the ']' that closes ${list} (not valid JSON); the list was read up to it`,
      offset: this.base + comma,
      recordIndex: this.records,
    });
  }

  // ---- missing lists ---------------------------------------------------------------------

  /**
   * An object of the record's structure lacks the list that holds its tuples (missing, or
   * renamed, e.g. `flowTuple`): reported as an error naming the object and its keys, and the
   * strings in lists under its other keys (the tuples it probably holds) counted as rejected.
   * Called with the cursor after the object, which it leaves there.
   */
  private reportMissingList(objectAt: number, key: string, where: string): void {
    const saved = this.cursor;
    const { message, lost } = this.describeMissingList(objectAt, key, where);
    this.cursor = saved;
    this.rejectedTuples += lost;
    this.report({
      severity: 'error',
      code: 'missing-list',
      message,
      offset: this.base + objectAt,
      recordIndex: this.records,
    });
  }

  /** Like reportMissingList for the record itself (no `properties` or `flowRecords`): the record is skipped. */
  private throwMissingList(recordAt: number, key: string, where: string): never {
    const { message, lost } = this.describeMissingList(this.ws(recordAt), key, where);
    throw new ParseError(recordAt, message, 'missing-list', lost);
  }

  private describeMissingList(objectAt: number, key: string, where: string): { message: string; lost: number } {
    const keys: string[] = [];
    let lost = 0;
    for (let k = this.objectFirst(objectAt, where); k >= 0; k = this.objectNext(where)) {
      const name = this.readKey(k);
      if (keys.length < 12) {
        keys.push(quoteForMessage(name.length > 40 ? `${name.slice(0, 40)}…` : name));
      }
      lost += this.countListStrings(this.cursor, false, 0);
    }
    const kind = key === 'properties' || key === 'flowRecords' ? 'object' : 'list';
    const found = keys.length === 0 ? 'it is empty' : `its keys are ${keys.join(', ')}`;
    const outcome =
      lost > 0
        ? `${lost} tuple${lost === 1 ? '' : 's'} listed under its other keys ${lost === 1 ? 'was' : 'were'} not read (counted as rejected)`
        : 'no tuples were read from it';
    return { message: `${where} has no ${quoteForMessage(key)} ${kind} (${found}); ${outcome}`, lost };
  }

  /** Strings that are elements of lists in the value at `p` (the tuples of a renamed list); cursor is left after the value. */
  private countListStrings(p: number, inList: boolean, depth: number): number {
    const buf = this.buf;
    const c = buf[p];
    if (c === QUOTE) {
      this.cursor = this.skipValue(p, 0);
      return inList ? 1 : 0;
    }
    if ((c !== LBRACE && c !== LBRACKET) || depth > 64) {
      this.cursor = this.skipValue(p, depth);
      return 0;
    }
    let count = 0;
    if (c === LBRACE) {
      for (let k = this.objectFirst(p, 'object'); k >= 0; k = this.objectNext('object')) {
        this.readKey(k);
        count += this.countListStrings(this.cursor, false, depth + 1);
      }
    } else {
      for (let e = this.arrayFirst(p, 'list'); e >= 0; e = this.arrayNext('list')) {
        count += this.countListStrings(e, true, depth + 1);
      }
    }
    return count;
  }

  /** At `{`: the position of the first key, or -1 (cursor after `}`) when the object is empty. */
  private objectFirst(p: number, what: string): number {
    const buf = this.buf;
    if (buf[p] !== LBRACE) {
      throw new ParseError(p, `expected ${what} to be an object, found ${describeByte(buf[p])}`);
    }
    p = this.ws(p + 1);
    if (buf[p] === RBRACE) {
      this.cursor = p + 1;
      return -1;
    }
    return p;
  }

  /** After a value (at `cursor`): the position of the next key, or -1 (cursor after `}`). */
  private objectNext(what: string): number {
    const buf = this.buf;
    const p = this.ws(this.cursor);
    if (buf[p] === COMMA) {
      return this.ws(p + 1);
    }
    if (buf[p] === RBRACE) {
      this.cursor = p + 1;
      return -1;
    }
    throw new ParseError(p, `expected ',' or '}' in ${what}, found ${describeByte(buf[p])}`);
  }

  /** At `[`: the position of the first element, or -1 (cursor after `]`) when the list is empty. */
  private arrayFirst(p: number, what: string): number {
    const buf = this.buf;
    if (buf[p] !== LBRACKET) {
      throw new ParseError(p, `expected ${what} to be a list, found ${describeByte(buf[p])}`);
    }
    p = this.ws(p + 1);
    if (buf[p] === RBRACKET) {
      this.cursor = p + 1;
      return -1;
    }
    return p;
  }

  /** After an element (at `cursor`): the position of the next one, or -1 (cursor after `]`). */
  private arrayNext(what: string): number {
    const buf = this.buf;
    const p = this.ws(this.cursor);
    if (buf[p] === COMMA) {
      const next = this.ws(p + 1);
      if (buf[next] === RBRACKET) {
        this.reportTrailingComma(p, what);
        this.cursor = next + 1;
        return -1;
      }
      return next;
    }
    if (buf[p] === RBRACKET) {
      this.cursor = p + 1;
      return -1;
    }
    throw new ParseError(p, `expected ',' or ']' in ${what}, found ${describeByte(buf[p])}`);
  }

  // ---- tuples ---------------------------------------------------------------------------

  private parseTuples(p: number, layout: Layout, contextIndex: number): void {
    const buf = this.buf;
    if (buf[p] !== LBRACKET) {
      throw new ParseError(p, `expected flowTuples to be a list, found ${describeByte(buf[p])}`);
    }
    p = this.ws(p + 1);
    if (buf[p] === RBRACKET) {
      this.cursor = p + 1;
      return;
    }
    for (;;) {
      if (buf[p] === QUOTE) {
        // The fast run takes every well-formed tuple it can; it stops at the end of a tuple
        // (the separator is left to this loop) or at a tuple it cannot read.
        if (layout === Layout.nsgUnknown) {
          this.fastStopped = true;
        } else {
          p = this.fastTuples(buf, p, layout, contextIndex);
        }
        if (this.fastStopped) {
          p = this.slowTuple(p, layout, contextIndex, this.tupleCounter++);
        }
      } else {
        const tupleIndex = this.tupleCounter++;
        const end = this.skipValue(p, 0);
        this.rejectTuple(p, tupleIndex, 'the tuple is not a string', this.buf.toString('utf8', p, end));
        p = end;
      }
      while (isWhitespace(buf[p])) {
        p++;
      }
      const c = buf[p];
      if (c === COMMA) {
        const comma = p;
        p = this.ws(p + 1);
        if (buf[p] === RBRACKET) {
          this.reportTrailingComma(comma, 'flowTuples');
          this.cursor = p + 1;
          return;
        }
        continue;
      }
      if (c === RBRACKET) {
        this.cursor = p + 1;
        return;
      }
      throw new ParseError(p, `expected ',' or ']' in flowTuples, found ${describeByte(c)}`);
    }
  }

  /** Set by fastTuples when it stopped at a tuple it could not read (which the slow path then decides on and explains). */
  private fastStopped = false;
  /** The last IPv4 address seen in each address column and its dictionary index (tuples of a group often share one side). */
  private lastSrcKey = 0;
  private lastSrcIndex = -1;
  private lastDstKey = 0;
  private lastDstIndex = -1;

  /**
   * Parses consecutive common, well-formed tuples straight from bytes into the table's columns,
   * starting at the opening quote at `p`. Returns the position after the last tuple read (with
   * `fastStopped` false), or the opening quote of the first tuple that is unusual in any way
   * (with `fastStopped` true, nothing of it written).
   */
  private fastTuples(buf: Buffer, p: number, layout: Layout, contextIndex: number): number {
    const table = this.table;
    const ipv4 = this.ipv4;
    const isVnet = layout === Layout.vnet;
    const isNsg1 = layout === Layout.nsg1;
    const encryptionNx = this.encryptionNx;
    const encryptionX = this.encryptionX;
    let tupleIndex = this.tupleCounter;
    let row = table.length;
    let capacity = table.capacity;
    let timeColumn = table.time;
    let srcIpColumn = table.srcIp;
    let dstIpColumn = table.dstIp;
    let srcPortColumn = table.srcPort;
    let dstPortColumn = table.dstPort;
    let protocolColumn = table.protocol;
    let flagsColumn = table.flags;
    let encryptionColumn = table.encryption;
    let packetsSrcToDstColumn = table.packetsSrcToDst;
    let bytesSrcToDstColumn = table.bytesSrcToDst;
    let packetsDstToSrcColumn = table.packetsDstToSrc;
    let bytesDstToSrcColumn = table.bytesDstToSrc;
    let contextColumn = table.context;
    let tupleIndexColumn = table.tupleIndex;
    let lastSrcKey = this.lastSrcKey;
    let lastSrcIndex = this.lastSrcIndex;
    let lastDstKey = this.lastDstKey;
    let lastDstIndex = this.lastDstIndex;
    let stopped = false;
    for (;;) {
      if (row >= capacity) {
        table.length = row;
        table.reserve(1);
        capacity = table.capacity;
        timeColumn = table.time;
        srcIpColumn = table.srcIp;
        dstIpColumn = table.dstIp;
        srcPortColumn = table.srcPort;
        dstPortColumn = table.dstPort;
        protocolColumn = table.protocol;
        flagsColumn = table.flags;
        encryptionColumn = table.encryption;
        packetsSrcToDstColumn = table.packetsSrcToDst;
        bytesSrcToDstColumn = table.bytesSrcToDst;
        packetsDstToSrcColumn = table.packetsDstToSrc;
        bytesDstToSrcColumn = table.bytesDstToSrc;
        contextColumn = table.context;
        tupleIndexColumn = table.tupleIndex;
      }
      // Every check below that fails ends in `break`, which leaves the tuple to the slow path.
      // Nothing is counted before the whole tuple has been read.
      let i = p + 1;
      let c = buf[i];
      // Time: 10 digits (seconds) or 13 (milliseconds); the first 9 in int32 arithmetic.
      let high = 0;
      const timeStart = i;
      const highEnd = i + 9;
      while (c >= 48 && c <= 57 && i < highEnd) {
        high = high * 10 + c - 48;
        c = buf[++i];
      }
      let low = 0;
      const lowStart = i;
      while (c >= 48 && c <= 57 && i < lowStart + 5) {
        low = low * 10 + c - 48;
        c = buf[++i];
      }
      if (c !== COMMA) {
        stopped = true;
        break;
      }
      const timeDigits = i - timeStart;
      let time: number;
      if (timeDigits === 10) {
        time = (high * 10 + low) * 1000;
      } else if (timeDigits === 13) {
        time = high * 10000 + low;
      } else {
        stopped = true;
        break;
      }
      // Source address: a canonical dotted quad (no leading zeros) followed by a comma.
      let srcKey = 0;
      let part = 0;
      c = buf[++i];
      for (; part < 4; part++) {
        let octet = c - 48;
        if (!(octet >= 0 && octet <= 9)) {
          break;
        }
        c = buf[++i];
        if (c >= 48 && c <= 57) {
          if (octet === 0) {
            break;
          }
          octet = octet * 10 + c - 48;
          c = buf[++i];
          if (c >= 48 && c <= 57) {
            octet = octet * 10 + c - 48;
            if (octet > 255) {
              break;
            }
            c = buf[++i];
          }
        }
        srcKey = (srcKey << 8) | octet;
        if (part === 3) {
          if (c !== COMMA) {
            break;
          }
        } else {
          if (c !== DOT) {
            break;
          }
          c = buf[++i];
        }
      }
      if (part !== 4) {
        stopped = true;
        break;
      }
      let src: number;
      if (srcKey === lastSrcKey && lastSrcIndex >= 0) {
        src = lastSrcIndex;
      } else {
        const keys = ipv4.keys;
        const values = ipv4.values;
        const mask = ipv4.mask;
        let slot = (Math.imul(srcKey, 0x9e3779b1) >>> 0) & mask;
        for (;;) {
          src = values[slot];
          if (src < 0 || keys[slot] === srcKey) {
            break;
          }
          slot = (slot + 1) & mask;
        }
        if (src < 0) {
          src = this.addIpv4(srcKey);
        }
        lastSrcKey = srcKey;
        lastSrcIndex = src;
      }
      // Destination address: a canonical dotted quad (no leading zeros) followed by a comma.
      let dstKey = 0;
      part = 0;
      c = buf[++i];
      for (; part < 4; part++) {
        let octet = c - 48;
        if (!(octet >= 0 && octet <= 9)) {
          break;
        }
        c = buf[++i];
        if (c >= 48 && c <= 57) {
          if (octet === 0) {
            break;
          }
          octet = octet * 10 + c - 48;
          c = buf[++i];
          if (c >= 48 && c <= 57) {
            octet = octet * 10 + c - 48;
            if (octet > 255) {
              break;
            }
            c = buf[++i];
          }
        }
        dstKey = (dstKey << 8) | octet;
        if (part === 3) {
          if (c !== COMMA) {
            break;
          }
        } else {
          if (c !== DOT) {
            break;
          }
          c = buf[++i];
        }
      }
      if (part !== 4) {
        stopped = true;
        break;
      }
      let dst: number;
      if (dstKey === lastDstKey && lastDstIndex >= 0) {
        dst = lastDstIndex;
      } else {
        const keys = ipv4.keys;
        const values = ipv4.values;
        const mask = ipv4.mask;
        let slot = (Math.imul(dstKey, 0x9e3779b1) >>> 0) & mask;
        for (;;) {
          dst = values[slot];
          if (dst < 0 || keys[slot] === dstKey) {
            break;
          }
          slot = (slot + 1) & mask;
        }
        if (dst < 0) {
          dst = this.addIpv4(dstKey);
        }
        lastDstKey = dstKey;
        lastDstIndex = dst;
      }
      c = buf[++i];
      let srcPort = 0;
      let start = i;
      while (c >= 48 && c <= 57) {
        srcPort = srcPort * 10 + c - 48;
        c = buf[++i];
        if (i - start > 5) {
          break;
        }
      }
      if (c !== COMMA || i === start || i - start > 5 || srcPort > 65535) {
        stopped = true;
        break;
      }
      c = buf[++i];
      let dstPort = 0;
      start = i;
      while (c >= 48 && c <= 57) {
        dstPort = dstPort * 10 + c - 48;
        c = buf[++i];
        if (i - start > 5) {
          break;
        }
      }
      if (c !== COMMA || i === start || i - start > 5 || dstPort > 65535) {
        stopped = true;
        break;
      }
      c = buf[++i];
      let protocol: number;
      if (c === 0x54 /* T */) {
        protocol = 6;
        c = buf[++i];
      } else if (c === 0x55 /* U */) {
        protocol = 17;
        c = buf[++i];
      } else {
        protocol = 0;
        start = i;
        while (c >= 48 && c <= 57) {
          protocol = protocol * 10 + c - 48;
          c = buf[++i];
          if (i - start > 3) {
            break;
          }
        }
        if (i === start || i - start > 3 || protocol > 255) {
          stopped = true;
          break;
        }
      }
      if (c !== COMMA) {
        stopped = true;
        break;
      }
      c = buf[++i];
      let flags: number;
      if (c === 0x49 /* I */) {
        flags = 0;
      } else if (c === 0x4f /* O */) {
        flags = flagOutbound;
      } else {
        stopped = true;
        break;
      }
      if (buf[++i] !== COMMA) {
        stopped = true;
        break;
      }
      c = buf[++i];
      let encryption = 0;
      if (isVnet) {
        if (c === 0x42 /* B */) {
          flags |= flagBegin;
        } else if (c === 0x43 /* C */) {
          flags |= flagContinuing;
        } else if (c === 0x45 /* E */) {
          flags |= flagEnd;
        } else if (c === 0x44 /* D */) {
          flags |= flagDenyState;
        } else {
          stopped = true;
          break;
        }
        if (buf[++i] !== COMMA) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (c === 0x4e /* N */ && buf[i + 1] === 0x58 /* X */ && buf[i + 2] === COMMA) {
          encryption = encryptionNx;
          i += 2;
        } else if (c === 0x58 /* X */ && buf[i + 1] === COMMA) {
          encryption = encryptionX;
          i += 1;
        } else {
          stopped = true;
          break;
        }
      } else {
        if (c === 0x44 /* D */) {
          flags |= flagDeny;
        } else if (c !== 0x41 /* A */) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (isNsg1) {
          if (c === COMMA && buf[i + 1] === QUOTE) {
            i++;
          } else if (c !== QUOTE) {
            stopped = true;
            break;
          }
          packetsSrcToDstColumn[row] = NaN;
          bytesSrcToDstColumn[row] = NaN;
          packetsDstToSrcColumn[row] = NaN;
          bytesDstToSrcColumn[row] = NaN;
        } else {
          if (c !== COMMA) {
            stopped = true;
            break;
          }
          c = buf[++i];
          if (c === 0x42 /* B */) {
            flags |= flagBegin;
          } else if (c === 0x43 /* C */) {
            flags |= flagContinuing;
          } else if (c === 0x45 /* E */) {
            flags |= flagEnd;
          } else {
            stopped = true;
            break;
          }
          i++;
        }
      }
      if (!isNsg1) {
        // i is at the comma before the first counter; each is empty (NaN) or a whole number of
        // at most 15 digits, the first 9 read in int32 arithmetic. They are written in place
        // past the end of the table and only counted with the row.
        c = buf[i];
        if (c !== COMMA) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (c === COMMA || c === QUOTE) {
          packetsSrcToDstColumn[row] = NaN;
        } else {
          start = i;
          let small = 0;
          while (c >= 48 && c <= 57 && i < start + 9) {
            small = small * 10 + c - 48;
            c = buf[++i];
          }
          if (c >= 48 && c <= 57) {
            let value = small;
            while (c >= 48 && c <= 57 && i < start + 16) {
              value = value * 10 + c - 48;
              c = buf[++i];
            }
            if (i - start > 15) {
              stopped = true;
              break;
            }
            packetsSrcToDstColumn[row] = value;
          } else if (i === start) {
            stopped = true;
            break;
          } else {
            packetsSrcToDstColumn[row] = small;
          }
        }
        if (c !== COMMA) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (c === COMMA || c === QUOTE) {
          bytesSrcToDstColumn[row] = NaN;
        } else {
          start = i;
          let small = 0;
          while (c >= 48 && c <= 57 && i < start + 9) {
            small = small * 10 + c - 48;
            c = buf[++i];
          }
          if (c >= 48 && c <= 57) {
            let value = small;
            while (c >= 48 && c <= 57 && i < start + 16) {
              value = value * 10 + c - 48;
              c = buf[++i];
            }
            if (i - start > 15) {
              stopped = true;
              break;
            }
            bytesSrcToDstColumn[row] = value;
          } else if (i === start) {
            stopped = true;
            break;
          } else {
            bytesSrcToDstColumn[row] = small;
          }
        }
        if (c !== COMMA) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (c === COMMA || c === QUOTE) {
          packetsDstToSrcColumn[row] = NaN;
        } else {
          start = i;
          let small = 0;
          while (c >= 48 && c <= 57 && i < start + 9) {
            small = small * 10 + c - 48;
            c = buf[++i];
          }
          if (c >= 48 && c <= 57) {
            let value = small;
            while (c >= 48 && c <= 57 && i < start + 16) {
              value = value * 10 + c - 48;
              c = buf[++i];
            }
            if (i - start > 15) {
              stopped = true;
              break;
            }
            packetsDstToSrcColumn[row] = value;
          } else if (i === start) {
            stopped = true;
            break;
          } else {
            packetsDstToSrcColumn[row] = small;
          }
        }
        if (c !== COMMA) {
          stopped = true;
          break;
        }
        c = buf[++i];
        if (c === COMMA || c === QUOTE) {
          bytesDstToSrcColumn[row] = NaN;
        } else {
          start = i;
          let small = 0;
          while (c >= 48 && c <= 57 && i < start + 9) {
            small = small * 10 + c - 48;
            c = buf[++i];
          }
          if (c >= 48 && c <= 57) {
            let value = small;
            while (c >= 48 && c <= 57 && i < start + 16) {
              value = value * 10 + c - 48;
              c = buf[++i];
            }
            if (i - start > 15) {
              stopped = true;
              break;
            }
            bytesDstToSrcColumn[row] = value;
          } else if (i === start) {
            stopped = true;
            break;
          } else {
            bytesDstToSrcColumn[row] = small;
          }
        }
        if (c === COMMA && buf[i + 1] === QUOTE) {
          i++;
        } else if (c !== QUOTE) {
          stopped = true;
          break;
        }
      }
      timeColumn[row] = time;
      srcIpColumn[row] = src;
      dstIpColumn[row] = dst;
      srcPortColumn[row] = srcPort;
      dstPortColumn[row] = dstPort;
      protocolColumn[row] = protocol;
      flagsColumn[row] = flags;
      encryptionColumn[row] = encryption;
      contextColumn[row] = contextIndex;
      tupleIndexColumn[row] = tupleIndex;
      row++;
      tupleIndex++;
      // i is at the closing quote. The next tuple follows directly after a comma in the usual
      // layout; anything else (whitespace, the end of the list) goes back to the caller.
      p = i + 1;
      if (buf[p] !== COMMA || buf[p + 1] !== QUOTE) {
        break;
      }
      p++;
    }
    table.length = row;
    this.tupleCounter = tupleIndex;
    this.lastSrcKey = lastSrcKey;
    this.lastSrcIndex = lastSrcIndex;
    this.lastDstKey = lastDstKey;
    this.lastDstIndex = lastDstIndex;
    this.fastStopped = stopped;
    return p;
  }

  /** Time and the four counters of the row being added (kept out of arguments so doubles are not boxed). */
  private readonly scratch = new Float64Array(5);

  private addIpv4(key: number): number {
    const index = this.table.ips.intern(ipv4ToString(key));
    this.ipv4.set(key, index);
    return index;
  }

  private addRow(src: number, dst: number, srcPort: number, dstPort: number, protocol: number, flags: number, encryption: number, contextIndex: number, tupleIndex: number): void {
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
  private slowTuple(p: number, layout: Layout, contextIndex: number, tupleIndex: number): number {
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

  private rejectTuple(offsetInBuffer: number, tupleIndex: number, message: string, text: string): void {
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

  // ---- generic JSON -------------------------------------------------------------------

  private ws(p: number): number {
    const buf = this.buf;
    const limit = this.limit;
    while (p < limit && isWhitespace(buf[p])) {
      p++;
    }
    return p;
  }

  /** Reads `"key"` and the colon; cursor is left at the value. */
  private readKey(p: number): string {
    const buf = this.buf;
    if (buf[p] !== QUOTE) {
      throw new ParseError(p, `expected a key in quotes, found ${describeByte(buf[p])}`);
    }
    const key = this.readCached(p);
    p = this.ws(this.cursor);
    if (buf[p] !== COLON) {
      throw new ParseError(p, `expected ':' after ${quoteForMessage(key)}, found ${describeByte(buf[p])}`);
    }
    this.cursor = this.ws(p + 1);
    return key;
  }

  /** Reads the JSON string at `p` (escapes honoured); cursor is left after it. */
  private readString(p: number): string {
    const buf = this.buf;
    const limit = this.limit;
    if (buf[p] !== QUOTE) {
      throw new ParseError(p, `expected a string, found ${describeByte(buf[p])}`);
    }
    let i = p + 1;
    let hasEscape = false;
    for (;;) {
      if (i >= limit) {
        throw new ParseError(p, 'string not closed');
      }
      const c = buf[i];
      if (c === QUOTE) {
        break;
      }
      if (c === BACKSLASH) {
        hasEscape = true;
        i += 2;
      } else {
        i++;
      }
    }
    this.cursor = i + 1;
    if (!hasEscape) {
      return buf.toString('utf8', p + 1, i);
    }
    return unescapeJson(buf.toString('utf8', p + 1, i), p);
  }

  private readNumber(p: number): number {
    const buf = this.buf;
    const limit = this.limit;
    let i = p;
    while (i < limit) {
      const c = buf[i];
      if ((c >= 48 && c <= 57) || c === 0x2d || c === 0x2b || c === DOT || c === 0x65 || c === 0x45) {
        i++;
      } else {
        break;
      }
    }
    if (i === p && buf[p] === QUOTE) {
      const text = this.readString(p);
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) {
        throw new ParseError(p, `expected a number, found ${quoteForMessage(text)}`);
      }
      return value;
    }
    const value = Number(buf.toString('latin1', p, i));
    if (i === p || Number.isNaN(value)) {
      throw new ParseError(p, `expected a number, found ${describeByte(buf[p])}`);
    }
    this.cursor = i;
    return value;
  }

  /** Position after the JSON value at `p`, checking its structure. */
  private skipValue(p: number, depth: number): number {
    const buf = this.buf;
    const c = buf[p];
    if (c === QUOTE) {
      const limit = this.limit;
      let i = p + 1;
      for (;;) {
        if (i >= limit) {
          throw new ParseError(p, 'string not closed');
        }
        const d = buf[i];
        if (d === QUOTE) {
          return i + 1;
        }
        i += d === BACKSLASH ? 2 : 1;
      }
    }
    if (c === LBRACE || c === LBRACKET) {
      if (depth > 64) {
        throw new ParseError(p, 'values nested too deeply');
      }
      const isObject = c === LBRACE;
      const close = isObject ? RBRACE : RBRACKET;
      let i = this.ws(p + 1);
      if (buf[i] === close) {
        return i + 1;
      }
      for (;;) {
        if (isObject) {
          this.readKey(i);
          i = this.cursor;
        }
        i = this.ws(this.skipValue(i, depth + 1));
        if (buf[i] === COMMA) {
          i = this.ws(i + 1);
          continue;
        }
        if (buf[i] === close) {
          return i + 1;
        }
        throw new ParseError(i, `expected ',' or '${isObject ? '}' : ']'}', found ${describeByte(buf[i])}`);
      }
    }
    if (c === 0x74 /* t */ && this.matches(p, 'true')) {
      return p + 4;
    }
    if (c === 0x66 /* f */ && this.matches(p, 'false')) {
      return p + 5;
    }
    if (c === 0x6e /* n */ && this.matches(p, 'null')) {
      return p + 4;
    }
    if ((c >= 48 && c <= 57) || c === 0x2d) {
      this.readNumber(p);
      return this.cursor;
    }
    throw new ParseError(p, `expected a value, found ${describeByte(c)}`);
  }

  private matches(p: number, word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      if (p + i >= this.limit || this.buf[p + i] !== word.charCodeAt(i)) {
        return false;
      }
    }
    return true;
  }
}

let hashA = 0;
let hashB = 0;
/** Result of FlowLogDecoder.rowsHash. */
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

function skipWhitespace(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isWhitespace(buf[p])) {
    p++;
  }
  return p;
}

function describeByte(c: number | undefined): string {
  if (c === undefined) {
    return 'the end of the record';
  }
  if (c >= 0x20 && c < 0x7f) {
    return `'${String.fromCharCode(c)}'`;
  }
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * End (exclusive) of the JSON object or array starting at `pos`, tracking strings, escapes and
 * bracket depth only; -1 when `end` comes first.
 */
function frameValue(buf: Buffer, pos: number, end: number): number {
  let depth = 0;
  let i = pos;
  while (i < end) {
    const c = buf[i++];
    if (c === QUOTE) {
      for (;;) {
        const quote = buf.indexOf(QUOTE, i);
        if (quote < 0 || quote >= end) {
          return -1;
        }
        let b = quote - 1;
        while (b >= i && buf[b] === BACKSLASH) {
          b--;
        }
        i = quote + 1;
        if (((quote - 1 - b) & 1) === 0) {
          break;
        }
      }
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) {
        return i;
      }
    }
  }
  return -1;
}

/** `offset`: position of the string in the window (ParseError positions are relative to it). */
function unescapeJson(raw: string, offset: number): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const slash = raw.indexOf('\\', i);
    if (slash < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, slash);
    const e = raw[slash + 1];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const hex = raw.slice(slash + 2, slash + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          throw new ParseError(offset, `invalid \\u escape in a string`);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i = slash + 6;
        continue;
      }
      default:
        throw new ParseError(offset, `invalid escape \\${e ?? ''} in a string`);
    }
    i = slash + 2;
  }
  return out;
}

/**
 * A record's time in ms to the second (`2018-11-13T12:00:35.3899262Z`), without Date.parse for
 * the usual form: it runs once per record, and only distances of a day matter. NaN if unreadable.
 */
function parseRecordTime(text: string): number {
  if (text.length < 19 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) {
    return Date.parse(text);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The number written with `count` digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      return -1;
    }
    value = value * 10 + digit;
  }
  return value;
}

/** `48 years`, `3 days`, `26 hours` (distances of more than a day). */
function describeDistance(ms: number): string {
  const hours = ms / 3600000;
  const [value, unit] = hours >= 2 * 8766 ? [hours / 8766, 'year'] : hours >= 48 ? [hours / 24, 'day'] : [hours, 'hour'];
  const rounded = Math.floor(value);
  return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`;
}

function normaliseMac(mac: string): string {
  return mac.replace(/[-:.]/g, '').toUpperCase();
}

interface ParsedTuple {
  layout: Layout;
  time: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  flags: number;
  encryption?: string;
  counters: [number, number, number, number];
}

function layoutName(layout: Layout): string {
  switch (layout) {
    case Layout.nsg1:
      return 'NSG flow log v1';
    case Layout.nsg2:
      return 'NSG flow log v2';
    case Layout.vnet:
      return 'VNet flow log v4';
    default:
      return 'NSG flow log';
  }
}

/**
 * Checks and converts one tuple (`1542110377,10.5.16.4,203.0.113.118,59336,443,T,O,A,B,,,,`).
 * Returns the fields, or a message naming the first bad field.
 */
function parseTupleText(text: string, layout: Layout): ParsedTuple | string {
  const fields = text.split(',');
  // Either layout may end in an extra empty field (a trailing comma, see docs/flow-log-formats.md).
  const count = fields.length;
  const isV1Shaped = count === 8 || (count === 9 && fields[8] === '');
  if (layout === Layout.nsgUnknown) {
    if (isV1Shaped) {
      layout = Layout.nsg1;
    } else if (count === 13 || (count === 14 && fields[13] === '')) {
      layout = Layout.nsg2;
    } else {
      return `expected 8 fields (NSG flow log v1) or 13 (v2), found ${fields.length}`;
    }
  } else if (layout === Layout.nsg2 && isV1Shaped) {
    // A version 1 tuple in a version 2 record: peers read it by position, so it is read as version 1 (see slowTuple).
    layout = Layout.nsg1;
  }
  const expected = layout === Layout.nsg1 ? 8 : 13;
  if (fields.length === expected + 1 && fields[expected] === '') {
    fields.pop();
  }
  if (fields.length !== expected) {
    return `expected ${expected} fields for ${layoutName(layout)}, found ${fields.length}`;
  }
  const timeText = fields[0];
  if (!/^\d{10}$|^\d{13}$/.test(timeText)) {
    return `timestamp ${quoteForMessage(timeText)} is not Unix epoch seconds (10 digits) or milliseconds (13 digits)`;
  }
  const time = timeText.length === 10 ? Number(timeText) * 1000 : Number(timeText);
  const srcIp = fields[1];
  const dstIp = fields[2];
  const addressError = addressProblem(srcIp, 'source') ?? addressProblem(dstIp, 'destination');
  if (addressError !== undefined) {
    return addressError;
  }
  const srcPort = parsePort(fields[3]);
  if (srcPort < 0) {
    return `source port ${quoteForMessage(fields[3])} is not a number from 0 to 65535`;
  }
  const dstPort = parsePort(fields[4]);
  if (dstPort < 0) {
    return `destination port ${quoteForMessage(fields[4])} is not a number from 0 to 65535`;
  }
  const protocolText = fields[5];
  let protocol: number;
  if (protocolText === 'T') {
    protocol = 6;
  } else if (protocolText === 'U') {
    protocol = 17;
  } else if (/^\d{1,3}$/.test(protocolText) && Number(protocolText) <= 255) {
    protocol = Number(protocolText);
  } else {
    return `protocol ${quoteForMessage(protocolText)} is not T, U or an IANA protocol number`;
  }
  let flags: number;
  if (fields[6] === 'I') {
    flags = 0;
  } else if (fields[6] === 'O') {
    flags = flagOutbound;
  } else {
    return `direction ${quoteForMessage(fields[6])} is not I (inbound) or O (outbound)`;
  }
  let encryption: string | undefined;
  let counterStart = 9;
  if (layout === Layout.vnet) {
    const state = fields[7];
    if (state === 'B') {
      flags |= flagBegin;
    } else if (state === 'C') {
      flags |= flagContinuing;
    } else if (state === 'E') {
      flags |= flagEnd;
    } else if (state === 'D') {
      flags |= flagDenyState;
    } else {
      return `flow state ${quoteForMessage(state)} is not B, C, E or D`;
    }
    encryption = fields[8];
    if (!/^[A-Za-z0-9_]{1,64}$/.test(encryption)) {
      return `encryption ${quoteForMessage(encryption)} is not a value such as X or NX`;
    }
  } else {
    const decision = fields[7];
    if (decision === 'D') {
      flags |= flagDeny;
    } else if (decision !== 'A') {
      return `decision ${quoteForMessage(decision)} is not A (allowed) or D (denied)`;
    }
    if (layout === Layout.nsg1) {
      counterStart = 8;
    } else {
      const state = fields[8];
      if (state === 'B') {
        flags |= flagBegin;
      } else if (state === 'C') {
        flags |= flagContinuing;
      } else if (state === 'E') {
        flags |= flagEnd;
      } else {
        return `flow state ${quoteForMessage(state)} is not B, C or E`;
      }
    }
  }
  const counters: [number, number, number, number] = [NaN, NaN, NaN, NaN];
  const counterNames = ['packets source→destination', 'bytes source→destination', 'packets destination→source', 'bytes destination→source'];
  for (let k = 0; k < 4 && counterStart + k < fields.length; k++) {
    const value = fields[counterStart + k];
    if (value === '') {
      continue;
    }
    if (!/^\d{1,15}$/.test(value)) {
      return `${counterNames[k]} ${quoteForMessage(value)} is not a whole number`;
    }
    counters[k] = Number(value);
  }
  return { layout, time, srcIp, dstIp, srcPort, dstPort, protocol, flags, encryption, counters };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text)) {
    return -1;
  }
  const value = Number(text);
  return value <= 65535 ? value : -1;
}

function makeResult(decoder: FlowLogDecoder, table: FlowTable, tuples: number, bytes: number): DecodeResult {
  const result: DecodeResult = {
    table,
    records: decoder.records,
    duplicateRecords: decoder.duplicateRecords,
    tuples,
    rejectedTuples: decoder.rejectedTuples,
    problems: decoder.problems,
    problemCount: decoder.problemCount,
    formats: decoder.formats,
    bytes,
  };
  if (decoder.truncatedAt !== undefined) {
    result.truncatedAt = decoder.truncatedAt;
  }
  return result;
}

function bomLength(buf: Uint8Array, length: number): number {
  return length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** Decodes a whole flow-log file (or one appended block) held in memory. */
export function decodeFlowLogBytes(bytes: Uint8Array, options: Omit<DecodeOptions, 'signal' | 'onBatch'> = {}): DecodeResult {
  const table = options.table ?? new FlowTable();
  const startLength = table.length;
  const decoder = new FlowLogDecoder(table, { batchRows: options.batchRows, maxProblems: options.maxProblems, streaming: false, keepDuplicates: options.keepDuplicates });
  // A tuple takes 50–80 bytes of JSON: reserving for the likely row count avoids repeated growth.
  table.reserve(Math.ceil(bytes.length / 80));
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  decoder.process(buf, bomLength(buf, buf.length), buf.length, 0, true, true);
  decoder.finish(buf.length);
  options.onProgress?.(buf.length, buf.length);
  return makeResult(decoder, table, table.length - startLength, buf.length);
}

/**
 * Streams a flow-log file from disk with bounded memory and, with `onBatch`, a table emptied
 * after every batch. A file that fits in one chunk is read at once; a larger one through two
 * alternating buffers, the next chunk being read while the current one is decoded. Each
 * buffer keeps `chunk` bytes of room in front of its data for the record cut by the previous
 * chunk, so the data just read is never copied; only a record longer than a chunk goes
 * through a separate, growing buffer.
 */
export async function decodeFlowLogFile(path: string, options: DecodeOptions = {}): Promise<DecodeResult> {
  const signal = options.signal;
  if (signal?.aborted) {
    throw abortError();
  }
  const table = options.table ?? new FlowTable();
  const startLength = table.length;
  const decoder = new FlowLogDecoder(table, {
    batchRows: options.batchRows,
    maxProblems: options.maxProblems,
    streaming: options.onBatch !== undefined,
    keepDuplicates: options.keepDuplicates,
  });
  const handle = await open(path, 'r');
  let emitted = 0;
  const flush = async (): Promise<void> => {
    if (options.onBatch && table.length > 0) {
      emitted += table.length;
      await options.onBatch(table);
      table.clear();
      decoder.tableCleared();
      // The batch's rows are gone, so are the only references to these contexts; releasing
      // them keeps memory bounded on long files (indexes restart with the next batch).
      table.contexts.length = 0;
    }
  };
  let pending: Promise<number> | undefined;
  try {
    const total = (await handle.stat()).size;
    const chunk = Math.max(16, options.chunkBytes ?? defaultChunkBytes);
    // A tuple takes 50–80 bytes of JSON: room for the likely rows of a batch (or of a small file)
    // avoids repeated growth; a large table still grows as it fills, never beyond what it needs.
    table.reserve(Math.min(Math.ceil(total / 80), options.onBatch ? Math.max(1, options.batchRows ?? defaultBatchRows) + 1024 : defaultBatchRows));
    const fd = handle.fd;
    const read = (buffer: Buffer, at: number): Promise<number> =>
      new Promise((resolve, reject) => {
        fsRead(fd, buffer, at, chunk, fileRead, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
      });
    // The window being decoded is buf[start..length) (one spare byte after it holds a 0 that
    // stops every token scan, see tryDecodeItem); buf[0] is at file offset `base`.
    let buf: Buffer;
    let start: number;
    let length: number;
    let fileRead = 0;
    let eof: boolean;
    const ring: Buffer[] = [];
    if (total <= chunk) {
      buf = Buffer.allocUnsafe(Math.max(total, 16) + 1);
      start = 0;
      length = 0;
      for (;;) {
        const bytesRead = readSync(fd, buf, length, buf.length - 1 - length, length);
        length += bytesRead;
        if (bytesRead === 0 || length === buf.length - 1) {
          break;
        }
      }
      fileRead = length;
      eof = true;
    } else {
      ring.push(Buffer.allocUnsafe(2 * chunk + 1), Buffer.allocUnsafe(2 * chunk + 1));
      buf = ring[0];
      start = chunk;
      length = chunk + (await read(buf, chunk));
      fileRead = length - chunk;
      eof = length === chunk || fileRead >= total;
    }
    let base = -start;
    let big: Buffer | undefined;
    let first = true;
    for (;;) {
      if (signal?.aborted) {
        throw abortError();
      }
      buf[length] = 0;
      options.onProgress?.(fileRead, total);
      // Read the next chunk into the ring buffer that does not hold the window, while this one is decoded.
      const spare = ring.length === 0 ? undefined : buf === ring[0] ? ring[1] : ring[0];
      pending = eof || spare === undefined ? undefined : read(spare, chunk);
      let pos = start;
      let decode = true;
      if (first) {
        pos += bomLength(buf.subarray(start), length - start);
        if (pos === start && length - start < 3 && !eof) {
          decode = false;
        } else {
          first = false;
        }
      }
      if (decode) {
        const atLimit = length - start > maxRecordBytes;
        for (;;) {
          pos = decoder.process(buf, pos, length, base, eof, atLimit);
          if (!decoder.batchReady) {
            break;
          }
          await flush();
          if (signal?.aborted) {
            throw abortError();
          }
        }
      }
      if (eof || pending === undefined || spare === undefined) {
        decoder.finish(fileRead);
        break;
      }
      const bytesRead = await pending;
      pending = undefined;
      fileRead += bytesRead;
      eof = bytesRead === 0 || fileRead >= total;
      const tail = length - pos;
      const tailOffset = base + pos;
      if (tail <= chunk) {
        buf.copy(spare, chunk - tail, pos, length);
        buf = spare;
        start = chunk - tail;
        length = chunk + bytesRead;
      } else {
        // A record longer than a chunk: gather it with the new data in a buffer that doubles as needed.
        const needed = tail + bytesRead + 1;
        if (big === undefined || big.length < needed) {
          const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * tail + chunk + 1));
          buf.copy(bigger, 0, pos, length);
          big = bigger;
        } else if (buf === big) {
          big.copyWithin(0, pos, length);
        } else {
          buf.copy(big, 0, pos, length);
        }
        spare.copy(big, tail, chunk, chunk + bytesRead);
        buf = big;
        start = 0;
        length = tail + bytesRead;
      }
      base = tailOffset - start;
    }
    const tuples = emitted + table.length - startLength;
    await flush();
    return makeResult(decoder, table, tuples, fileRead);
  } finally {
    // A read still under way (after a cancellation or a failing onBatch) must end before the file is closed.
    await pending?.catch(() => 0);
    await handle.close();
  }
}

/**
 * The raw record at a byte offset (from `RecordContext.recordOffset`), for a detail view.
 * `tuples[i]` is the tuple string with `tupleIndex` i.
 */
export async function readRecordAt(path: string, recordOffset: number): Promise<{ text: string; tuples: string[] }> {
  const handle = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(64 * 1024);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, recordOffset + length);
      length += bytesRead;
      if (length === 0 || buf[0] !== LBRACE) {
        throw new Error(`No record starts at byte ${recordOffset} of ${path}.`);
      }
      const end = frameValue(buf, 0, length);
      if (end >= 0) {
        const text = buf.toString('utf8', 0, end);
        return { text, tuples: tuplesOf(text) };
      }
      if (bytesRead === 0 || length >= maxRecordBytes) {
        throw new Error(`The record at byte ${recordOffset} of ${path} is not complete.`);
      }
      if (length === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
    }
  } finally {
    await handle.close();
  }
}

function tuplesOf(text: string): string[] {
  const record = JSON.parse(text) as Record<string, unknown>;
  const tuples: unknown[] = [];
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const object = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  for (const rule of list(object(record.properties).flows)) {
    for (const group of list(object(rule).flows)) {
      tuples.push(...list(object(group).flowTuples));
    }
  }
  for (const acl of list(object(record.flowRecords).flows)) {
    for (const group of list(object(acl).flowGroups)) {
      tuples.push(...list(object(group).flowTuples));
    }
  }
  return tuples.map((tuple) => (typeof tuple === 'string' ? tuple : JSON.stringify(tuple)));
}
