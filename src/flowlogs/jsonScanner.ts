/**
 * Generic JSON read from the window: whitespace, keys, strings, numbers, skipping a value while
 * checking its structure, and walking the members of objects and the elements of lists.
 */
import { ParseError, describeByte, quoteForMessage } from './decodeProblem';
import { BACKSLASH, COLON, COMMA, DOT, LBRACE, LBRACKET, QUOTE, RBRACE, RBRACKET, isWhitespace, unescapeJson } from './jsonBytes';
import { StringCache } from './stringCache';

export abstract class JsonScanner extends StringCache {

  protected ws(p: number): number {
    const buf = this.buf;
    const limit = this.limit;
    while (p < limit && isWhitespace(buf[p])) {
      p++;
    }
    return p;
  }

  /** Reads `"key"` and the colon; cursor is left at the value. */
  protected readKey(p: number): string {
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
  protected readString(p: number): string {
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

  /**
   * A record string that is kept but not needed to read the record (`systemId`, `flowLogGUID`,
   * `operationName`): undefined when the value is not a string, which is skipped rather than
   * failing the record, as these keys were before they were kept.
   */
  protected readOptionalString(p: number): string | undefined {
    if (this.buf[p] !== QUOTE) {
      this.cursor = this.skipValue(p, 0);
      return undefined;
    }
    return this.readCached(p);
  }

  protected readNumber(p: number): number {
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
  protected skipValue(p: number, depth: number): number {
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

  protected matches(p: number, word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      if (p + i >= this.limit || this.buf[p + i] !== word.charCodeAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** At `{`: the position of the first key, or -1 (cursor after `}`) when the object is empty. */
  protected objectFirst(p: number, what: string): number {
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
  protected objectNext(what: string): number {
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
  protected arrayFirst(p: number, what: string): number {
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
  protected arrayNext(what: string): number {
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

  /** `[a, b,]`: not JSON, but nothing is lost, so the list is read and the comma reported. */
  protected reportTrailingComma(comma: number, list: string): void {
    this.report({
      severity: 'warning',
      code: 'trailing-comma',
      message: `a ',' before the ']' that closes ${list} (not valid JSON); the list was read up to it`,
      offset: this.base + comma,
      recordIndex: this.records,
    });
  }
}
