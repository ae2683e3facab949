import assert from 'node:assert/strict';
import { PcapFormatError, renderPcapSummary, summarizePcap } from '../../../src/packetcapture/pcapSummary';
import { generatePcap, type PcapOptions } from '../../fixtures/pcapGenerator';

function conversationsOf(options: PcapOptions) {
  const { bytes, expected } = generatePcap(options);
  const summary = summarizePcap(bytes);
  return { summary, expected };
}

describe('pcap summary', () => {
  const variants: Array<[string, PcapOptions]> = [
    ['little-endian microseconds over Ethernet', {}],
    ['big-endian nanoseconds over Ethernet', { byteOrder: 'big', precision: 'nano' }],
    ['raw IP', { link: 'raw' }],
    ['Ethernet with 802.1Q tags', { vlanId: 42 }],
    ['big-endian raw IP in nanoseconds', { link: 'raw', byteOrder: 'big', precision: 'nano' }],
  ];
  for (const [name, options] of variants) {
    it(`totals packets, bytes, protocols and merged conversations: ${name}`, () => {
      const { summary, expected } = conversationsOf(options);
      assert.equal(summary.packets, expected.packets);
      assert.equal(summary.bytes, expected.bytes);
      assert.equal(summary.firstTime, expected.firstTime);
      assert.equal(summary.lastTime, expected.lastTime);
      assert.deepEqual(
        Object.fromEntries(summary.protocols.map((totals) => [totals.protocol, { packets: totals.packets, bytes: totals.bytes }])),
        expected.byProtocol,
      );
      const got = summary.conversations.map(({ protocol, a, b, packets, bytes }) => ({ protocol, a, b, packets, bytes }));
      assert.deepEqual(new Set(got.map((conversation) => JSON.stringify(conversation))), new Set(expected.conversations.map((conversation) => JSON.stringify(conversation))));
    });
  }

  it('reports format details and directions: the TCP session is 5 packets one way and 3 back', () => {
    const { summary } = conversationsOf({ byteOrder: 'big', precision: 'nano' });
    assert.equal(summary.byteOrder, 'big-endian');
    assert.equal(summary.precision, 'nanoseconds');
    assert.equal(summary.linkTypeName, 'Ethernet');
    const web = summary.conversations.find((conversation) => conversation.b === '10.1.2.4:50432' || conversation.a === '10.1.2.4:50432');
    assert.ok(web);
    assert.equal(web.protocol, 'TCP');
    assert.equal(web.packets, 8);
    assert.deepEqual([web.packetsAToB, web.packetsBToA].sort(), [3, 5]);
    assert.ok(summary.conversations.some((conversation) => conversation.a === '[fd00:1:1::4]:443' && conversation.b === '[fd00:1:2::4]:51000'));
    assert.ok(summary.conversations.some((conversation) => conversation.protocol === 'ICMP' && conversation.a === '10.1.2.4' && conversation.b === '10.1.3.4' && conversation.packets === 4));
  });

  it('counts packets cut short by a bytes-per-packet limit, with their wire length', () => {
    const full = generatePcap({});
    const { summary } = conversationsOf({ snapLength: 64 });
    assert.equal(summary.bytes, full.expected.bytes);
    assert.ok(summary.cutPackets >= 3);
    assert.equal(summary.snapLength, 64);
  });

  it('names the byte offset where a truncated file ends', () => {
    const { bytes } = generatePcap({});
    const cut = bytes.subarray(0, 24 + 16 + 30);
    assert.throws(() => summarizePcap(cut), (error: unknown) => {
      assert.ok(error instanceof PcapFormatError);
      assert.equal(error.offset, 24);
      assert.match(error.message, /truncated: packet 1 at byte 24 holds \d+ bytes but only 30 remain/);
      return true;
    });
    assert.throws(() => summarizePcap(bytes.subarray(0, 20)), /inside its 24-byte header/);
    const inHeader = bytes.subarray(0, bytes.length - 5);
    assert.throws(() => summarizePcap(inHeader), PcapFormatError);
  });

  it('refuses pcapng and garbage with a clear message', () => {
    const pcapng = Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, ...Array<number>(20).fill(0)]);
    assert.throws(() => summarizePcap(pcapng), /pcapng file; only classic pcap/);
    assert.throws(() => summarizePcap(Buffer.from('{"records": []}')), /Not a pcap file: it starts with 0x7b227265/);
    assert.throws(() => summarizePcap(Buffer.alloc(2)), /too short/);
  });

  it('summarizes an empty capture and renders markdown with the totals', () => {
    const header = generatePcap({}).bytes.subarray(0, 24);
    const empty = summarizePcap(header);
    assert.equal(empty.packets, 0);
    assert.match(renderPcapSummary(empty, 'pc1', 'file'), /No IP traffic in this capture/);
    const { summary } = conversationsOf({});
    const markdown = renderPcapSummary(summary, 'pc-web', 'https://example/x.cap');
    assert.match(markdown, /^# Packet capture pc-web/);
    assert.match(markdown, /\| Packets \| 19 \|/);
    assert.match(markdown, /\| TCP \| 10\.1\.1\.4:443 \| 10\.1\.2\.4:50432 \| 8 \|/);
  });

  it('escapes the capture name and a Windows path so they cannot format, link or split a table cell', () => {
    const { summary } = conversationsOf({});
    const markdown = renderPcapSummary({ ...summary, linkTypeName: 'x|y' }, 'pc_*|\\web', 'C:\\Users\\me\\captures\\pc_1.cap');
    assert.match(markdown, /^# Packet capture pc\\_\\\*\\\|\\\\web$/m);
    assert.match(markdown, /^Source: C:\\\\Users\\\\me\\\\captures\\\\pc\\_1\.cap$/m);
    assert.match(markdown, /^\| Link type \| x\\\|y \(\d+\) \|$/m, 'a pipe in a value stays inside its cell');
  });
});
