/**
 * Problems in a record's content: tuple times far from the record's time, and objects of the
 * record's structure without the list that holds their tuples.
 */
import { ParseError, describeDistance, quoteForMessage } from './decodeProblem';
import { COLON, COMMA, LBRACE, LBRACKET, QUOTE, RBRACKET } from './jsonBytes';
import { TupleParser } from './tupleParser';

/**
 * A tuple time further than this from its record's time is reported (records are written about
 * once a minute, with tuples of the minute before; a day is far beyond any delay seen).
 */
const maxTupleTimeDistanceMs = 24 * 60 * 60 * 1000;
const flowTuplesKey = Buffer.from('"flowTuples"');

export abstract class RecordChecks extends TupleParser {

  /**
   * Warns about tuples whose time is far from their record's time (a clock or encoding fault:
   * `0000000001` is 1970): they are kept, so the warning has to say that they widen the time range.
   */
  protected checkTupleTimes(recordTimeText: string, start: number, end: number): void {
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
  protected tupleStart(start: number, end: number, tupleIndex: number): number {
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

  /**
   * An object of the record's structure lacks the list that holds its tuples (missing, or
   * renamed, e.g. `flowTuple`): reported as an error naming the object and its keys, and the
   * strings in lists under its other keys (the tuples it probably holds) counted as rejected.
   * Called with the cursor after the object, which it leaves there.
   */
  protected reportMissingList(objectAt: number, key: string, where: string): void {
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
  protected throwMissingList(recordAt: number, key: string, where: string): never {
    const { message, lost } = this.describeMissingList(this.ws(recordAt), key, where);
    throw new ParseError(recordAt, message, 'missing-list', lost);
  }

  protected describeMissingList(objectAt: number, key: string, where: string): { message: string; lost: number } {
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
  protected countListStrings(p: number, inList: boolean, depth: number): number {
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
