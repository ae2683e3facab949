/**
 * Strings that repeat from record to record (keys, rule names, MACs, resource IDs), read from
 * the bytes without decoding them again, and interned.
 */
import { ParseError, describeByte } from './decodeProblem';
import { DecodeState } from './decodeState';
import { BACKSLASH, QUOTE, unescapeJson } from './jsonBytes';

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

export abstract class StringCache extends DecodeState {
  protected readonly strings = new Map<string, string>();
  protected readonly stringIds = new Map<string, number>();
  /** Hash table of cached strings: chains of entries by `key & cacheMask`. */
  protected cacheSlots: (CacheEntry | undefined)[] = new Array<CacheEntry | undefined>(256).fill(undefined);
  protected cacheMask = 255;
  protected cacheSize = 0;
  protected lastCached: CacheEntry | undefined;
  protected readonly macs = new Map<string, string>();

  protected intern(value: string): string {
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
  protected readCached(p: number): string {
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

  protected growCache(): void {
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

  protected mac(raw: string): string {
    let mac = this.macs.get(raw);
    if (mac === undefined) {
      mac = this.intern(normaliseMac(raw));
      if (this.macs.size < maxCachedStrings) {
        this.macs.set(raw, mac);
      }
    }
    return mac;
  }
}

function normaliseMac(mac: string): string {
  return mac.replace(/[-:.]/g, '').toUpperCase();
}
