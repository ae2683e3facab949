/**
 * One export measurement in a fresh process, so that peak RSS belongs to it alone:
 * `node out/bench/exportBench.js MODE FILE` prints one JSON line.
 *  - ndjson | ecs | csv: what `node dist/cli.js decode FILE --format F --output OUT` does: the
 *    file streamed through decodeFlowLogFile, each batch through exportRows into a file stream.
 *  - summary: what `node dist/cli.js summary FILE` computes (summariseFiles: totals and the
 *    connection count, streamed).
 *  - baseline: an export written the way log collectors do it: JSON.parse of the whole blob,
 *    `split(',')` of each tuple string, one object per tuple and JSON.stringify of it, one NDJSON
 *    line each, written in 1 MiB chunks.
 *  - write: `node out/bench/exportBench.js write FILE BYTES` writes BYTES bytes of NDJSON-like
 *    lines in 1 MiB chunks through the same output, and nothing else: how fast this disk takes
 *    an export's output, the floor under any export of that size.
 * The read of the file and the write of the output are timed in every mode; the output goes to a
 * file beside the input, removed afterwards.
 */
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExportFormat } from '../src/core/viewerProtocol';
import { ChunkPool, exportRows, rowRange } from '../src/flowlogs/exporters';
import { decodeFlowLogFile } from '../src/flowlogs/flowLogDecoder';
import { FlowTable } from '../src/flowlogs/flowTable';
import { openExportOutput, type ExportOutput } from '../src/flowlogs/outputStream';
import { summariseFiles } from '../src/flowlogs/summariseFiles';

export type ExportMode = ExportFormat | 'summary' | 'baseline' | 'write';

export const exportModes: readonly ExportMode[] = ['baseline', 'ndjson', 'ecs', 'csv', 'summary'];

export interface ExportMeasurement {
  mode: ExportMode;
  bytes: number;
  seconds: number;
  tuples: number;
  /** Bytes written (0 for summary). */
  outputBytes: number;
  maxRssMiB: number;
}

async function exportFile(path: string, format: ExportFormat, output: ExportOutput): Promise<number> {
  let header = true;
  let tuples = 0;
  const chunkPool = new ChunkPool();
  await decodeFlowLogFile(path, {
    table: new FlowTable(),
    onBatch: async (batch) => {
      tuples += await exportRows(batch, rowRange(batch.length), format, output.write, { header, chunkPool });
      header = false;
    },
  });
  return tuples;
}

async function summarise(path: string): Promise<number> {
  const summary = await summariseFiles([path]);
  if (summary.connections <= 0) {
    throw new Error('no connections');
  }
  return summary.totals.tuples;
}

interface CollectorRecord {
  time?: string;
  category?: string;
  macAddress?: string;
  resourceId?: string;
  flowLogResourceID?: string;
  properties?: { Version?: number; flows?: { rule: string; flows: { mac: string; flowTuples: string[] }[] }[] };
  flowRecords?: { flows?: { aclID?: string; flowGroups?: { rule: string; flowTuples: string[] }[] }[] };
}

