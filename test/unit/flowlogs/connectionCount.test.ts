import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionCounter } from '../../../src/flowlogs/connectionCount';
import { joinConnections } from '../../../src/flowlogs/connections';
import { decodeFlowLogFile } from '../../../src/flowlogs/flowLogDecoder';
import { FlowTable } from '../../../src/flowlogs/flowTable';
import { summariseFiles } from '../../../src/flowlogs/summariseFiles';
import { writeFlowLogFile, type GeneratedFormat } from '../../fixtures/flowLogGenerator';
import { projectRoot } from '../../fixtures/projectRoot';

const samples = join(projectRoot(), 'test/fixtures/samples');

/** What joinConnections counts over the files decoded into one table. */
async function joinedCount(files: string[]): Promise<number> {
  const table = new FlowTable();
  for (const file of files) {
    await decodeFlowLogFile(file, { table });
  }
  return joinConnections(table).length;
}

/** The counter fed batch by batch, as the command line's summary feeds it. */
async function streamedCount(files: string[], batchRows: number): Promise<ConnectionCounter> {
  const table = new FlowTable();
  const counter = new ConnectionCounter();
  for (let i = 0; i < files.length; i++) {
    await decodeFlowLogFile(files[i], { table, batchRows, onBatch: (batch) => counter.add(batch, i < files.length - 1) });
  }
  return counter;
}

function nsgRecord(minute: number, tuples: string[], mac = '000D3AF87856'): string {
  return JSON.stringify({
    time: `2024-02-26T20:${String(minute).padStart(2, '0')}:59.0000000Z`,
    category: 'NetworkSecurityGroupFlowEvent',
    resourceId: '/NSG',
    properties: { Version: 2, flows: [{ rule: 'R', flows: [{ mac, flowTuples: tuples }] }] },
  });
}

/** Epoch seconds of 2024-02-26T20:mm:ss. */
function at(minute: number, second: number): number {
  return Date.UTC(2024, 1, 26, 20, minute, second) / 1000;
}

