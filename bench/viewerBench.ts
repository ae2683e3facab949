/**
 * Viewer benchmark: the real decode worker (`dist/decodeWorker.js`) in worker_threads, started as
 * the editor's host starts it, with the page's part played in Node through the real protocol: the
 * first query as soon as the worker runs, the same re-queries on progress summaries as the page
 * (every 250 ms while rows arrive, once more when loading ends), then a few filters, a sort, the
 * switch to Connections and the close. Each measurement runs in its own process, so that peak RSS
 * (which counts the worker's heap, as in the extension host) belongs to it alone:
 * `node out/bench/viewerBench.js load|small FILE` prints one JSON line.
 *  - load: times from starting the worker to the first rows and to the fully loaded table
 *    (the reply to the query sent when loading ended), each filter's reply, the Connections switch,
 *    peak RSS, and whether the worker ended after the close.
 *    TRAFFIC_LENS_BENCH_WORKER=path/to/decodeWorker.js measures another build of the worker.
 *  - small: a fresh worker on a small file, from `new Worker` to the first rows message, the
 *    module load included (the first file opened in a window pays it).
 *  - empty: a fresh worker that only posts one message, from `new Worker` to that message: what
 *    any worker costs on this machine before it runs a line of ours (`node out/bench/viewerBench.js empty`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileSummary, HostToView, Query, RowFilter, SortSpec } from '../src/core/viewerProtocol';
import type { HostToWorker, WorkerToHost } from '../src/core/workerProtocol';
import { decodeWorkerOptions } from '../src/core/workerProtocol';
import { projectRoot } from '../test/fixtures/projectRoot';
import type { DecodeMeasurement } from './decodeBench';

export const viewerTargets = {
  /** Fully loaded within this many times the streaming decode of the same file. */
  loadedOverDecode: 2,
  firstRowsMs: 1000,
  peakRssMiB: 600,
  filterMs: 300,
  connectionsMs: 2000,
  smallFirstRowsMs: 30,
};

/** What the page asks first: the rows of its first screen (block size 100, see media/flowlogs/main.ts). */
const firstWindow = { offset: 0, limit: 100 };

export interface ViewerFilterTime {
  label: string;
  ms: number;
  total: number;
}

export interface ViewerMeasurement {
  mode: 'load';
  bytes: number;
  tuples: number;
  firstRowsMs: number;
  decodedMs: number;
  loadedMs: number;
  filters: ViewerFilterTime[];
  connectionsMs: number;
  connections: number;
  connectionFilters: ViewerFilterTime[];
  peakRssMiB: number;
  /** Peak RSS when the file was loaded, and after the tuple filters (before Connections). */
  peakRssLoadedMiB: number;
  peakRssFiltersMiB: number;
  closeMs: number;
  workerEnded: boolean;
  rssAfterCloseMiB: number;
  /** Set when the worker reported a problem instead of rows. */
  problem?: string;
}

export interface SmallMeasurement {
  mode: 'small';
  bytes: number;
  tuples: number;
  firstRowsMs: number;
}

export interface EmptyWorkerMeasurement {
  mode: 'empty';
  firstMessageMs: number;
}

const tupleFilters: { label: string; filter: RowFilter; sort?: SortSpec }[] = [
  { label: 'IP 10.0.0.0/24', filter: { ip: '10.0.0.0/24' } },
  { label: '+ port 443', filter: { ip: '10.0.0.0/24', port: '443' } },
  { label: 'decision deny', filter: { decision: 'deny' } },
  { label: 'text "UserRule"', filter: { text: 'UserRule' } },
  { label: 'text "52."', filter: { text: '52.' } },
  { label: 'UDP inbound', filter: { protocols: [17], direction: 'inbound' } },
  { label: 'sort all by bytes ↓', filter: {}, sort: { column: 'bytes', descending: true } },
  { label: 'all rows', filter: {} },
];

const connectionFilters: { label: string; filter: RowFilter; sort?: SortSpec }[] = [
  { label: 'decision deny', filter: { decision: 'deny' } },
  { label: 'port 443, bytes ↓', filter: { port: '443' }, sort: { column: 'bytes', descending: true } },
  { label: 'all connections', filter: {} },
];

function now(): number {
  return performance.now();
}

