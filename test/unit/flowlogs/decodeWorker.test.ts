import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../fixtures/projectRoot';
import type { FileSummary, HostToView } from '../../../src/core/viewerProtocol';
import type { DecodeWorkerData, HostToWorker, WorkerToHost } from '../../../src/core/workerProtocol';

const root = projectRoot();
const workerPath = join(root, 'dist/decodeWorker.js');

/** Starts the built worker on `path` and resolves with its summary once decoding ends, and the worker. */
async function decodeInWorker(data: DecodeWorkerData): Promise<{ summary: FileSummary; worker: Worker; replies: HostToView[] }> {
  const worker = new Worker(workerPath, { workerData: data });
  const replies: HostToView[] = [];
  const summary = await new Promise<FileSummary>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'view') {
        replies.push(message.message);
        if (message.message.type === 'summary' && !message.message.summary.loading) {
          resolve(message.message.summary);
        }
      }
    });
  });
  return { summary, worker, replies };
}

/** Asks the worker a query and resolves with the total rows it matches. */
function queryTotal(worker: Worker, replies: HostToView[], decision?: 'allow' | 'deny'): Promise<number> {
  const requestId = replies.length + 1000;
  const message: HostToWorker = { type: 'view', message: { type: 'query', requestId, epoch: requestId, query: { mode: 'tuples', filter: decision === undefined ? {} : { decision } } } };
  worker.postMessage(message);
  return new Promise((resolve) => {
    const listener = (reply: WorkerToHost): void => {
      if (reply.type === 'view' && reply.message.type === 'queryResult' && reply.message.requestId === requestId) {
        worker.off('message', listener);
        resolve(reply.message.total);
      }
    };
    worker.on('message', listener);
  });
}

describe('decode worker (built bundle dist/decodeWorker.js): repeated records', () => {
  let folder: string;
  let path: string;
  before(function () {
    if (!existsSync(workerPath)) {
      this.skip();
    }
    folder = mkdtempSync(join(tmpdir(), 'worker-'));
    // Microsoft's VNet sample (one record, 19 tuples, 9 denied) with its record written three times.
    const sample = JSON.parse(readFileSync(join(root, 'test/fixtures/samples/vnet-flow-logs-overview.sample.json'), 'utf8')) as { records: unknown[] };
    path = join(folder, 'PT1H.json');
    writeFileSync(path, JSON.stringify({ records: [sample.records[0], sample.records[0], sample.records[0]] }));
  });
  after(() => {
    if (folder) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('skips repeated records by default and says how many it skipped', async () => {
    const { summary, worker, replies } = await decodeInWorker({ path, fileName: 'PT1H.json' });
    try {
      assert.deepEqual(summary.repeatedRecords, { count: 2, kept: false });
      assert.equal(summary.records, 1);
      assert.equal(summary.tuples, 19);
      assert.ok(summary.problems.some((problem) => /^skipped 2 records identical to an earlier record/.test(problem.message)));
      assert.equal(await queryTotal(worker, replies), 19);
      assert.equal(await queryTotal(worker, replies, 'deny'), 9);
    } finally {
      await worker.terminate();
    }
  });

  it('keeps them with the keepDuplicates option, counting their tuples again', async () => {
    const { summary, worker, replies } = await decodeInWorker({ path, fileName: 'PT1H.json', keepDuplicates: true });
    try {
      assert.deepEqual(summary.repeatedRecords, { count: 2, kept: true });
      assert.equal(summary.records, 3);
      assert.equal(summary.tuples, 57);
      assert.equal(summary.denied, 27);
      assert.deepEqual(summary.problems, [], 'kept records are no problem');
      assert.equal(await queryTotal(worker, replies), 57);
      assert.equal(await queryTotal(worker, replies, 'deny'), 27);
    } finally {
      await worker.terminate();
    }
  });

  it('says nothing about repeated records in a file without any', async () => {
    const { summary, worker } = await decodeInWorker({ path: join(root, 'test/fixtures/samples/vnet-flow-logs-overview.sample.json'), fileName: 'sample.json', keepDuplicates: true });
    await worker.terminate();
    assert.equal(summary.repeatedRecords, undefined);
    assert.equal(summary.tuples, 19);
  });
});
