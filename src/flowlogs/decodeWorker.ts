/**
 * Decode worker for one flow-log editor (`dist/decodeWorker.js`, run in worker_threads): decodes
 * the file into a FlowTable off the extension host's thread, reports progress as summaries, and
 * answers the page's queries (relayed by the host) from the rows decoded so far.
 */
import { DependencyMapBuilder } from './dependencyMapBuilder';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { joinConnections, type ConnectionTable } from './connections';
import { exportConnections, exportRows } from './exporters';
import { decodeFlowLogFile, readRecordAt, type DecodeResult } from './flowLogDecoder';
import { FlowSummary } from './flowSummary';
import { FlowLogView } from './flowLogView';
import { FlowTable } from './flowTable';
import { assertNever, type FileSummary, type HostToView } from '../core/viewerProtocol';
import { tooLargeMessage, type DecodeWorkerData, type HostToWorker, type WorkerToHost } from '../core/workerProtocol';

const summaryIntervalMs = 250;
const maxProblems = 1000;
/** The decoder's read size (its default); rows per byte are estimated after the first chunk. */
const chunkBytes = 4 * 1024 * 1024;
const minEstimateBytes = chunkBytes;
/**
 * Files up to this size are read in smaller pieces: the first rows reach the page after the
 * first piece rather than after the whole file (one read of 4 MiB holds all of a small file).
 */
const smallFileBytes = 16 * 1024 * 1024;
const smallChunkBytes = 256 * 1024;

const port = parentPort;
if (port === null) {
  throw new Error('decodeWorker.js must run as a worker thread.');
}
const data = workerData as DecodeWorkerData;
const memoryBudgetBytes = data.memoryBudgetBytes ?? totalmem() / 2;
const table = new FlowTable();
const flowSummary = new FlowSummary();
let summarizedRows = 0;
let joined: { rows: number; connections: ConnectionTable } | undefined;
/** Connections of the rows decoded so far, joined again only after more rows arrived. */
function connections(): ConnectionTable {
  if (joined === undefined || joined.rows !== table.length) {
    joined = { rows: table.length, connections: joinConnections(table) };
  }
  return joined.connections;
}
const view = new FlowLogView(table, connections, (offset) => readRecordAt(data.path, offset));
const abort = new AbortController();
let result: DecodeResult | undefined;
let fileBytes = 0;
let bytesRead = 0;
let notFlowLog: string | undefined;
let hasFailed = false;
let lastSummaryAt = 0;

function post(message: WorkerToHost): void {
  port?.postMessage(message);
}

function postView(message: HostToView): void {
  post({ type: 'view', message });
}