/** The collectors' way: parse everything, split each tuple, stringify one object per tuple. */
async function baseline(path: string, output: ExportOutput): Promise<number> {
  const document = JSON.parse(readFileSync(path, 'utf8')) as { records: CollectorRecord[] };
  let lines: string[] = [];
  let size = 0;
  let tuples = 0;
  const emit = async (record: CollectorRecord, rule: string, mac: string, tuple: string, aclId?: string): Promise<void> => {
    const f = tuple.split(',');
    const vnet = record.flowRecords !== undefined;
    const line = JSON.stringify({
      time: new Date(vnet ? Number(f[0]) : Number(f[0]) * 1000).toISOString(),
      srcIp: f[1],
      dstIp: f[2],
      srcPort: Number(f[3]),
      dstPort: Number(f[4]),
      protocol: f[5],
      direction: f[6],
      decision: vnet ? (f[7] === 'D' ? 'D' : 'A') : f[7],
      state: vnet ? f[7] : f[8],
      encryption: vnet ? f[8] : undefined,
      packetsSrcToDst: f[vnet ? 9 : 9] === undefined || f[9] === '' ? undefined : Number(f[9]),
      bytesSrcToDst: f[10] === undefined || f[10] === '' ? undefined : Number(f[10]),
      packetsDstToSrc: f[11] === undefined || f[11] === '' ? undefined : Number(f[11]),
      bytesDstToSrc: f[12] === undefined || f[12] === '' ? undefined : Number(f[12]),
      rule,
      mac,
      aclId,
      resourceId: record.resourceId ?? record.flowLogResourceID,
      recordTime: record.time,
    });
    lines.push(line);
    size += line.length + 1;
    tuples++;
    if (size >= 1024 * 1024) {
      lines.push('');
      const chunk = lines.join('\n');
      lines = [];
      size = 0;
      await output.write(chunk);
    }
  };
  for (const record of document.records) {
    for (const group of record.properties?.flows ?? []) {
      for (const perMac of group.flows) {
        for (const tuple of perMac.flowTuples) {
          await emit(record, group.rule, perMac.mac, tuple);
        }
      }
    }
    for (const acl of record.flowRecords?.flows ?? []) {
      for (const group of acl.flowGroups ?? []) {
        for (const tuple of group.flowTuples) {
          await emit(record, group.rule, record.macAddress ?? '', tuple, acl.aclID);
        }
      }
    }
  }
  if (lines.length > 0) {
    lines.push('');
    await output.write(lines.join('\n'));
  }
  return tuples;
}

/** Writes `bytes` bytes in chunks from a pool of two, as the exports do; returns 0 tuples. */
async function writeOnly(bytes: number, output: ExportOutput): Promise<number> {
  const line = Buffer.from(`${JSON.stringify({ time: '2024-03-01T10:00:00.000Z', srcIp: '10.0.0.4', dstIp: '203.0.113.7', srcPort: 50000, dstPort: 443 })}\n`);
  const chunks = [0, 1].map(() => {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    for (let at = 0; at < chunk.length; at += line.length) {
      line.copy(chunk, at, 0, Math.min(line.length, chunk.length - at));
    }
    return chunk;
  });
  let pending: Promise<void> = Promise.resolve();
  for (let written = 0, turn = 0; written < bytes; turn++) {
    const chunk = chunks[turn % 2].subarray(0, Math.min(chunks[0].length, bytes - written));
    await pending;
    pending = output.write(chunk);
    written += chunk.length;
  }
  await pending;
  return 0;
}

export async function measureExport(mode: ExportMode, path: string, writeBytes = 0): Promise<ExportMeasurement> {
  const outputPath = join(dirname(path), `export-${process.pid}.tmp`);
  const started = process.hrtime.bigint();
  let tuples: number;
  let outputBytes = 0;
  if (mode === 'summary') {
    tuples = await summarise(path);
  } else {
    const output = openExportOutput(outputPath);
    tuples = mode === 'baseline' ? await baseline(path, output) : mode === 'write' ? await writeOnly(writeBytes, output) : await exportFile(path, mode, output);
    await output.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (mode !== 'summary') {
    outputBytes = statSync(outputPath).size;
    unlinkSync(outputPath);
  }
  return { mode, bytes: statSync(path).size, seconds, tuples, outputBytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  const [mode, path, bytes] = process.argv.slice(2);
  if ((!exportModes.includes(mode as ExportMode) && mode !== 'write') || !path || (mode === 'write' && !(Number(bytes) > 0))) {
    process.stderr.write(`usage: node out/bench/exportBench.js ${exportModes.join('|')} FILE, or write FILE BYTES\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${JSON.stringify(await measureExport(mode as ExportMode, path, Number(bytes ?? 0)))}\n`);
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/exportBench\.js$/.test(process.argv[1] ?? '')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
