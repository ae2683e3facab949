/**
 * Problems the flow-log decoder reports: the public `DecodeProblem`, the error that ends the
 * parse of one record, and how values, bytes and distances are worded in messages.
 */
import { problemLocation } from './problemLocation';

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

const maxTupleTextInMessage = 200;
const maxTupleTextInProblem = 1000;

export class ParseError extends Error {
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
export const needFraming = new Error('the record has to be framed first');

/**
 * A value quoted for a message, cut to a readable length: a bad value can be megabytes long and
 * is printed with every problem (`"99999…" (5242880 characters)`).
 */
export function quoteForMessage(text: string): string {
  if (text.length <= maxTupleTextInMessage) {
    return JSON.stringify(text);
  }
  return `${JSON.stringify(`${text.slice(0, maxTupleTextInMessage)}…`)} (${text.length} characters)`;
}

/** The start of a long value, for `DecodeProblem.tuple` (the whole value can be read with readRecordAt). */
export function cutForProblem(text: string): string {
  return text.length > maxTupleTextInProblem ? `${text.slice(0, maxTupleTextInProblem)}…` : text;
}

/** `byte 1834, record 3, tuple 7: expected 13 fields…` (the parts that are known). */
export function describeProblem(problem: DecodeProblem): string {
  const where = problemLocation(problem);
  return where.length > 0 ? `${where}: ${problem.message}` : problem.message;
}

export function describeByte(c: number | undefined): string {
  if (c === undefined) {
    return 'the end of the record';
  }
  if (c >= 0x20 && c < 0x7f) {
    return `'${String.fromCharCode(c)}'`;
  }
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** `48 years`, `3 days`, `26 hours` (distances of more than a day). */
export function describeDistance(ms: number): string {
  const hours = ms / 3600000;
  const [value, unit] = hours >= 2 * 8766 ? [hours / 8766, 'year'] : hours >= 48 ? [hours / 24, 'day'] : [hours, 'hour'];
  const rounded = Math.floor(value);
  return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`;
}