/** Plays the page: numbered requests, epochs, and the page's re-query rule while loading. */
class PageDriver {
  private requestId = 0;
  private epoch = 0;
  private lastSummaryTuples = 0;
  private lastRefreshAt = 0;
  private readonly waiting = new Map<number, (reply: Extract<HostToView, { type: 'queryResult' }>) => void>();
  summary: FileSummary | undefined;
  problem: string | undefined;
  /** Called with every query result of the current epoch. */
  onResult: ((reply: Extract<HostToView, { type: 'queryResult' }>, at: number) => void) | undefined;
  /** Called once when a summary says loading ended. */
  onLoaded: ((at: number) => void) | undefined;
  mode: Query['mode'] = 'tuples';
  filter: RowFilter = {};
  sort: SortSpec | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'view') {
        this.onView(message.message);
      }
    });
  }

  query(): Promise<Extract<HostToView, { type: 'queryResult' }>> {
    const requestId = ++this.requestId;
    const query: Query = this.sort === undefined ? { mode: this.mode, filter: this.filter } : { mode: this.mode, filter: this.filter, sort: this.sort };
    const message: HostToWorker = { type: 'view', message: { type: 'query', requestId, epoch: ++this.epoch, query, window: firstWindow } };
    this.worker.postMessage(message);
    return new Promise((resolve) => this.waiting.set(requestId, resolve));
  }

  private onView(message: HostToView): void {
    const at = now();
    switch (message.type) {
      case 'summary': {
        this.summary = message.summary;
        const isDue = Date.now() - this.lastRefreshAt >= (this.mode === 'connections' ? 2000 : 250);
        if ((message.summary.tuples !== this.lastSummaryTuples && isDue) || !message.summary.loading) {
          this.lastSummaryTuples = message.summary.tuples;
          this.lastRefreshAt = Date.now();
          if (!message.summary.loading) {
            this.onLoaded?.(at);
            this.onLoaded = undefined;
          }
          void this.query();
        }
        return;
      }
      case 'queryResult': {
        const resolve = this.waiting.get(message.requestId);
        this.waiting.delete(message.requestId);
        if (message.epoch === this.epoch) {
          this.onResult?.(message, at);
        }
        resolve?.(message);
        return;
      }
      case 'problem':
        this.problem ??= message.message;
        return;
      default:
        return;
    }
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = now();
  const value = await work();
  return { ms: now() - started, value };
}

/** The built worker; TRAFFIC_LENS_BENCH_WORKER names another build (an older one, to compare). */
function workerPath(): string {
  return process.env.TRAFFIC_LENS_BENCH_WORKER ?? join(projectRoot(), 'dist', 'decodeWorker.js');
}

function startWorker(path: string): Worker {
  return new Worker(workerPath(), decodeWorkerOptions({ path, fileName: path.split('/').pop() ?? path }));
}

async function measureLoad(path: string): Promise<ViewerMeasurement> {
  const started = now();
  const worker = startWorker(path);
  const page = new PageDriver(worker);
  const exited = new Promise<number>((resolve) => worker.once('exit', (code) => resolve(code)));
  let firstRowsAt = NaN;
  let decodedAt = NaN;
  const loaded = new Promise<number>((resolve) => {
    page.onLoaded = (at) => {
      decodedAt = at;
    };
    page.onResult = (reply, at) => {
      if (Number.isNaN(firstRowsAt) && (reply.rows?.length ?? 0) > 0) {
        firstRowsAt = at;
      }
      if (!Number.isNaN(decodedAt) && page.summary?.loading === false) {
        resolve(at);
      }
    };
  });
  void page.query();
  const failed = exited.then((code) => {
    throw new Error(`the worker ended (code ${code}) before the file was loaded: ${page.problem ?? 'no message'}`);
  });
  const loadedAt = await Promise.race([loaded, failed]);
  const peakRssLoadedMiB = process.resourceUsage().maxRSS / 1024;
  page.onResult = undefined;
  const filters: ViewerFilterTime[] = [];
  for (const step of tupleFilters) {
    page.filter = step.filter;
    page.sort = step.sort;
    const { ms, value } = await timed(() => page.query());
    filters.push({ label: step.label, ms, total: value.total });
  }
  const peakRssFiltersMiB = process.resourceUsage().maxRSS / 1024;
  page.mode = 'connections';
  page.filter = {};
  page.sort = undefined;
  const switched = await timed(() => page.query());
  const connectionTimes: ViewerFilterTime[] = [];
  for (const step of connectionFilters) {
    page.filter = step.filter;
    page.sort = step.sort;
    const { ms, value } = await timed(() => page.query());
    connectionTimes.push({ label: step.label, ms, total: value.total });
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const closeStarted = now();
  void worker.terminate();
  const code = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))]);
  const closeMs = now() - closeStarted;
  (globalThis as { gc?: () => void }).gc?.();
  return {
    mode: 'load',
    bytes: page.summary?.fileBytes ?? 0,
    tuples: page.summary?.tuples ?? 0,
    firstRowsMs: firstRowsAt - started,
    decodedMs: decodedAt - started,
    loadedMs: loadedAt - started,
    filters,
    connectionsMs: switched.ms,
    connections: switched.value.total,
    connectionFilters: connectionTimes,
    peakRssMiB,
    peakRssLoadedMiB,
    peakRssFiltersMiB,
    closeMs,
    workerEnded: code !== undefined,
    rssAfterCloseMiB: process.memoryUsage().rss / 1024 / 1024,
    ...(page.problem === undefined ? {} : { problem: page.problem }),
  };
}

