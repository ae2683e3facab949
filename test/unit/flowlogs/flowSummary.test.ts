import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFlowLogBytes, decodeFlowLogFile } from '../../../src/flowlogs/flowLogDecoder';
import { FlowSummary } from '../../../src/flowlogs/flowSummary';
import { FlowTable } from '../../../src/flowlogs/flowTable';
import { writeFlowLogFile } from '../../fixtures/flowLogGenerator';

const record = (tuples: string[]) =>
  `{"time":"t","category":"NetworkSecurityGroupFlowEvent","resourceId":"/NSG","properties":{"Version":2,"flows":[{"rule":"R","flows":[{"mac":"AA","flowTuples":${JSON.stringify(tuples)}}]}]}}`;

describe('FlowSummary', () => {
  it('counts tuples, unique addresses, allowed vs denied, bytes and packets, ignoring absent counters', () => {
    const result = decodeFlowLogBytes(
      Buffer.from(
        `{"records":[${record([
          '1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,',
          '1542110379,10.5.16.4,203.0.113.117,59932,443,T,O,A,E,1,66,2,70',
          '1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B,,,,',
        ])}]}`,
      ),
    );
    const summary = new FlowSummary();
    summary.add(result.table);
    assert.deepEqual(summary.result(), {
      timeFrom: 1542110377000,
      timeTo: 1542110402000,
      tuples: 3,
      uniqueSources: 2,
      uniqueDestinations: 3,
      allowed: 2,
      denied: 1,
      bytes: 136,
      packets: 3,
    });
  });

  it('gives the same result batch by batch while streaming as over the whole table', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'summary-'));
    try {
      const path = join(folder, 'PT1H.json');
      await writeFlowLogFile(path, { format: 'vnet', records: 20, flowsPerRecord: 8, seed: 4 });
      const whole = new FlowSummary();
      whole.add(decodeFlowLogBytes(readFileSync(path)).table);
      const batched = new FlowSummary();
      let batches = 0;
      await decodeFlowLogFile(path, {
        batchRows: 50,
        onBatch: (table) => {
          batched.add(table);
          batches++;
        },
      });
      assert.ok(batches > 2);
      assert.deepEqual(batched.result(), whole.result());
      assert.ok(whole.result().tuples > 100);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('adds only the rows from the given row on', () => {
    const table = decodeFlowLogBytes(Buffer.from(`{"records":[${record(['1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,'])}]}`)).table;
    decodeFlowLogBytes(Buffer.from(`{"records":[${record(['1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B,,,,'])}]}`), { table });
    const summary = new FlowSummary();
    summary.add(table, 1);
    assert.equal(summary.result().tuples, 1);
    assert.equal(summary.result().denied, 1);
  });

  it('has no time range when empty', () => {
    const summary = new FlowSummary();
    summary.add(new FlowTable());
    assert.equal(summary.result().timeFrom, undefined);
    assert.equal(summary.result().tuples, 0);
  });
});
