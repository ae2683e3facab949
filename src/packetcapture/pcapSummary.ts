import ipaddr from 'ipaddr.js';
import { escapeMarkdown } from '../core/markdown';
import { formatBytes } from '../core/quantities';

/** A capture file that cannot be read; `offset` is the byte where reading stopped. */
export class PcapFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'PcapFormatError';
  }
}

export type CaptureProtocol = 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6' | 'Other IPv4' | 'Other IPv6' | 'Non-IP';

export interface ProtocolTotals {
  protocol: CaptureProtocol;
  packets: number;
  /** On-the-wire bytes (the records' original lengths). */
  bytes: number;
}

/** Traffic between two endpoints, both directions together. `a` sorts before `b`. */
export interface Conversation {
  protocol: CaptureProtocol;
  /** `10.1.2.4:50432`, `[fd00::4]:443`, or an address alone for ICMP and other protocols. */
  a: string;
  b: string;
  packets: number;
  bytes: number;
  packetsAToB: number;
  packetsBToA: number;
  firstTime: string;
  lastTime: string;
}

export interface PcapSummary {
  byteOrder: 'little-endian' | 'big-endian';
  precision: 'microseconds' | 'nanoseconds';
  linkType: number;
  linkTypeName: string;
  snapLength: number;
  packets: number;
  bytes: number;
  /** Packets stored shorter than they were on the wire (bytes-per-packet limit). */
  cutPackets: number;
  firstTime?: string;
  lastTime?: string;
  protocols: ProtocolTotals[];
  /** Busiest first (bytes, then packets). */
  conversations: Conversation[];
}

const linkTypes: Record<number, string> = { 1: 'Ethernet', 101: 'Raw IP', 12: 'Raw IP', 113: 'Linux cooked' };
const maxRecordLength = 256 * 1024 * 1024;

interface Packet {
  protocol: CaptureProtocol;
  source?: string;
  destination?: string;
  sourcePort?: number;
  destinationPort?: number;
}

function formatAddress(bytes: Uint8Array): string {
  return ipaddr.fromByteArray([...bytes]).toString();
}

function endpoint(address: string, port: number | undefined): string {
  if (port === undefined) {
    return address;
  }
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function transport(data: Uint8Array, offset: number, protocolNumber: number, ipv6: boolean, fragment: boolean): Pick<Packet, 'protocol' | 'sourcePort' | 'destinationPort'> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (protocolNumber) {
    case 6:
    case 17: {
      const protocol = protocolNumber === 6 ? 'TCP' : 'UDP';
      if (fragment || offset + 4 > data.length) {
        return { protocol };
      }
      return { protocol, sourcePort: view.getUint16(offset), destinationPort: view.getUint16(offset + 2) };
    }
    case 1:
      return { protocol: 'ICMP' };
    case 58:
      return { protocol: 'ICMPv6' };
    default:
      return { protocol: ipv6 ? 'Other IPv6' : 'Other IPv4' };
  }
}

function parseIp(data: Uint8Array, offset: number): Packet {
  if (offset >= data.length) {
    return { protocol: 'Non-IP' };
  }
  const version = data[offset] >> 4;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (version === 4) {
    if (offset + 20 > data.length) {
      return { protocol: 'Other IPv4' };
    }
    const headerLength = (data[offset] & 0x0f) * 4;
    const fragmentOffset = view.getUint16(offset + 6) & 0x1fff;
    const source = formatAddress(data.subarray(offset + 12, offset + 16));
    const destination = formatAddress(data.subarray(offset + 16, offset + 20));
    return { source, destination, ...transport(data, offset + headerLength, data[offset + 9], false, fragmentOffset !== 0) };
  }
  if (version === 6) {
    if (offset + 40 > data.length) {
      return { protocol: 'Other IPv6' };
    }
    const source = formatAddress(data.subarray(offset + 8, offset + 24));
    const destination = formatAddress(data.subarray(offset + 24, offset + 40));
    let next = data[offset + 6];
    let cursor = offset + 40;
    let fragment = false;
    // Hop-by-hop, routing, destination options and fragment headers come before the transport header.
    while ([0, 43, 44, 60].includes(next) && cursor + 8 <= data.length) {
      if (next === 44) {
        fragment = (view.getUint16(cursor + 2) & 0xfff8) !== 0;
        next = data[cursor];
        cursor += 8;
      } else {
        const length = (data[cursor + 1] + 1) * 8;
        next = data[cursor];
        cursor += length;
      }
    }
    return { source, destination, ...transport(data, cursor, next, true, fragment) };
  }
  return { protocol: 'Non-IP' };
}

