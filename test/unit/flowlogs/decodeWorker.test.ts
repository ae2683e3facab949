import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeWorkerOptions, workerFailureMessage, type DecodeWorkerData, type HostToWorker, type WorkerToHost } from '../../../src/core/workerProtocol';
import type { FileSummary, HostToView } from '../../../src/core/viewerProtocol';
import { writeFlowLogFile } from '../../fixtures/flowLogGenerator';
import { projectRoot } from '../../fixtures/projectRoot';

const root = projectRoot();
/** The built worker, started as the editor's host starts it. */
const workerPath = join(root, 'dist', 'decodeWorker.js');

interface Run {
  views: HostToView[];
  error?: Error & { code?: string };
  exitCode: number;
}

/** Starts the worker on `data`, asks for the first rows as the page does, and collects what it says until `isDone` or it exits. */
function runWorker(data: DecodeWorkerData, isDone: (views: HostToView[]) => boolean, heapLimitMb?: number): Promise<Run> {
  return new Promise((resolve) => {
    const worker = new Worker(workerPath, decodeWorkerOptions(data, heapLimitMb));
    const run: Run = { views: [], exitCode: -1 };
    worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'view') {
        run.views.push(message.message);
        if (isDone(run.views)) {
          void worker.terminate();
        }
      }
    });
    worker.on('error', (error) => {
      run.error = error;
    });
    worker.on('exit', (code) => {
      run.exitCode = code;
      resolve(run);
    });
    const query: HostToWorker = { type: 'view', message: { type: 'query', requestId: 1, epoch: 1, query: { mode: 'tuples', filter: {} }, window: { offset: 0, limit: 100 } } };
    worker.postMessage(query);
  });
}

describe('decode worker', function () {
  this.timeout(60_000);
  let folder: string;
  let file: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'decode-worker-'));
    file = join(folder, 'PT1H.json');
    // Larger than one read (4 MiB), so the rows a file will hold are estimated while it decodes.
    await writeFlowLogFile(file, { format: 'vnet', targetBytes: 9_000_000, seed: 5 });
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('decodes a file and ends when the host terminates it', async () => {
    const run = await runWorker({ path: file, fileName: 'PT1H.json' }, (views) => views.some((view) => view.type === 'summary' && !view.summary.loading));
    const last = run.views.filter((view) => view.type === 'summary').at(-1);
    assert.ok(last?.type === 'summary' && last.summary.tuples > 50_000, 'every row decoded');
    assert.equal(run.views.find((view) => view.type === 'problem'), undefined);
    assert.equal(run.exitCode, 1, 'ended by terminate()');
  });

  it('tells the page when the rows of a file would not fit in the memory the viewer may use', async () => {
    const run = await runWorker({ path: file, fileName: 'PT1H.json', memoryBudgetBytes: 1024 * 1024 }, (views) => views.some((view) => view.type === 'problem'));
    const problem = run.views.find((view) => view.type === 'problem');
    assert.ok(problem?.type === 'problem');
    assert.match(problem.message, /^PT1H\.json is too large to open in the viewer: its rows \(about \d+ MiB\) would not fit in the 1 MiB the viewer may use\. Open a smaller file/);
    const last = run.views.filter((view) => view.type === 'summary').at(-1);
    assert.ok(last?.type === 'summary' && !last.summary.loading, 'loading ended');
  });

  it('stops at its heap limit with a message for the page instead of taking the host down', async () => {
    const run = await runWorker({ path: file, fileName: 'PT1H.json' }, () => false, 6);
    assert.equal(run.error?.code, 'ERR_WORKER_OUT_OF_MEMORY');
    assert.match(workerFailureMessage('PT1H.json', run.error), /^PT1H\.json is too large to open in the viewer: decoding it needed more memory than the viewer may use\./);
    assert.match(workerFailureMessage('PT1H.json', new Error('boom')), /^Couldn't decode PT1H\.json: boom\./);
  });
});


/** Starts the built worker on `path` and resolves with its summary once decoding ends, and the worker. */
async function decodeInWorker(data: DecodeWorkerData): Promise<{ summary: FileSummary; worker: Worker; replies: HostToView[] }> {
  const worker = new Worker(workerPath, decodeWorkerOptions(data));
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
