/**
 * One measurement in a fresh process, so that peak RSS belongs to it alone:
 * `node out/bench/decodeBench.js decode|bytes|parse FILE` prints one JSON line.
 *  - decode: streams the file through decodeFlowLogFile with onBatch (as the CLI and the viewer's
 *    worker do), the read included.
 *  - bytes: reads the file into memory, then decodeFlowLogBytes of the bytes (timed without the
 *    read, like JSON.parse below).
 *  - parse: reads the file, then JSON.parse of the string (timed alone and with the read).
 *  - warm: in one process, decodeFlowLogBytes of the bytes and JSON.parse of the string taking
 *    turns, 200 times each: the first call of each (V8 has compiled nothing yet) and the median
 *    (compiled and warm). Files under 20 MB only.
 * Files under 20 MB are measured 10 times in the process and the best run is reported, for
 * both modes alike; larger files once.
 */
import { readFileSync, statSync } from 'node:fs';
import { decodeFlowLogBytes, decodeFlowLogFile, type DecodeResult } from '../src/flowlogs/flowLogDecoder';

/** Files below this size are measured several times and the best run is kept (JIT warm-up dominates a single small run). */
export const repeatBelowBytes = 20 * 1000 * 1000;
const repeatRuns = 10;

export interface DecodeMeasurement {
  mode: 'decode' | 'bytes';
  bytes: number;
  runs: number;
  seconds: number;
  tuples: number;
  records: number;
  problems: number;
  maxRssMiB: number;
}

export interface WarmMeasurement {
  mode: 'warm';
  bytes: number;
  runs: number;
  decodeFirstSeconds: number;
  parseFirstSeconds: number;
  decodeMedianSeconds: number;
  parseMedianSeconds: number;
}

export interface ParseMeasurement {
  mode: 'parse';
  bytes: number;
  runs: number;
  parseSeconds: number;
  readAndParseSeconds: number;
  maxRssMiB: number;
}

function runsFor(path: string): number {
  return statSync(path).size < repeatBelowBytes ? repeatRuns : 1;
}

async function measureDecode(path: string): Promise<DecodeMeasurement> {
  const runs = runsFor(path);
  let seconds = Infinity;
  let result: DecodeResult | undefined;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    let batches = 0;
    result = await decodeFlowLogFile(path, {
      onBatch: () => {
        batches++;
      },
    });
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return decodeMeasurement('decode', result, runs, seconds);
}

function decodeMeasurement(mode: 'decode' | 'bytes', result: DecodeResult | undefined, runs: number, seconds: number): DecodeMeasurement {
  if (result === undefined) {
    throw new Error('no run');
  }
  return {
    mode,
    bytes: result.bytes,
    runs,
    seconds,
    tuples: result.tuples,
    records: result.records,
    problems: result.problemCount,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function measureBytes(path: string): DecodeMeasurement {
  const runs = runsFor(path);
  let seconds = Infinity;
  let result: DecodeResult | undefined;
  for (let run = 0; run < runs; run++) {
    const bytes = readFileSync(path);
    const started = process.hrtime.bigint();
    result = decodeFlowLogBytes(bytes);
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return decodeMeasurement('bytes', result, runs, seconds);
}

function measureParse(path: string): ParseMeasurement {
  const runs = runsFor(path);
  let parseSeconds = Infinity;
  let readAndParseSeconds = Infinity;
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const text = readFileSync(path, 'utf8');
    const parseStarted = process.hrtime.bigint();
    const value = JSON.parse(text) as { records?: unknown[] };
    const ended = process.hrtime.bigint();
    if (!Array.isArray(value.records)) {
      throw new Error('JSON.parse did not produce a records list');
    }
    bytes = Buffer.byteLength(text);
    parseSeconds = Math.min(parseSeconds, Number(ended - parseStarted) / 1e9);
    readAndParseSeconds = Math.min(readAndParseSeconds, Number(ended - started) / 1e9);
  }
  return {
    mode: 'parse',
    bytes,
    runs,
    parseSeconds,
    readAndParseSeconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const warmRuns = 200;

function measureWarm(path: string): WarmMeasurement {
  if (statSync(path).size >= repeatBelowBytes) {
    throw new Error(`warm runs only files under ${repeatBelowBytes / 1e6} MB`);
  }
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const decodeSeconds: number[] = [];
  const parseSeconds: number[] = [];
  const time = (work: () => unknown): number => {
    const started = process.hrtime.bigint();
    work();
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  for (let run = 0; run < warmRuns; run++) {
    decodeSeconds.push(time(() => decodeFlowLogBytes(bytes)));
    parseSeconds.push(time(() => JSON.parse(text)));
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    mode: 'warm',
    bytes: bytes.length,
    runs: warmRuns,
    decodeFirstSeconds: decodeSeconds[0],
    parseFirstSeconds: parseSeconds[0],
    decodeMedianSeconds: median(decodeSeconds),
    parseMedianSeconds: median(parseSeconds),
  };
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  if ((mode !== 'decode' && mode !== 'bytes' && mode !== 'parse' && mode !== 'warm') || !path) {
    process.stderr.write('usage: node out/bench/decodeBench.js decode|bytes|parse|warm FILE\n');
    process.exitCode = 2;
    return;
  }
  const measurement = mode === 'decode' ? await measureDecode(path) : mode === 'bytes' ? measureBytes(path) : mode === 'warm' ? measureWarm(path) : measureParse(path);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

// Bundled into run.js as well, where `require.main === module` also holds: check the script name.
if (/decodeBench\.js$/.test(process.argv[1] ?? '')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
