/**
 * Messages between the flow-log editor's host side and its decode worker
 * (`dist/decodeWorker.js`, a worker_threads worker started with `DecodeWorkerData`).
 * The host relays the page's queries unchanged and forwards the worker's replies to the page.
 */
import type { WorkerOptions } from 'node:worker_threads';
import type { MapEdges } from './dependencyMap';
import type { AddressOwners, ExportFormat, HostToView, Query, RowFilter, ViewToHost } from './viewerProtocol';

export interface DecodeWorkerData {
  /** File system path of the flow-log file. */
  path: string;
  /** Name shown in the summary header. */
  fileName: string;
  /** Decode records identical to an earlier one again instead of skipping them (decoder option `keepDuplicates`). */
  keepDuplicates?: boolean;
  /** The most the decoded rows may take, in bytes; default half the machine's memory. */
  memoryBudgetBytes?: number;
}

/**
 * The worker's JavaScript heap limit: record contexts and dictionaries live there (the rows are in
 * typed arrays, outside it, and checked against `memoryBudgetBytes`). The worker runs inside the
 * extension host, so a file that would need more fails alone with a message instead of taking the
 * host down (https://nodejs.org/api/worker_threads.html#new-workerfilename-options, resourceLimits).
 */
export const workerHeapLimitMb = 1024;

/** What the page shows when a file needs more memory than the viewer may use. */
export function tooLargeMessage(fileName: string, detail: string): string {
  return `${fileName} is too large to open in the viewer: ${detail}. Open a smaller file (one hour's blob, for example), or decode it with the command line (node dist/cli.js decode), which streams files of any size.`;
}

/** The message for the page when the worker stopped with `error` (an 'error' event of the Worker). */
export function workerFailureMessage(fileName: string, error: Error & { code?: string }): string {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return tooLargeMessage(fileName, 'decoding it needed more memory than the viewer may use');
  }
  return `Couldn't decode ${fileName}: ${error.message}. See the "Azure Traffic Lens" output for details.`;
}

/** How the host starts the worker (`new Worker(path, decodeWorkerOptions(data))`); the benchmark starts it the same way. */
export function decodeWorkerOptions(data: DecodeWorkerData, heapLimitMb = workerHeapLimitMb): WorkerOptions {
  return { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } };
}

/** Page messages the worker answers. */
export type WorkerQuery = Extract<ViewToHost, { type: 'query' | 'rows' | 'detail' }>;

export type HostToWorker =
  | { type: 'view'; message: WorkerQuery }
  | { type: 'export'; exportId: number; path: string; format: ExportFormat; query: Query }
  /** The NICs the signed-in inventory knows; rows, details and exports name them from now on. */
  | { type: 'owners'; owners: AddressOwners }
  /** The dependency map's edges of the tuples `filter` keeps. */
  | { type: 'dependencyMap'; requestId: number; filter: RowFilter };

export type WorkerToHost =
  | { type: 'view'; message: HostToView }
  | { type: 'exported'; exportId: number; path: string; rows: number }
  | { type: 'exportFailed'; exportId: number; path: string; message: string }
  | { type: 'dependencyMap'; requestId: number; edges: MapEdges; problems: string[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** What the dependency map worker (`dist/mapWorker.js`) maps: flow-log files, streamed one after the other. */
export interface MapWorkerData {
  paths: string[];
}

export type MapWorkerToHost =
  | { type: 'progress'; bytes: number; totalBytes: number; file: number }
  | { type: 'done'; edges: MapEdges; problems: string[] }
  | { type: 'failed'; message: string };