describe('ConnectionCounter', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'connection-count-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('counts what joinConnections joins in each documented sample', async () => {
    const files = readdirSync(samples).filter((name) => name.endsWith('.json'));
    assert.ok(files.length >= 4);
    for (const name of files) {
      const path = join(samples, name);
      const expected = await joinedCount([path]);
      for (const batchRows of [1, 3, 65536]) {
        const counter = await streamedCount([path], batchRows);
        assert.equal(counter.isDisordered, false, name);
        assert.equal(counter.count, expected, `${name}, batches of ${batchRows} rows`);
      }
    }
  });

  for (const format of ['nsg1', 'nsg2', 'vnet'] as GeneratedFormat[]) {
    it(`counts what joinConnections joins in a generated ${format} blob, whatever the batch size`, async () => {
      const path = join(folder, `${format}.json`);
      await writeFlowLogFile(path, { format, records: 240, seed: 7, macs: 4, flowsPerRecord: 12 });
      const expected = await joinedCount([path]);
      assert.ok(expected > 1000, `only ${expected} connections`);
      for (const batchRows of [1, 97, 4096, 65536]) {
        const counter = await streamedCount([path], batchRows);
        assert.equal(counter.isDisordered, false);
        assert.equal(counter.count, expected, `batches of ${batchRows} rows`);
      }
    });
  }

  it('joins an E listed before its B at the same second in one record as joinConnections does', async () => {
    const path = join(folder, 'same-second.json');
    const t = at(10, 5);
    writeFileSync(
      path,
      `{"records":[${nsgRecord(10, [`${t},10.0.0.4,203.0.113.7,50000,443,T,O,A,E,1,60,1,60`, `${t},10.0.0.4,203.0.113.7,50000,443,T,O,A,B,,,,`])},${nsgRecord(11, [`${t + 60},10.0.0.4,203.0.113.7,50000,443,T,O,A,C,1,60,1,60`])}]}`,
    );
    // B, then E closes it; the C a minute later finds nothing open and starts a second one.
    assert.equal(await joinedCount([path]), 2);
    assert.equal((await streamedCount([path], 1)).count, 2);
  });

  it("joins denied tuples of two files when joinConnections does (same key, same record index), and summariseFiles agrees", async () => {
    const first = join(folder, 'denied-1.json');
    const second = join(folder, 'denied-2.json');
    const denied = (minute: number) => `${at(minute, 1)},198.51.100.9,10.0.0.4,40000,22,T,I,D,B,,,,`;
    writeFileSync(first, `{"records":[${nsgRecord(10, [denied(10)])},${nsgRecord(11, [denied(11)])}]}`);
    writeFileSync(second, `{"records":[${nsgRecord(12, [denied(12)])},${nsgRecord(13, [denied(13)])}]}`);
    const expected = await joinedCount([first, second]);
    // Record 1 of the first file and record 0 of the second differ, so only the repeats within one record join.
    assert.equal(expected, 4);
    assert.equal((await streamedCount([first, second], 1)).count, expected);
    const sameIndex = join(folder, 'denied-3.json');
    writeFileSync(sameIndex, `{"records":[${nsgRecord(12, [`${at(12, 1)},10.9.9.9,10.0.0.4,1,2,T,I,D,B,,,,`])},${nsgRecord(13, [denied(13)])}]}`);
    const joined = await joinedCount([first, sameIndex]);
    assert.equal(joined, 3);
    assert.equal((await streamedCount([first, sameIndex], 1)).count, joined);
    assert.equal((await summariseFiles([first, sameIndex])).connections, joined);
  });

  it('says when a later batch goes back in time, and summariseFiles then joins the whole table', async () => {
    const path = join(folder, 'backwards.json');
    const flow = (minute: number, state: string) => `${at(minute, 30)},10.0.0.4,203.0.113.7,50000,443,T,O,A,${state},1,60,1,60`;
    // The connection's E comes first in the file, a minute before its B and C.
    writeFileSync(path, `{"records":[${nsgRecord(12, [flow(12, 'E')])},${nsgRecord(10, [flow(10, 'B')])},${nsgRecord(11, [flow(11, 'C')])}]}`);
    const expected = await joinedCount([path]);
    assert.equal(expected, 1);
    const counter = await streamedCount([path], 1);
    assert.equal(counter.isDisordered, true);
    assert.notEqual(counter.count, expected);
    // Within one batch (the whole file here) the rows are ordered before they are counted.
    assert.equal((await streamedCount([path], 65536)).count, expected);
    // Two files are two batches: the later file going back in time is caught.
    const later = join(folder, 'later.json');
    const earlier = join(folder, 'earlier.json');
    writeFileSync(later, `{"records":[${nsgRecord(12, [flow(12, 'E')])}]}`);
    writeFileSync(earlier, `{"records":[${nsgRecord(10, [flow(10, 'B')])},${nsgRecord(11, [flow(11, 'C')])}]}`);
    const summary = await summariseFiles([later, earlier]);
    assert.equal(summary.joinedWhole, true);
    assert.equal(summary.connections, await joinedCount([later, earlier]));
    assert.equal(summary.connections, 1);
  });

  it('says so too when a new key of a NIC comes before a key of that NIC already forgotten', async () => {
    const path = join(folder, 'forgotten.json');
    const t = at(10, 30);
    writeFileSync(
      path,
      `{"records":[${nsgRecord(11, [`${t + 60},10.0.0.4,203.0.113.7,50000,443,T,O,A,E,1,60,1,60`])},${nsgRecord(10, [`${t},10.0.0.4,203.0.113.8,50001,443,T,O,A,E,1,60,1,60`])}]}`,
    );
    const counter = await streamedCount([path], 1);
    assert.equal(counter.isDisordered, true);
    assert.equal((await summariseFiles([path])).connections, await joinedCount([path]));
  });

  it('keeps only the open connections between batches', async () => {
    const path = join(folder, 'long.json');
    await writeFlowLogFile(path, { format: 'vnet', records: 600, seed: 3, macs: 2, flowsPerRecord: 20 });
    const table = new FlowTable();
    const counter = new ConnectionCounter();
    let most = 0;
    await decodeFlowLogFile(path, {
      table,
      batchRows: 2000,
      onBatch: (batch) => {
        counter.add(batch);
        most = Math.max(most, counter.heldKeys);
      },
    });
    const connections = await joinedCount([path]);
    assert.equal(counter.count, connections);
    // Closed connections and past denied tuples are forgotten. What stays open is mostly the
    // generator's one-minute flows whose E is stamped before their B (then the B opens a
    // connection nothing closes, for joinConnections too): a quarter of the flows, not every key.
    assert.ok(most < connections / 3, `${most} keys kept of ${connections} connections`);
  });
});
