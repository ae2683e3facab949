import * as assert from 'node:assert/strict';
import { columnsByMode, formatTime, parseTimeInput, summaryFacts, timeFilterHints, timeInputHint } from '../../../media/flowlogs/format';
import type { FileSummary, ViewRow } from '../../../src/core/viewerProtocol';
import { formatEncryption, formatEndpoint } from '../../../src/flowlogs/displayFormat';

describe('webview formatting', () => {
  it('writes an IPv6 endpoint with brackets so that its port stands apart', () => {
    assert.equal(formatEndpoint('10.0.0.4', 443), '10.0.0.4:443');
    assert.equal(formatEndpoint('2001:db8::7', 62797), '[2001:db8::7]:62797');
  });

  it('names a VNet flow log encryption code in words, keeping the code', () => {
    assert.equal(formatEncryption('X'), 'Encrypted (X)');
    assert.equal(formatEncryption('NX'), 'Not encrypted (NX)');
    assert.equal(formatEncryption('NX_LOCAL_DST'), 'Not encrypted (NX_LOCAL_DST)');
    assert.equal(formatEncryption('Q'), 'Q', 'an unknown code as logged');
  });

  it('reads the UTC times people type into the time filters', () => {
    assert.equal(parseTimeInput('2022-09-14 09:00'), Date.UTC(2022, 8, 14, 9, 0));
    assert.equal(parseTimeInput('2022-09-14T09:00:03.599Z'), 1663146003599);
    assert.equal(parseTimeInput(formatTime(1663146003599)), 1663146003599, 'what the page shows reads back the same');
    assert.equal(parseTimeInput('2022-09-14'), Date.UTC(2022, 8, 14));
    assert.equal(parseTimeInput('1663146003'), 1663146003000, 'epoch seconds');
    assert.equal(parseTimeInput('1663146003599'), 1663146003599, 'epoch milliseconds');
    for (const bad of ['yesterday', '2022-13-45 99:00', '09:00', '']) {
      assert.equal(parseTimeInput(bad), undefined, bad);
    }
  });

  it("suggests the open file's first and last hour in the time filters, and the format before that", () => {
    assert.deepEqual(timeFilterHints(undefined), { from: 'YYYY-MM-DD hh:mm', to: 'YYYY-MM-DD hh:mm' });
    assert.deepEqual(timeFilterHints({}), { from: timeInputHint, to: timeInputHint }, 'still decoding, no tuple yet');
    assert.deepEqual(timeFilterHints({ timeFrom: Date.UTC(2026, 10, 23, 10, 31, 0, 734), timeTo: Date.UTC(2026, 10, 23, 12, 59, 58) }), {
      from: '2026-11-23 10:00',
      to: '2026-11-23 13:00',
    });
    assert.deepEqual(timeFilterHints({ timeFrom: Date.UTC(2017, 1, 16, 23, 0), timeTo: Date.UTC(2017, 1, 17, 0, 0) }), { from: '2017-02-16 23:00', to: '2017-02-17 00:00' }, 'whole hours stay');
    const hints = timeFilterHints({ timeFrom: 1663146003599, timeTo: 1663146022793 });
    assert.equal(parseTimeInput(hints.from), Date.UTC(2022, 8, 14, 9), 'the filters accept what they suggest');
    assert.equal(parseTimeInput(hints.to), Date.UTC(2022, 8, 14, 10));
  });

  it('shows a connection row with its duration and a tuple row with its state', () => {
    const row: ViewRow = {
      id: 3, time: 1663146003637, endTime: 1663146003640, durationMs: 3, srcIp: '10.0.0.6', srcPort: 22730, dstIp: '40.74.146.17', dstPort: 443,
      protocol: 'TCP', direction: 'outbound', decision: 'allow', state: 'End', encryption: 'NX', rule: 'DefaultRule_AllowInternetOutBound', mac: '00224871C205', bytes: 5274, packets: 7,
    };
    const cells = (mode: 'tuples' | 'connections'): Record<string, string> => Object.fromEntries(columnsByMode[mode].map((column) => [column.label, column.cell(row)]));
    assert.deepEqual(cells('connections')['Duration'], '3 ms');
    assert.deepEqual(cells('tuples')['Time (UTC)'], '2022-09-14 09:00:03.637');
    assert.deepEqual(cells('tuples')['Bytes'], '5,274');
    assert.deepEqual(cells('tuples')['Direction'], 'Outbound');
    assert.equal(columnsByMode.tuples.some((column) => column.sort === 'duration'), false, 'tuples have no duration');
  });

  it('summarises a file with its formats, time range and counts', () => {
    const summary: FileSummary = {
      fileName: 'PT1H.json', fileBytes: 1000, formats: ['NSG flow log v1', 'NSG flow log v2'], timeFrom: 1663146003599, timeTo: 1663146022793,
      records: 2, tuples: 19, rejectedTuples: 1, connections: 0, uniqueSources: 7, uniqueDestinations: 4, allowed: 10, denied: 9, bytes: 47_820, packets: 77,
      problems: [], loading: false, bytesRead: 1000,
    };
    const facts = Object.fromEntries(summaryFacts(summary).map((fact) => [fact.label, fact.value]));
    assert.equal(facts['Format'], 'NSG flow log v1 + NSG flow log v2');
    assert.equal(facts['Time range'], '2022-09-14 09:00:03.599 – 2022-09-14 09:00:22.793 UTC');
    assert.equal(facts['Allowed / denied'], '10 / 9');
    assert.equal(facts['Bytes'], '46.7 KB');
    assert.equal(facts['Repeated records'], undefined, 'no repeated records, no fact');
  });

  it('says how many repeated records were skipped or kept, after the records, offering the other choice', () => {
    const summary: FileSummary = {
      fileName: 'PT1H.json', fileBytes: 1000, formats: ['NSG flow log v1'], records: 2, tuples: 12, rejectedTuples: 0, connections: 0, uniqueSources: 3, uniqueDestinations: 3,
      allowed: 12, denied: 0, bytes: 0, packets: 0, problems: [], loading: false, bytesRead: 1000, repeatedRecords: { count: 1200, kept: false },
    };
    const skipped = summaryFacts(summary);
    assert.deepEqual(skipped.map((fact) => fact.label).slice(2, 4), ['Records', 'Repeated records']);
    assert.deepEqual(skipped[3], { label: 'Repeated records', value: '1,200 skipped', keepRepeated: true });
    assert.deepEqual(summaryFacts({ ...summary, repeatedRecords: { count: 1200, kept: true } })[3], { label: 'Repeated records', value: '1,200 kept', keepRepeated: false });
  });
});
