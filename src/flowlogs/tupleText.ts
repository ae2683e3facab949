/**
 * Tuple layouts, the packed flags of each field value, and the checked reading of one tuple's
 * text: the path for every tuple the fast reader does not take, which names the first bad field.
 * Field layouts: docs/flow-log-formats.md.
 */
import { quoteForMessage } from './decodeProblem';
import { packFlags } from './flowTable';

/** Tuple layouts. `nsgUnknown`: an NSG record without properties.Version, inferred per tuple from its field count. */
export const enum Layout {
  nsgUnknown = 0,
  nsg1 = 1,
  nsg2 = 2,
  vnet = 4,
}

export const flagOutbound = packFlags('outbound', 'allow', undefined);
export const flagDeny = packFlags('inbound', 'deny', undefined);
export const flagBegin = packFlags('inbound', 'allow', 'begin');
export const flagContinuing = packFlags('inbound', 'allow', 'continuing');
export const flagEnd = packFlags('inbound', 'allow', 'end');
export const flagDenyState = packFlags('inbound', 'deny', 'deny');

/** A tuple's flow-state letter and its flags (D is VNet flow logs' own: denied). */
const stateFlags: ReadonlyMap<string, number> = new Map([
  ['B', flagBegin],
  ['C', flagContinuing],
  ['E', flagEnd],
  ['D', flagDenyState],
]);

export function ipv4ToString(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
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

export interface ParsedTuple {
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
export function parseTupleText(text: string, layout: Layout): ParsedTuple | string {
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
    // A version 1 tuple in a version 2 record: peers read it by position, so it is read as version 1 (see TupleRows.slowTuple).
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
    const state = stateFlags.get(fields[7]);
    if (state === undefined) {
      return `flow state ${quoteForMessage(fields[7])} is not B, C, E or D`;
    }
    flags |= state;
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
      // NSG v2 states are B, C and E; D is VNet flow logs' own (denied).
      const state = fields[8] === 'D' ? undefined : stateFlags.get(fields[8]);
      if (state === undefined) {
        return `flow state ${quoteForMessage(fields[8])} is not B, C or E`;
      }
      flags |= state;
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
