/**
 * The chunks an export is written in, and the byte writers that fill them straight from numbers,
 * timestamps and constant pieces without making a string per line.
 */
import { isoTime } from './exportText';

/** Receives the export as UTF-8, in chunks that each end at a line end. */
export type WriteChunk = (chunk: Uint8Array) => void | Promise<void>;

/** Write in chunks of about this many bytes. */
const chunkBytes = 1024 * 1024;
/** A chunk counts as full when less than this is left, which most lines fit in. */
const chunkSlack = 16 * 1024;

/**
 * Chunk buffers to fill again once their write has finished, for a `write` that is done with a
 * chunk when its promise resolves (as `openExportOutput`'s is). One pool serves every batch of an
 * export: two buffers, one being written while the other fills, instead of a new megabyte per chunk
 * for the garbage collector to find.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(chunkBytes);
  }

  give(buffer: Buffer): void {
    this.free.push(buffer);
  }
}

/**
 * Encodes lines as UTF-8 straight into chunks of about `chunkBytes` and hands each chunk to
 * `write` whole: no joining of many small strings, and the stream gets bytes it need not encode.
 * With a pool, the next chunk fills while the last one is written.
 */
export class ChunkWriter {
  /** The chunk being filled; byte writers append at `size` after `reserve`. */
  buffer: Buffer;
  size = 0;
  /** The write of the previous chunk (with a pool), and its error. */
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly write: WriteChunk,
    private readonly pool?: ChunkPool,
  ) {
    this.buffer = pool === undefined ? Buffer.allocUnsafe(chunkBytes) : pool.take();
  }

  /** Adds the text; true when the chunk is full and `flush` should be awaited (one await per chunk, not per row). */
  push(text: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const room = this.buffer.length - this.size;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      this.grow(Buffer.byteLength(text));
    }
    this.size += this.buffer.write(text, this.size, 'utf8');
    return this.size >= chunkBytes - chunkSlack;
  }

  async add(text: string): Promise<void> {
    if (this.push(text)) {
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.size === 0) {
      return;
    }
    const full = this.buffer;
    const chunk = full.subarray(0, this.size);
    this.size = 0;
    const pool = this.pool;
    if (pool === undefined) {
      // The stream may still hold the chunk: the next one goes into a new buffer.
      this.buffer = Buffer.allocUnsafe(chunkBytes);
      await this.write(chunk);
      return;
    }
    await this.settle();
    this.inFlight = Promise.resolve(this.write(chunk)).then(
      () => pool.give(full),
      (error: unknown) => {
        this.failure = error;
      },
    );
    this.buffer = pool.take();
  }

  /** Writes what is left and waits for every write; the buffer goes back to the pool. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    if (this.pool !== undefined) {
      this.pool.give(this.buffer);
    }
  }

  private async settle(): Promise<void> {
    if (this.inFlight !== undefined) {
      await this.inFlight;
      this.inFlight = undefined;
    }
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }

  /** Makes room for `bytes` more bytes at `size`. */
  reserve(bytes: number): void {
    if (this.buffer.length - this.size < bytes) {
      this.grow(bytes);
    }
  }

  /** True when the chunk is full and `flush` should be awaited. */
  get isFull(): boolean {
    return this.size >= chunkBytes - chunkSlack;
  }

  /** Room for a line longer than what is left (a row with very long names). */
  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(chunkBytes, this.size + needed));
    this.buffer.copy(bigger, 0, 0, this.size);
    this.buffer = bigger;
  }
}

export const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
export const emptyBytes = Buffer.alloc(0);

/**
 * `isoTime` for many timestamps: the text up to the minute is made once per minute (by
 * `Date.toISOString`) and the seconds and milliseconds appended, which gives the same text.
 */
export class IsoTimeCache {
  private readonly minutes = new Float64Array(1024).fill(NaN);
  private readonly prefixes: string[] = new Array<string>(1024).fill('');