/** The file's rows would not fit in memory: the page says so instead of the worker failing later. */
class TooLargeError extends Error {}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024).toLocaleString('en-US')} MiB`;
}

/** A typed array the size of the file's rows could not be allocated. */
function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /allocation failed|invalid typed array length|array buffer/i.test(error.message);
}

const formatsSeen = { contexts: 0, formats: new Set<string>() };

/** Formats of the records decoded so far; looks only at the record contexts added since the last call. */
function formatsSoFar(): string[] {
  const contexts = table.contexts;
  if (formatsSeen.contexts > contexts.length) {
    formatsSeen.contexts = 0;
    formatsSeen.formats.clear();
  }
  for (let i = formatsSeen.contexts; i < contexts.length; i++) {
    const context = contexts[i];
    formatsSeen.formats.add(context.format === 'nsg' ? `NSG flow log v${context.version}` : `VNet flow log v${context.version}`);
  }
  formatsSeen.contexts = contexts.length;
  return [...formatsSeen.formats];
}

function summary(): FileSummary {
  if (summarizedRows < table.length) {
    flowSummary.add(table, summarizedRows);
    summarizedRows = table.length;
  }
  const totals = flowSummary.result();
  const loading = result === undefined && notFlowLog === undefined && !hasFailed;
  const records = result?.records ?? (table.length > 0 ? table.contexts[table.context[table.length - 1]].recordIndex + 1 : 0);
  const formats = result?.formats ?? formatsSoFar();
  const value: FileSummary = {
    fileName: data.fileName,
    fileBytes,
    formats,
    records,
    tuples: table.length,
    rejectedTuples: result?.rejectedTuples ?? 0,
    connections: view.connectionCount() ?? 0,
    uniqueSources: totals.uniqueSources,
    uniqueDestinations: totals.uniqueDestinations,
    allowed: totals.allowed,
    denied: totals.denied,
    bytes: totals.bytes,
    packets: totals.packets,
    problems: (result?.problems ?? []).map((problem) => ({
      severity: problem.severity,
      message: problem.tuple === undefined ? problem.message : `${problem.message} (${problem.tuple})`,
      offset: problem.offset,
      recordIndex: problem.recordIndex,
      tupleIndex: problem.tupleIndex,
    })),
    loading,
    bytesRead,
  };
  if (totals.timeFrom !== undefined) {
    value.timeFrom = totals.timeFrom;
    value.timeTo = totals.timeTo;
  }
  if (result !== undefined && result.problemCount > result.problems.length) {
    value.problems.push({ severity: 'warning', message: `${result.problemCount - result.problems.length} more problems are not listed.` });
  }
  if (notFlowLog !== undefined) {
    value.notFlowLog = notFlowLog;
  }
  if (result !== undefined && result.duplicateRecords > 0) {
    value.repeatedRecords = { count: result.duplicateRecords, kept: data.keepDuplicates === true };
  }
  const ownedEnds = view.ownedEnds();
  if (ownedEnds !== undefined) {
    value.ownedEnds = ownedEnds;
  }
  return value;
}

function postSummary(force: boolean): void {
  const now = Date.now();
  if (!force && now - lastSummaryAt < summaryIntervalMs) {
    return;
  }
  lastSummaryAt = now;
  postView({ type: 'summary', summary: summary() });
}

/** Why a file with no usable tuples is not a flow log, from the decoder's first error. */
function notFlowLogReason(decoded: DecodeResult): string | undefined {
  if (decoded.tuples > 0 || decoded.records > 0) {
    return undefined;
  }
  const error = decoded.problems.find((problem) => problem.severity === 'error') ?? decoded.problems[0];
  if (error === undefined) {
    return decoded.bytes === 0 ? 'the file is empty.' : undefined;
  }
  return error.offset === undefined ? error.message : `${error.message} (byte ${error.offset})`;
}

/**
 * Grows the table to the rows the whole file will likely hold, from the rows per byte decoded so
 * far, before the decoder needs the room: its own growth doubles the columns, which for a large file
 * would hold up to twice the memory the rows need, and both copies at once while growing.
 * `decodedBytes` is what the decoder has been given so far (the chunk about to be decoded excluded).
 */
function reserveRows(decodedBytes: number, totalBytes: number): void {
  if (decodedBytes < minEstimateBytes || table.length === 0) {
    return;
  }
  const rowsPerByte = table.length / decodedBytes;
  const expectedBytes = rowsPerByte * totalBytes * FlowTable.bytesPerRow;
  if (expectedBytes > memoryBudgetBytes) {
    throw new TooLargeError(`its rows (about ${formatMiB(expectedBytes)}) would not fit in the ${formatMiB(memoryBudgetBytes)} the viewer may use`);
  }
  // Grow only when the next chunks could run out of room: each growth copies every column.
  const nextRows = Math.ceil(rowsPerByte * chunkBytes * 2);
  if (table.length + nextRows <= table.capacity) {
    return;
  }
  const expected = Math.ceil(rowsPerByte * totalBytes * 1.03);
  table.growTo(Math.max(expected, table.length + nextRows, Math.ceil(table.capacity * 1.125)));
}

async function decode(): Promise<void> {
  try {
    fileBytes = (await stat(data.path)).size;
    postSummary(true);
    let decodedBytes = 0;
    let hasShownRows = false;
    const decoded = await decodeFlowLogFile(data.path, {
      table,
      signal: abort.signal,
      maxProblems,
      keepDuplicates: data.keepDuplicates === true,
      chunkBytes: fileBytes <= smallFileBytes ? smallChunkBytes : chunkBytes,
      onProgress(read, totalBytes) {
        reserveRows(decodedBytes, totalBytes);
        decodedBytes = read;
        bytesRead = read;
        fileBytes = totalBytes;
        // The first rows are worth a summary at once: the page asks for them when it sees it.
        postSummary(!hasShownRows && table.length > 0);
        hasShownRows ||= table.length > 0;
      },
    });
    result = decoded;
    notFlowLog = notFlowLogReason(decoded);
    post({
      type: 'log',
      level: decoded.problemCount > 0 ? 'warn' : 'info',
      message: `Decoded ${data.path}: ${decoded.records} records, ${decoded.tuples} tuples, ${decoded.rejectedTuples} rejected, ${decoded.duplicateRecords} repeated (${data.keepDuplicates === true ? 'kept' : 'skipped'}), ${decoded.problemCount} problems.`,
    });
    postSummary(true);
  } catch (error) {
    if (abort.signal.aborted) {
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    hasFailed = true;
    if (error instanceof TooLargeError || isAllocationFailure(error)) {
      // The page shows the message rather than a part of the file.
      table.clear();
      post({ type: 'log', level: 'error', message: `Decoding ${data.path} stopped: ${message}` });
      postSummary(true);
      postView({ type: 'problem', message: tooLargeMessage(data.fileName, error instanceof TooLargeError ? message : 'there was not enough memory for its rows') });
      return;
    }
    post({ type: 'log', level: 'error', message: `Decoding ${data.path} failed: ${error instanceof Error ? (error.stack ?? message) : message}` });
    postSummary(true);
    postView({ type: 'problem', message: `Couldn't read ${data.fileName}: ${message}. Check that the file exists and can be read, then reopen it.` });
  }
}