function parseLink(linkType: number, data: Uint8Array): Packet {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (linkType === 101 || linkType === 12) {
    return parseIp(data, 0);
  }
  if (linkType === 113) {
    return data.length >= 16 && [0x0800, 0x86dd].includes(view.getUint16(14)) ? parseIp(data, 16) : { protocol: 'Non-IP' };
  }
  let offset = 12;
  if (offset + 2 > data.length) {
    return { protocol: 'Non-IP' };
  }
  let etherType = view.getUint16(offset);
  // 802.1Q and 802.1ad (QinQ) tags: 4 bytes each before the real EtherType.
  while ((etherType === 0x8100 || etherType === 0x88a8) && offset + 6 <= data.length) {
    offset += 4;
    etherType = view.getUint16(offset);
  }
  return etherType === 0x0800 || etherType === 0x86dd ? parseIp(data, offset + 2) : { protocol: 'Non-IP' };
}

function isoTime(seconds: number, fraction: number, nano: boolean): string {
  const ms = seconds * 1000 + (nano ? fraction / 1e6 : fraction / 1e3);
  return new Date(Math.floor(ms)).toISOString();
}

/**
 * Reads a classic pcap file (either byte order, micro- or nanosecond timestamps; Ethernet with
 * VLAN tags, raw IP or Linux cooked link layers) and totals packets and bytes per protocol and per
 * conversation. Throws `PcapFormatError` naming the byte offset for truncated or foreign files.
 */