async function measureSmall(path: string): Promise<SmallMeasurement> {
  const started = now();
  const worker = startWorker(path);
  const page = new PageDriver(worker);
  const firstRows = new Promise<number>((resolve) => {
    page.onResult = (reply, at) => {
      if ((reply.rows?.length ?? 0) > 0) {
        resolve(at);
      }
    };
  });
  void page.query();
  const at = await firstRows;
  const summary = page.summary;
  await worker.terminate();
  return { mode: 'small', bytes: summary?.fileBytes ?? 0, tuples: summary?.tuples ?? 0, firstRowsMs: at - started };
}

async function measureEmptyWorker(): Promise<EmptyWorkerMeasurement> {
  const started = now();
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(0);", { eval: true });
  const at = await new Promise<number>((resolve) => worker.once('message', () => resolve(now())));
  await worker.terminate();
  return { mode: 'empty', firstMessageMs: at - started };
}

function run<T>(mode: 'load' | 'small' | 'empty' | 'decode', path: string): T | string {
  try {
    const script = mode === 'decode' ? ['decodeBench.js', 'decode'] : ['viewerBench.js', mode];
    const output = execFileSync(process.execPath, ['--expose-gc', join(__dirname, script[0]), script[1], path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(output.trim().split('\n').pop() ?? '') as T;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    return `failed: ${stderr.trim().split('\n').pop() ?? String(error)}`;
  }
}

function row(label: string, value: string, target: string, isMet: boolean | undefined): string {
  return `${label.padEnd(46)} ${value.padStart(10)}  ${target.padEnd(12)} ${isMet === undefined ? '' : isMet ? 'met' : 'MISSED'}`;
}

/**
 * Runs the viewer benchmark on `largeFile` and the fresh-worker figure on `smallFile`, `repeat`
 * times each. Each round first measures the streaming decode of the same file in its own process
 * (decodeBench.ts), then the viewer right after it, so that their ratio compares two runs moments
 * apart on the same busy machine; the round with the lowest ratio is printed, with every round's ratio.
 */
export function runViewerBench(largeFile: string | undefined, smallFile: string | undefined, repeat = 1): void {
  const lines: string[] = [];
  if (largeFile !== undefined) {
    let best: { load: ViewerMeasurement; decodeMs: number } | string = 'not run';
    const ratios: string[] = [];
    for (let round = 0; round < repeat; round++) {
      const decode = run<DecodeMeasurement>('decode', largeFile);
      const load = run<ViewerMeasurement>('load', largeFile);
      if (typeof decode === 'string' || typeof load === 'string') {
        best = typeof best === 'string' ? (typeof load === 'string' ? load : String(decode)) : best;
        continue;
      }
      const decodeMs = decode.seconds * 1000;
      ratios.push(`${(load.loadedMs / decodeMs).toFixed(2)}×`);
      if (typeof best === 'string' || load.loadedMs / decodeMs < best.load.loadedMs / best.decodeMs) {
        best = { load, decodeMs };
      }
    }
    if (typeof best === 'string') {
      lines.push(`${largeFile}: ${best}`);
    } else {
      const { load, decodeMs } = best;
      const ms = (value: number): string => `${value.toFixed(0)} ms`;
      lines.push(`${largeFile}: ${(load.bytes / 1e6).toFixed(0)} MB, ${load.tuples.toLocaleString('en-US')} tuples, ${load.connections.toLocaleString('en-US')} connections`);
      lines.push(row('streaming decode (own process, just before)', ms(decodeMs), '', undefined));
      lines.push(row('first rows', ms(load.firstRowsMs), `< ${viewerTargets.firstRowsMs} ms`, load.firstRowsMs < viewerTargets.firstRowsMs));
      lines.push(row('decoded (last summary)', ms(load.decodedMs), '', undefined));
      lines.push(row('fully loaded (rows shown)', ms(load.loadedMs), '', undefined));
      const ratio = load.loadedMs / decodeMs;
      lines.push(row(`fully loaded / streaming decode${ratios.length > 1 ? ` (rounds: ${ratios.join(', ')})` : ''}`, `${ratio.toFixed(2)}×`, `< ${viewerTargets.loadedOverDecode}×`, ratio < viewerTargets.loadedOverDecode));
      lines.push(row('peak RSS (process with the worker)', `${load.peakRssMiB.toFixed(0)} MiB`, `< ${viewerTargets.peakRssMiB} MiB`, load.peakRssMiB < viewerTargets.peakRssMiB));
      lines.push(row('  of which when loaded', `${load.peakRssLoadedMiB.toFixed(0)} MiB`, '', undefined));
      lines.push(row('  of which after the tuple filters', `${load.peakRssFiltersMiB.toFixed(0)} MiB`, '', undefined));
      for (const filter of load.filters) {
        lines.push(row(`tuples ${filter.label} (${filter.total.toLocaleString('en-US')})`, ms(filter.ms), `< ${viewerTargets.filterMs} ms`, filter.ms < viewerTargets.filterMs));
      }
      lines.push(row('switch to Connections', ms(load.connectionsMs), `< ${viewerTargets.connectionsMs} ms`, load.connectionsMs < viewerTargets.connectionsMs));
      for (const filter of load.connectionFilters) {
        lines.push(row(`connections ${filter.label} (${filter.total.toLocaleString('en-US')})`, ms(filter.ms), `< ${viewerTargets.filterMs} ms`, filter.ms < viewerTargets.filterMs));
      }
      lines.push(row('worker ended after the close', load.workerEnded ? `${ms(load.closeMs)}` : 'no', 'ends', load.workerEnded));
      lines.push(row('RSS after the close', `${load.rssAfterCloseMiB.toFixed(0)} MiB`, '', undefined));
      if (load.problem !== undefined) {
        lines.push(`problem reported: ${load.problem}`);
      }
    }
  }
  if (smallFile !== undefined) {
    let best: SmallMeasurement | string = 'not run';
    for (let round = 0; round < Math.max(3, repeat); round++) {
      const measured = run<SmallMeasurement>('small', smallFile);
      best = typeof best === 'string' || (typeof measured !== 'string' && measured.firstRowsMs < best.firstRowsMs) ? measured : best;
    }
    lines.push(
      typeof best === 'string'
        ? `${smallFile}: ${best}`
        : row(`${(best.bytes / 1e6).toFixed(1)} MB: fresh worker to first rows`, `${best.firstRowsMs.toFixed(1)} ms`, `< ${viewerTargets.smallFirstRowsMs} ms`, best.firstRowsMs < viewerTargets.smallFirstRowsMs),
    );
    let empty: EmptyWorkerMeasurement | string = 'not run';
    for (let round = 0; round < Math.max(3, repeat); round++) {
      const measured = run<EmptyWorkerMeasurement>('empty', '-');
      empty = typeof empty === 'string' || (typeof measured !== 'string' && measured.firstMessageMs < empty.firstMessageMs) ? measured : empty;
    }
    lines.push(typeof empty === 'string' ? `empty worker: ${empty}` : row('  an empty worker to its first message', `${empty.firstMessageMs.toFixed(1)} ms`, '', undefined));
  }
  process.stdout.write(
    '\nFlow-log viewer: the real decode worker in worker_threads, started and queried as the editor host does it, the page\n' +
      'played in Node (first query at once, re-queries on progress as the page does; rows of the first screen with each query).\n' +
      `Times from starting the worker; filters, sorts and switches from sending the query to its reply (n) = rows or connections shown.\n` +
      `${repeat > 1 ? `Of ${repeat} rounds, the one with the lowest ratio to its decode. ` : ''}The fresh-worker figures are the best of ${Math.max(3, repeat)} processes each.\n` +
      `${lines.join('\n')}\n`,
  );
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  if (mode === 'empty') {
    process.stdout.write(`${JSON.stringify(await measureEmptyWorker())}\n`);
    return;
  }
  if ((mode !== 'load' && mode !== 'small') || !path) {
    process.stderr.write('usage: node out/bench/viewerBench.js load|small FILE, or empty\n');
    process.exitCode = 2;
    return;
  }
  const measurement = mode === 'load' ? await measureLoad(path) : await measureSmall(path);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/viewerBench\.js$/.test(process.argv[1] ?? '')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
