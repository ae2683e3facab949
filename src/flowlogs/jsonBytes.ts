/**
 * Byte-level JSON for the flow-log decoder: byte codes, whitespace, the bounds of a value found
 * from its bytes alone, and unescaping a string.
 */
import { ParseError } from './decodeProblem';

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipWhitespace(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isWhitespace(buf[p])) {
    p++;
  }
  return p;
}

/**
 * End (exclusive) of the JSON object or array starting at `pos`, tracking strings, escapes and
 * bracket depth only; -1 when `end` comes first.
 */
export function frameValue(buf: Buffer, pos: number, end: number): number {
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
export function unescapeJson(raw: string, offset: number): string {
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
