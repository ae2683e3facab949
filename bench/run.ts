/**
 * `npm run bench`: generates flow-log blobs into .bench/ (reused when the size matches), then
 * for each size and format measures streaming decode and bare JSON.parse of the same file,
 * each in its own process, and prints one table. Then runs the filter benchmark if present.
 * TRAFFIC_LENS_BENCH_SIZES=1,100 restricts the sizes (MB).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFlowLogFile, type GeneratedFormat } from '../test/fixtures/flowLogGenerator';
import type { DecodeMeasurement, ParseMeasurement } from './decodeBench';

const megabyte = 1000 * 1000;
const formats: { format: GeneratedFormat; label: string }[] = [
  { format: 'nsg1', label: 'NSG v1' },
  { format: 'nsg2', label: 'NSG v2' },
  { format: 'vnet', label: 'VNet v4' },
];

function root(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = join(folder, '..');
    if (parent === folder) {
      return process.cwd();
    }
    folder = parent;
  }
  return folder;
}

async function ensureFile(folder: string, format: GeneratedFormat, sizeMb: number): Promise<string> {
  const path = join(folder, `${format}-${sizeMb}MB.json`);
  const target = sizeMb * megabyte;
  if (existsSync(path)) {
    const size = statSync(path).size;
    if (size >= target * 0.97 && size < target * 1.05 + 64 * 1024) {
      return path;
    }
  }
  process.stdout.write(`generating ${path}…\n`);
  // Generation stops after the record that reaches the target, so the file ends a few KB past it.
  await writeFlowLogFile(path, { format, targetBytes: target, seed: sizeMb * 31 + format.length, macs: 16 });
  return path;
}

function measure<T>(mode: 'decode' | 'parse', path: string): T | string {
  try {
    const output = execFileSync(process.execPath, ['--max-old-space-size=16384', join(__dirname, 'decodeBench.js'), mode, path], {
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

function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

async function main(): Promise<void> {
  const sizes = (process.env.TRAFFIC_LENS_BENCH_SIZES ?? '1,100,500')
    .split(',')
    .map((size) => Number(size.trim()))
    .filter((size) => size > 0);
  const folder = join(root(), '.bench');
  mkdirSync(folder, { recursive: true });
  const header = [
    pad('file', 18, false),
    pad('size MB', 8),
    pad('tuples', 11),
    pad('decode MB/s', 12),
    pad('tuples/s', 11),
    pad('JSON.parse MB/s', 16),
    pad('read+parse MB/s', 16),
    pad('decode/parse', 13),
    pad('decode RSS MiB', 15),
    pad('parse RSS MiB', 14),
  ].join(' ');
  const rows: string[] = [];
  for (const size of sizes) {
    for (const { format, label } of formats) {
      const path = await ensureFile(folder, format, size);
      const decode = measure<DecodeMeasurement>('decode', path);
      const parse = measure<ParseMeasurement>('parse', path);
      const bytes = statSync(path).size;
      const name = `${label} ${size} MB`;
      if (typeof decode === 'string') {
        rows.push(`${pad(name, 18, false)} decode ${decode}`);
        continue;
      }
      const decodeRate = bytes / megabyte / decode.seconds;
      const parseRate = typeof parse === 'string' ? NaN : bytes / megabyte / parse.parseSeconds;
      const readParseRate = typeof parse === 'string' ? NaN : bytes / megabyte / parse.readAndParseSeconds;
      rows.push(
        [
          pad(name, 18, false),
          pad((bytes / megabyte).toFixed(1), 8),
          pad(String(decode.tuples), 11),
          pad(decodeRate.toFixed(0), 12),
          pad((decode.tuples / decode.seconds / 1e6).toFixed(2) + 'M', 11),
          pad(typeof parse === 'string' ? parse : parseRate.toFixed(0), 16),
          pad(Number.isNaN(readParseRate) ? '-' : readParseRate.toFixed(0), 16),
          pad(Number.isNaN(parseRate) ? '-' : (decodeRate / parseRate).toFixed(2) + '×', 13),
          pad(decode.maxRssMiB.toFixed(0), 15),
          pad(typeof parse === 'string' ? '-' : parse.maxRssMiB.toFixed(0), 14),
        ].join(' '),
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    }
  }
  process.stdout.write(
    '\nFlow-log decode: streaming decodeFlowLogFile vs JSON.parse of the already-read string, each in its own process.\n' +
      'MB = 10^6 bytes; files under 20 MB: best of 10 runs; RSS = peak resident set (process.resourceUsage().maxRSS).\n',
  );
  process.stdout.write(`${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}\n\n`);
  const filterBench = join(__dirname, 'filterBench.js');
  if (existsSync(filterBench)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(filterBench) as { runFilterBench?: () => unknown };
    if (typeof loaded.runFilterBench === 'function') {
      await loaded.runFilterBench();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
