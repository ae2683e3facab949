/**
 * Dependency map worker (`dist/mapWorker.js`, run in worker_threads): streams flow-log files of any
 * size through the decoder and the map builder off the extension host's thread, with bounded
 * memory (each batch of rows is mapped, then dropped), and reports progress by bytes read.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DependencyMapBuilder } from './dependencyMapBuilder';
import { decodeFlowLogFile } from './flowLogDecoder';
import type { MapWorkerData, MapWorkerToHost } from '../core/workerProtocol';

const port = parentPort;
if (port === null) {
  throw new Error('mapWorker.js must run as a worker thread.');
}
const data = workerData as MapWorkerData;

function post(message: MapWorkerToHost): void {
  port?.postMessage(message);
}

async function run(): Promise<void> {
  const sizes = await Promise.all(data.paths.map(async (path) => (await stat(path)).size));
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const builder = new DependencyMapBuilder();
  const problems: string[] = [];
  let doneBytes = 0;
  let lastReport = 0;
  for (const [index, path] of data.paths.entries()) {
    try {
      const result = await decodeFlowLogFile(path, {
        onBatch: (table) => builder.add(table, undefined, index),
        onProgress: (read) => {
          const now = Date.now();
          if (now - lastReport >= 200) {
            lastReport = now;
            post({ type: 'progress', bytes: doneBytes + read, totalBytes, file: index });
          }
        },
      });
      if (result.problemCount > 0) {
        problems.push(`${basename(path)}: ${result.problemCount} ${result.problemCount === 1 ? 'problem' : 'problems'} (${result.rejectedTuples} tuples rejected); open it in the viewer for details`);
      }
      if (result.records === 0) {
        problems.push(`${basename(path)}: no flow-log records`);
      }
    } catch (error) {
      problems.push(`${basename(path)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    doneBytes += sizes[index];
    post({ type: 'progress', bytes: doneBytes, totalBytes, file: index });
  }
  post({ type: 'done', edges: builder.finish(), problems });
}

run().catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
