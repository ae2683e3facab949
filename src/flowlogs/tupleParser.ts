/**
 * flowTuples lists: a fast reader takes runs of common, well-formed tuples straight from the
 * bytes into the table's columns (numbers and IPv4 addresses without creating strings) and
 * leaves any unusual tuple to the checked path of tupleRows.
 */
import { ParseError, describeByte } from './decodeProblem';
import { COMMA, DOT, LBRACKET, QUOTE, RBRACKET, isWhitespace } from './jsonBytes';
import { TupleRows } from './tupleRows';
import { Layout, flagBegin, flagContinuing, flagDeny, flagDenyState, flagEnd, flagOutbound } from './tupleText';

export abstract class TupleParser extends TupleRows {

  protected parseTuples(p: number, layout: Layout, contextIndex: number): void {
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
  protected fastStopped = false;
  /** The last IPv4 address seen in each address column and its dictionary index (tuples of a group often share one side). */
  protected lastSrcKey = 0;
  protected lastSrcIndex = -1;
  protected lastDstKey = 0;
  protected lastDstIndex = -1;

  /**
   * Parses consecutive common, well-formed tuples straight from bytes into the table's columns,
   * starting at the opening quote at `p`. Returns the position after the last tuple read (with
   * `fastStopped` false), or the opening quote of the first tuple that is unusual in any way
   * (with `fastStopped` true, nothing of it written).
   */
  protected fastTuples(buf: Buffer, p: number, layout: Layout, contextIndex: number): number {
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
}
