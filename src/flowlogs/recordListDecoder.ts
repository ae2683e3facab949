/**
 * The top level of a flow-log file, fed window by window: a `{"records":[…]}` object, a bare
 * list, or records one after another; records cut by the window, malformed ones, unexpected
 * content between records and records identical to an earlier one.
 */
import { ParseError, describeByte, needFraming } from './decodeProblem';
import { defaultMaxProblems } from './decodeState';
import type { FlowTable } from './flowTable';
import { COLON, COMMA, LBRACE, LBRACKET, QUOTE, RBRACE, RBRACKET, frameValue, isWhitespace, skipWhitespace } from './jsonBytes';
import { RecordDedup } from './recordDedup';
import { RecordParser } from './recordParser';

export const defaultBatchRows = 65536;
/** A single record larger than this is reported and skipped rather than buffered. */
export const maxRecordBytes = 64 * 1024 * 1024;

const enum Mode {
  top,
  list,
  afterList,
}

/**
 * Incremental decoder: feed it windows of the input with `process`; it consumes whole
 * records and reports how far it got, so the caller can keep the unconsumed tail.
 */
export class RecordListDecoder extends RecordParser {
  truncatedAt: number | undefined;

  private mode = Mode.top;
  private listIsObject = false;
  private inGarbage = false;
  private duplicates = 0;
  /** With `keepDuplicates`: records identical to an earlier one, decoded again. */
  private keptDuplicates = 0;
  private firstDuplicateOffset = -1;
  private readonly batchRows: number;
  private readonly streaming: boolean;
  private readonly keepDuplicates: boolean;
  private readonly dedup: RecordDedup;

  constructor(table: FlowTable, options: { batchRows?: number; maxProblems?: number; streaming: boolean; keepDuplicates?: boolean }) {
    super(table, options.maxProblems ?? defaultMaxProblems);
    this.batchRows = Math.max(1, options.batchRows ?? defaultBatchRows);
    this.streaming = options.streaming;
    this.keepDuplicates = options.keepDuplicates === true;
    this.dedup = new RecordDedup(table, this.stringIds);
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
        message: `skipped ${this.duplicates} record${this.duplicates === 1 ? '' : 's'} identical to an earlier record (first at byte ${this.firstDuplicateOffset}), so their tuples are not counted twice (the viewer's Keep them and the command line's --keep-duplicates keep them, as collectors that count every record do)`,
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
  protected override decodeRecord(start: number): number {
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
      const isRepeat = this.dedup.isRepeat(result.header, rowStart, contextStart, this.rejectedTuples - rejected);
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
    this.dedup.tableCleared();
  }

  protected override isInRecordsList(): boolean {
    return this.mode === Mode.list;
  }
}
