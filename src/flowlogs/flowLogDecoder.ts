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
 *
 * This module reads files and memory; the decoder itself is recordListDecoder and the layers
 * below it (see decodeState.ts).
 */
import { read as fsRead, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { DecodeProblem } from './decodeProblem';
import { FlowTable } from './flowTable';
import { LBRACE, frameValue } from './jsonBytes';
import { RecordListDecoder, defaultBatchRows, maxRecordBytes } from './recordListDecoder';

export { describeProblem, type DecodeProblem } from './decodeProblem';
export { formatLabel } from './recordParser';
export { isIpv6 } from './tupleText';

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

const defaultChunkBytes = 4 * 1024 * 1024;

function abortError(): Error {
  return new DOMException('Decoding was cancelled.', 'AbortError');
}

function makeResult(decoder: RecordListDecoder, table: FlowTable, tuples: number, bytes: number): DecodeResult {
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
  const decoder = new RecordListDecoder(table, { batchRows: options.batchRows, maxProblems: options.maxProblems, streaming: false, keepDuplicates: options.keepDuplicates });
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
  const decoder = new RecordListDecoder(table, {
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
    // stops every token scan, see RecordListDecoder.tryDecodeItem); buf[0] is at file offset `base`.
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