  text(epochMs: number): string {
    // Whole milliseconds from 1970 to the year 9999 have the fixed-width form; the rest go the general way.
    if (!(epochMs >= 0 && epochMs < 253402300800000) || epochMs !== Math.floor(epochMs)) {
      return isoTime(epochMs);
    }
    const minute = Math.floor(epochMs / 60000);
    const slot = minute & 1023;
    let prefix: string;
    if (this.minutes[slot] === minute) {
      prefix = this.prefixes[slot];
    } else {
      prefix = new Date(minute * 60000).toISOString().slice(0, 17);
      this.minutes[slot] = minute;
      this.prefixes[slot] = prefix;
    }
    const rest = epochMs - minute * 60000;
    const seconds = Math.floor(rest / 1000);
    const milliseconds = rest - seconds * 1000;
    return `${prefix}${seconds < 10 ? '0' : ''}${seconds}${milliseconds < 10 ? '.00' : milliseconds < 100 ? '.0' : '.'}${milliseconds}Z`;
  }

  /** `text(epochMs)` straight into the writer's chunk (room reserved), without making the string. */
  put(epochMs: number, writer: ChunkWriter): void {
    if (!(epochMs >= 0 && epochMs < 253402300800000) || epochMs !== Math.floor(epochMs)) {
      putAscii(writer, isoTime(epochMs));
      return;
    }
    const minute = Math.floor(epochMs / 60000);
    const slot = minute & 1023;
    if (this.minutes[slot] !== minute) {
      this.text(epochMs);
    }
    // The minute's prefix has 17 ASCII characters: 2024-03-01T10:00:
    const prefix = this.prefixes[slot];
    const buffer = writer.buffer;
    let at = writer.size;
    for (let i = 0; i < 17; i++) {
      buffer[at++] = prefix.charCodeAt(i);
    }
    const rest = epochMs - minute * 60000;
    const seconds = Math.floor(rest / 1000);
    const milliseconds = rest - seconds * 1000;
    const tens = Math.floor(seconds / 10);
    buffer[at++] = 48 + tens;
    buffer[at++] = 48 + seconds - tens * 10;
    buffer[at++] = 46;
    const hundreds = Math.floor(milliseconds / 100);
    const tenths = Math.floor((milliseconds - hundreds * 100) / 10);
    buffer[at++] = 48 + hundreds;
    buffer[at++] = 48 + tenths;
    buffer[at++] = 48 + milliseconds - hundreds * 100 - tenths * 10;
    buffer[at++] = 90;
    writer.size = at;
  }
}

/** Writes a number as JavaScript (and JSON) writes it: digits for whole numbers, `String(n)` for the rest. */
export function putNumber(writer: ChunkWriter, value: number): void {
  // Ports, protocols, indexes and most counters: 32-bit integer arithmetic.
  if (value >= 0 && value <= 0x7fffffff && value === (value | 0)) {
    const buffer = writer.buffer;
    let n = value | 0;
    const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let at = writer.size + digits;
    writer.size = at;
    do {
      const next = (n / 10) | 0;
      buffer[--at] = 48 + n - next * 10;
      n = next;
    } while (n > 0);
    return;
  }
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && value === Math.floor(value)) {
    const buffer = writer.buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) {
      digits++;
    }
    let at = writer.size + digits;
    writer.size = at;
    let n = value;
    do {
      const next = Math.floor(n / 10);
      buffer[--at] = 48 + n - next * 10;
      n = next;
    } while (n > 0);
    return;
  }
  putAscii(writer, String(value));
}

/** Writes text known to be ASCII. */
export function putAscii(writer: ChunkWriter, text: string): void {
  const buffer = writer.buffer;
  let at = writer.size;
  for (let i = 0; i < text.length; i++) {
    buffer[at++] = text.charCodeAt(i);
  }
  writer.size = at;
}

export function put(writer: ChunkWriter, bytes: Uint8Array): void {
  const length = bytes.length;
  const buffer = writer.buffer;
  const at = writer.size;
  // A loop beats TypedArray.set for the short pieces most rows are made of.
  if (length < 64) {
    for (let i = 0; i < length; i++) {
      buffer[at + i] = bytes[i];
    }
  } else {
    buffer.set(bytes, at);
  }
  writer.size = at + length;
}