export function summarizePcap(input: Uint8Array): PcapSummary {
  if (input.length < 4) {
    throw new PcapFormatError(`The file is ${input.length} bytes long: too short for a capture file header (24 bytes).`, input.length);
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const magicBig = view.getUint32(0, false);
  if (magicBig === 0x0a0d0d0a) {
    throw new PcapFormatError('This is a pcapng file; only classic pcap (.cap/.pcap) files are supported. Convert it with `editcap -F pcap in.pcapng out.pcap`.', 0);
  }
  const magics: Record<number, { little: boolean; nano: boolean }> = {
    0xa1b2c3d4: { little: false, nano: false },
    0xd4c3b2a1: { little: true, nano: false },
    0xa1b23c4d: { little: false, nano: true },
    0x4d3cb2a1: { little: true, nano: true },
  };
  const format = magics[magicBig];
  if (!format) {
    throw new PcapFormatError(`Not a pcap file: it starts with 0x${magicBig.toString(16).padStart(8, '0')} instead of a pcap magic number (a1b2c3d4 or a1b23c4d).`, 0);
  }
  if (input.length < 24) {
    throw new PcapFormatError(`The file ends at byte ${input.length}, inside its 24-byte header: it is truncated.`, input.length);
  }
  const { little, nano } = format;
  const u32 = (offset: number) => view.getUint32(offset, little);
  const snapLength = u32(16);
  const linkType = u32(20) & 0x0fffffff;
  if (linkTypes[linkType] === undefined) {
    throw new PcapFormatError(`Link type ${linkType} is not supported (Ethernet 1, raw IP 101 and Linux cooked 113 are).`, 20);
  }
  const protocols = new Map<CaptureProtocol, ProtocolTotals>();
  const conversations = new Map<string, Conversation>();
  let packets = 0;
  let bytes = 0;
  let cutPackets = 0;
  let firstTime: string | undefined;
  let lastTime: string | undefined;
  let offset = 24;
  while (offset < input.length) {
    const number = packets + 1;
    if (offset + 16 > input.length) {
      throw new PcapFormatError(`The file is truncated: packet ${number} starts at byte ${offset} but its 16-byte record header ends past the end of the file (${input.length} bytes).`, offset);
    }
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const capturedLength = u32(offset + 8);
    const originalLength = u32(offset + 12);
    if (capturedLength > maxRecordLength) {
      throw new PcapFormatError(`Packet ${number} at byte ${offset} claims ${capturedLength} captured bytes: the file is damaged.`, offset);
    }
    const dataStart = offset + 16;
    if (dataStart + capturedLength > input.length) {
      throw new PcapFormatError(`The file is truncated: packet ${number} at byte ${offset} holds ${capturedLength} bytes but only ${input.length - dataStart} remain.`, offset);
    }
    const data = input.subarray(dataStart, dataStart + capturedLength);
    const time = isoTime(seconds, fraction, nano);
    firstTime ??= time;
    lastTime = time;
    packets += 1;
    const wire = Math.max(originalLength, capturedLength);
    bytes += wire;
    if (capturedLength < originalLength) {
      cutPackets += 1;
    }
    const packet = parseLink(linkType, data);
    const totals = protocols.get(packet.protocol) ?? { protocol: packet.protocol, packets: 0, bytes: 0 };
    totals.packets += 1;
    totals.bytes += wire;
    protocols.set(packet.protocol, totals);
    if (packet.source !== undefined && packet.destination !== undefined) {
      const from = endpoint(packet.source, packet.sourcePort);
      const to = endpoint(packet.destination, packet.destinationPort);
      const forward = from <= to;
      const [a, b] = forward ? [from, to] : [to, from];
      const key = `${packet.protocol} ${a} ${b}`;
      const conversation = conversations.get(key) ?? { protocol: packet.protocol, a, b, packets: 0, bytes: 0, packetsAToB: 0, packetsBToA: 0, firstTime: time, lastTime: time };
      conversation.packets += 1;
      conversation.bytes += wire;
      if (forward) {
        conversation.packetsAToB += 1;
      } else {
        conversation.packetsBToA += 1;
      }
      conversation.lastTime = time;
      conversations.set(key, conversation);
    }
    offset = dataStart + capturedLength;
  }
  return {
    byteOrder: little ? 'little-endian' : 'big-endian',
    precision: nano ? 'nanoseconds' : 'microseconds',
    linkType,
    linkTypeName: linkTypes[linkType],
    snapLength,
    packets,
    bytes,
    cutPackets,
    ...(firstTime === undefined ? {} : { firstTime, lastTime }),
    protocols: [...protocols.values()].sort((x, y) => y.bytes - x.bytes || x.protocol.localeCompare(y.protocol)),
    conversations: [...conversations.values()].sort((x, y) => y.bytes - x.bytes || y.packets - x.packets || x.a.localeCompare(y.a)),
  };
}

/** The summary as a markdown document, titled with the capture's name and source. */
export function renderPcapSummary(summary: PcapSummary, title: string, source: string, maxConversations = 50): string {
  const lines = [
    `# Packet capture ${escapeMarkdown(title)}`,
    '',
    `Source: ${escapeMarkdown(source)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Packets | ${summary.packets} |`,
    `| Bytes (on the wire) | ${summary.bytes} (${formatBytes(summary.bytes)}) |`,
    `| First packet | ${escapeMarkdown(summary.firstTime ?? '—')} |`,
    `| Last packet | ${escapeMarkdown(summary.lastTime ?? '—')} |`,
    `| Link type | ${escapeMarkdown(summary.linkTypeName)} (${summary.linkType}) |`,
    `| File format | pcap, ${summary.byteOrder}, ${summary.precision}, snap length ${summary.snapLength} |`,
  ];
  if (summary.cutPackets > 0) {
    lines.push(`| Packets cut short | ${summary.cutPackets} (bytes per packet limit) |`);
  }
  lines.push('', '## Protocols', '', '| Protocol | Packets | Bytes |', '|---|---:|---:|');
  for (const totals of summary.protocols) {
    lines.push(`| ${escapeMarkdown(totals.protocol)} | ${totals.packets} | ${totals.bytes} |`);
  }
  lines.push('', '## Conversations', '');
  if (summary.conversations.length === 0) {
    lines.push('No IP traffic in this capture.');
  } else {
    lines.push('| Protocol | Endpoint A | Endpoint B | Packets | A→B | B→A | Bytes | First | Last |', '|---|---|---|---:|---:|---:|---:|---|---|');
    for (const conversation of summary.conversations.slice(0, maxConversations)) {
      const cells = [conversation.protocol, conversation.a, conversation.b].map(escapeMarkdown);
      lines.push(`| ${cells.join(' | ')} | ${conversation.packets} | ${conversation.packetsAToB} | ${conversation.packetsBToA} | ${conversation.bytes} | ${escapeMarkdown(conversation.firstTime)} | ${escapeMarkdown(conversation.lastTime)} |`);
    }
    if (summary.conversations.length > maxConversations) {
      lines.push('', `${summary.conversations.length - maxConversations} smaller conversations not shown.`);
    }
  }
  return `${lines.join('\n')}\n`;
}