async function runExport(message: Extract<HostToWorker, { type: 'export' }>): Promise<void> {
  const stream = createWriteStream(message.path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (!stream.write(chunk)) {
      await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
    }
  };
  try {
    // Fail before writing anything when the file cannot be created.
    await Promise.race([new Promise<void>((resolve) => stream.once('ready', () => resolve())), failed]);
    const index = view.indexFor(message.query);
    const rows =
      message.query.mode === 'connections'
        ? await exportConnections(table, connections(), index, message.format, write, { owners: view.owners })
        : await exportRows(table, index, message.format, write, { owners: view.owners });
    await Promise.race([new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))), failed]);
    post({ type: 'exported', exportId: message.exportId, path: message.path, rows });
  } catch (error) {
    stream.destroy();
    post({ type: 'exportFailed', exportId: message.exportId, path: message.path, message: error instanceof Error ? error.message : String(error) });
  }
}

async function onMessage(message: HostToWorker): Promise<void> {
  switch (message.type) {
    case 'view': {
      const query = message.message;
      switch (query.type) {
        case 'query':
          postView(view.query(query.requestId, query.epoch, query.query, query.window));
          return;
        case 'rows': {
          const reply = view.rows(query.requestId, query.epoch, query.offset, query.limit);
          if (reply !== undefined) {
            postView(reply);
          }
          return;
        }
        case 'detail':
          postView(await view.detail(query.requestId, query.mode, query.id));
          return;
        default:
          assertNever(query);
      }
      return;
    }
    case 'export':
      await runExport(message);
      return;
    case 'dependencyMap': {
      try {
        const { index, problems } = view.runQuery({ mode: 'tuples', filter: message.filter });
        const builder = new DependencyMapBuilder();
        builder.add(table, index);
        post({ type: 'dependencyMap', requestId: message.requestId, edges: builder.finish(), problems: problems.map((problem) => `${problem.field}: ${problem.message}`) });
      } catch (error) {
        post({ type: 'dependencyMap', requestId: message.requestId, edges: { ips: [], edges: [], tuples: 0 }, problems: [error instanceof Error ? error.message : String(error)] });
      }
      return;
    }
    case 'owners':
      view.owners = message.owners;
      // The page shows a NIC/VM column only when some row names a NIC there.
      postSummary(true);
      return;
    default:
      assertNever(message);
  }
}

port.on('message', (message: HostToWorker) => {
  onMessage(message).catch((error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    post({ type: 'log', level: 'error', message: `Flow-log query failed: ${error instanceof Error ? (error.stack ?? text) : text}` });
    postView(message.type === 'view' ? { type: 'problem', requestId: message.message.requestId, message: `The query failed: ${text}` } : { type: 'problem', message: `The ${message.type === 'export' ? 'export' : 'NIC lookup'} failed: ${text}` });
  });
});

void decode();
