/**
 * Messages between the flow-log editor's host side and its decode worker
 * (`dist/decodeWorker.js`, a worker_threads worker started with `DecodeWorkerData`).
 * The host relays the page's queries unchanged and forwards the worker's replies to the page.
 */
import type { WorkerOptions } from 'node:worker_threads';
import type { AddressOwners, ExportFormat, HostToView, Query, ViewToHost } from './viewerProtocol';

export interface DecodeWorkerData {
  /** File system path of the flow-log file. */
  path: string;
  /** Name shown in the summary header. */
  fileName: string;
  /** Decode records identical to an earlier one again instead of skipping them (decoder option `keepDuplicates`). */
  keepDuplicates?: boolean;
}

/** How the host starts the worker (`new Worker(path, decodeWorkerOptions(data))`); the benchmark starts it the same way. */
export function decodeWorkerOptions(data: DecodeWorkerData): WorkerOptions {
  return { workerData: data };
}

/** Page messages the worker answers. */
export type WorkerQuery = Extract<ViewToHost, { type: 'query' | 'rows' | 'detail' }>;

export type HostToWorker =
  | { type: 'view'; message: WorkerQuery }
  | { type: 'export'; exportId: number; path: string; format: ExportFormat; query: Query }
  /** The NICs the signed-in inventory knows; rows, details and exports name them from now on. */
  | { type: 'owners'; owners: AddressOwners };

export type WorkerToHost =
  | { type: 'view'; message: HostToView }
  | { type: 'exported'; exportId: number; path: string; rows: number }
  | { type: 'exportFailed'; exportId: number; path: string; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
