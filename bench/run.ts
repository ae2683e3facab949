/**
 * `npm run bench`: generates flow-log blobs into .bench/ (reused when the size matches), then
 * for each size and format measures, each in its own process: streaming decode of the file
 * (the read included, as the product does it), decode of the bytes already in memory, and bare
 * JSON.parse of the same file's string (without and with the read); prints one table. Then
 * runs the filter benchmark if present.
 * TRAFFIC_LENS_BENCH_SIZES=1,100 restricts the sizes (MB).
 * TRAFFIC_LENS_BENCH_REPEAT=3 runs every measurement process 3 times, the modes taking turns, and
 * keeps each mode's best (on a busy machine a single run of a large file can be far off).
 * Then, for every file, the exports (exportBench.ts): NDJSON, ECS and CSV as
 * `node dist/cli.js decode` writes them, `summary`, and a baseline written the way collectors do it
 * (JSON.parse, split each tuple, JSON.stringify one object per tuple), each in its own process,
 * with seconds, output size, peak RSS and speed against the baseline, JSON.parse and decode; then
 * a write of the largest output's size alone (the disk's speed in this run), and each target with
 * whether this run meets it.
 * TRAFFIC_LENS_BENCH_EXPORT=0 skips the exports.
 * TRAFFIC_LENS_BENCH_FILTER=0 skips the filter benchmark; TRAFFIC_LENS_BENCH_TREE=0 the tree benchmark;
 * TRAFFIC_LENS_BENCH_APPLY=0 the apply benchmark (500 tap configurations under ARM's write limits).
 * Then the viewer benchmark (viewerBench.ts) on the largest VNet file of at least 100 MB, against its
 * streaming decode measured just before, and a fresh worker on the 1 MB VNet file;
 * TRAFFIC_LENS_BENCH_VIEWER=0 skips it, TRAFFIC_LENS_BENCH_ONLY=viewer runs only it.
 * Last, the set-up benchmark (setUpBench.ts: option 1C for 20 spoke subscriptions × 25 NICs under
 * ARM's write limits); TRAFFIC_LENS_BENCH_SETUP=0 skips it, TRAFFIC_LENS_BENCH_ONLY=setup runs only it.
 * Then the dependency map benchmark (mapBench.ts: building from a million tuples, laying out and
 * drawing 2,000 nodes and 20,000 edges); TRAFFIC_LENS_BENCH_MAP=0 skips it, TRAFFIC_LENS_BENCH_ONLY=map runs only it.
 */
import { runApplyBench } from './applyBench';
import { runFilterBench } from './filterBench';
import { runMapBench } from './mapBench';
import { runSetUpBench } from './setUpBench';
import { runTreeBench } from './treeBench';
import { runViewerBench } from './viewerBench';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFlowLogFile, type GeneratedFormat } from '../test/fixtures/flowLogGenerator';
import { repeatBelowBytes, type DecodeMeasurement, type ParseMeasurement, type WarmMeasurement } from './decodeBench';
import { exportModes, type ExportMeasurement, type ExportMode } from './exportBench';
import { projectRoot } from '../test/fixtures/projectRoot';

const megabyte = 1000 * 1000;
const formats: { format: GeneratedFormat; label: string }[] = [
  { format: 'nsg1', label: 'NSG v1' },
  { format: 'nsg2', label: 'NSG v2' },
  { format: 'vnet', label: 'VNet v4' },
];


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

function measure<T>(mode: 'decode' | 'bytes' | 'parse' | 'warm' | ExportMode, path: string, ...extra: string[]): T | string {
  const script = mode === 'decode' || mode === 'bytes' || mode === 'parse' || mode === 'warm' ? 'decodeBench.js' : 'exportBench.js';
  try {
    const output = execFileSync(process.execPath, ['--max-old-space-size=16384', join(__dirname, script), mode, path, ...extra], {
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

/** The faster of two measurements (a failed one only when both failed); peak RSS is the larger of the two. */
function better<T extends { maxRssMiB: number }>(a: T | string, b: T | string, seconds: (m: T) => number): T | string {
  if (typeof a === 'string') {
    return b;
  }
  if (typeof b === 'string') {
    return a;
  }
  const best = seconds(b) < seconds(a) ? b : a;
  return { ...best, maxRssMiB: Math.max(a.maxRssMiB, b.maxRssMiB) };
}

function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A table column: its title and width; the first column is left-aligned, the others right-aligned. */
type Column = readonly [title: string, width: number];

function tableLine(columns: readonly Column[], cells: readonly string[]): string {
  return cells.map((cell, index) => pad(cell, columns[index][1], index > 0)).join(' ');
}

/** Header, rule and rows. */
function tableText(columns: readonly Column[], rows: readonly string[]): string {
  const header = tableLine(columns, columns.map(([title]) => title));
  return `${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}\n\n`;
}

const exportTarget = 3;
const summaryTarget = 1.5;
const rssTargetMiB = 300;
/** The RSS target holds for files from this size (MB) on. */
const rssTargetFromMb = 500;
/** The export and summary ratios apply to files of this size (MB) and up; the viewer bench prints the figure that matters for small files. */
const targetsFromMb = 10;

/**
 * One line per target for one file: the ratio, met or not, and for an export below its target the
 * ceiling that writing its output at the measured disk speed puts on it.
 */
function targetVerdicts(name: string, sizeMb: number, results: Map<ExportMode, ExportMeasurement | string>, decode: DecodeMeasurement, writeRate: number): string[] {
  const lines: string[] = [];
  const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
  const base = results.get('baseline');
  for (const mode of ['ndjson', 'ecs', 'csv'] as const) {
    const result = results.get(mode);
    if (typeof result !== 'object' || typeof base !== 'object') {
      lines.push(`${name}: export ${mode} ≥ ${exportTarget}× baseline: not measured (${typeof result === 'string' ? result : 'baseline failed'})`);
      continue;
    }
    const speed = base.seconds / result.seconds;
    let text = `${name}: export ${mode} ≥ ${exportTarget}× baseline: ${speed.toFixed(2)}× (${result.seconds.toFixed(2)} s vs ${base.seconds.toFixed(2)} s), ${verdict(speed >= exportTarget)}`;
    if (speed < exportTarget && writeRate > 0) {
      const writeSeconds = result.outputBytes / writeRate;
      text += `; writing its ${(result.outputBytes / megabyte).toFixed(0)} MB alone takes ${writeSeconds.toFixed(2)} s at the ${(writeRate / megabyte).toFixed(0)} MB/s measured here, which caps it at ${(base.seconds / writeSeconds).toFixed(2)}× the baseline`;
    }
    lines.push(text);
  }
  const summary = results.get('summary');
  if (typeof summary === 'object') {
    const ratio = summary.seconds / decode.seconds;
    lines.push(`${name}: summary ≤ ${summaryTarget}× decode time: ${ratio.toFixed(2)}× (${summary.seconds.toFixed(2)} s vs ${decode.seconds.toFixed(2)} s), ${verdict(ratio <= summaryTarget)}`);
  } else {
    lines.push(`${name}: summary ≤ ${summaryTarget}× decode time: not measured (${summary ?? 'not run'})`);
  }
  if (sizeMb >= rssTargetFromMb) {
    for (const mode of ['ndjson', 'ecs', 'csv', 'summary'] as const) {
      const result = results.get(mode);
      const rss = typeof result === 'object' ? result.maxRssMiB : NaN;
      lines.push(`${name}: ${mode === 'summary' ? 'summary' : `export ${mode}`} peak RSS < ${rssTargetMiB} MiB: ${Number.isNaN(rss) ? 'not measured' : `${rss.toFixed(0)} MiB, ${verdict(rss < rssTargetMiB)}`}`);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const sizes = (process.env.TRAFFIC_LENS_BENCH_SIZES ?? '1,100,500')
    .split(',')
    .map((size) => Number(size.trim()))
    .filter((size) => size > 0);
  const repeat = Math.max(1, Math.floor(Number(process.env.TRAFFIC_LENS_BENCH_REPEAT ?? '1')) || 1);
  const folder = join(projectRoot(), '.bench');
  mkdirSync(folder, { recursive: true });
  const columns: Column[] = [
    ['file', 18],
    ['size MB', 8],
    ['tuples', 11],
    ['file MB/s', 10],
    ['bytes MB/s', 11],
    ['tuples/s', 9],
    ['JSON.parse MB/s', 16],
    ['read+parse MB/s', 16],
    ['file/parse', 11],
    ['bytes/parse', 12],
    ['file/read+parse', 16],
    ['file RSS MiB', 13],
    ['parse RSS MiB', 14],
  ];
  const warmColumns: Column[] = [
    ['file', 18],
    ['first decode ms', 16],
    ['first parse ms', 16],
    ['first ratio', 11],
    ['median decode ms', 17],
    ['median parse ms', 17],
    ['warm ratio', 11],
  ];
  const rows: string[] = [];
  const warmRows: string[] = [];
  if (process.env.TRAFFIC_LENS_BENCH_ONLY === 'setup') {
    await runSetUpBench();
    return;
  }
  if (process.env.TRAFFIC_LENS_BENCH_ONLY === 'map') {
    await runMapBench();
    return;
  }
  const onlyViewer = process.env.TRAFFIC_LENS_BENCH_ONLY === 'viewer';
  const viewerWanted = onlyViewer || process.env.TRAFFIC_LENS_BENCH_VIEWER !== '0';
  if (onlyViewer) {
    const largest = Math.max(...sizes);
    runViewerBench(largest >= 100 ? await ensureFile(folder, 'vnet', largest) : undefined, await ensureFile(folder, 'vnet', 1), repeat);
    return;
  }
  let viewerFile: string | undefined;
  const exportColumns: Column[] = [
    ['file', 18],
    ['what', 16],
    ['seconds', 8],
    ['tuples/s', 9],
    ['output MB', 10],
    ['RSS MiB', 8],
    ['speed/baseline', 15],
    ['speed/JSON.parse', 17],
    ['time/decode', 12],
  ];
  const exportRows: string[] = [];
  const targetLines: string[] = [];
  const exportsWanted = process.env.TRAFFIC_LENS_BENCH_EXPORT !== '0';
  const ratio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? '-' : (a / b).toFixed(2) + '×');
  const rate = (value: number): string => (Number.isNaN(value) ? '-' : value.toFixed(0));
  for (const size of sizes) {
    for (const { format, label } of formats) {
      const path = await ensureFile(folder, format, size);
      let decode: DecodeMeasurement | string = 'not run';
      let inMemory: DecodeMeasurement | string = 'not run';
      let parse: ParseMeasurement | string = 'not run';
      for (let round = 0; round < repeat; round++) {
        decode = better(decode, measure<DecodeMeasurement>('decode', path), (m) => m.seconds);
        inMemory = better(inMemory, measure<DecodeMeasurement>('bytes', path), (m) => m.seconds);
        parse = better(parse, measure<ParseMeasurement>('parse', path), (m) => m.parseSeconds);
      }
      const bytes = statSync(path).size;
      const name = `${label} ${size} MB`;
      if (typeof decode === 'string') {
        rows.push(`${pad(name, 18, false)} decode ${decode}`);
        continue;
      }
      const decodeRate = bytes / megabyte / decode.seconds;
      const bytesRate = typeof inMemory === 'string' ? NaN : bytes / megabyte / inMemory.seconds;
      const parseRate = typeof parse === 'string' ? NaN : bytes / megabyte / parse.parseSeconds;
      const readParseRate = typeof parse === 'string' ? NaN : bytes / megabyte / parse.readAndParseSeconds;
      rows.push(
        tableLine(columns, [
          name,
          (bytes / megabyte).toFixed(1),
          String(decode.tuples),
          rate(decodeRate),
          typeof inMemory === 'string' ? inMemory : rate(bytesRate),
          (decode.tuples / decode.seconds / 1e6).toFixed(2) + 'M',
          typeof parse === 'string' ? parse : rate(parseRate),
          rate(readParseRate),
          ratio(decodeRate, parseRate),
          ratio(bytesRate, parseRate),
          ratio(decodeRate, readParseRate),
          decode.maxRssMiB.toFixed(0),
          typeof parse === 'string' ? '-' : parse.maxRssMiB.toFixed(0),
        ]),
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
      if (format === 'vnet' && size >= 100) {
        viewerFile = path;
      }
      if (exportsWanted) {
        const results = new Map<ExportMode, ExportMeasurement | string>();
        for (const mode of exportModes) {
          let best: ExportMeasurement | string = 'not run';
          for (let round = 0; round < repeat; round++) {
            best = better(best, measure<ExportMeasurement>(mode, path), (m) => m.seconds);
          }
          results.set(mode, best);
        }
        const base = results.get('baseline');
        const parseSeconds = typeof parse === 'string' ? NaN : parse.readAndParseSeconds;
        const line = (what: string, seconds: number, tuples: number, outputBytes: number | undefined, rss: number | undefined, againstBaseline: boolean, againstDecode: boolean): string =>
          tableLine(exportColumns, [
            name,
            what,
            seconds.toFixed(2),
            Number.isNaN(tuples) ? '-' : (tuples / seconds / 1e6).toFixed(2) + 'M',
            outputBytes === undefined || outputBytes === 0 ? '-' : (outputBytes / megabyte).toFixed(0),
            rss === undefined ? '-' : rss.toFixed(0),
            againstBaseline && typeof base !== 'string' && base !== undefined ? ratio(base.seconds, seconds) : '-',
            ratio(parseSeconds, seconds),
            againstDecode ? ratio(seconds, decode.seconds) : '-',
          ]);
        exportRows.push(line('read+JSON.parse', parseSeconds, decode.tuples, undefined, typeof parse === 'string' ? undefined : parse.maxRssMiB, false, false));
        exportRows.push(line('decode', decode.seconds, decode.tuples, undefined, decode.maxRssMiB, false, true));
        for (const mode of exportModes) {
          const result = results.get(mode) ?? 'not run';
          const what = mode === 'baseline' ? 'baseline ndjson' : mode === 'summary' ? 'summary' : `export ${mode}`;
          exportRows.push(
            typeof result === 'string'
              ? `${pad(name, 18, false)} ${pad(what, 16, false)} ${result}`
              : line(what, result.seconds, result.tuples, result.outputBytes, result.maxRssMiB, mode !== 'summary', true),
          );
        }
        // How fast this disk takes the largest output, measured in the same run: no export of that size can be faster.
        const outputs = [...results.values()].map((result) => (typeof result === 'string' ? 0 : result.outputBytes));
        const largest = Math.max(0, ...outputs);
        let writeRate = NaN;
        if (largest > 0) {
          let write: ExportMeasurement | string = 'not run';
          for (let round = 0; round < repeat; round++) {
            write = better(write, measure<ExportMeasurement>('write', path, String(largest)), (m) => m.seconds);
          }
          if (typeof write === 'string') {
            exportRows.push(`${pad(name, 18, false)} ${pad('write only', 16, false)} ${write}`);
          } else {
            writeRate = largest / write.seconds;
            exportRows.push(line('write only', write.seconds, NaN, largest, write.maxRssMiB, false, false));
          }
        }
        process.stdout.write(`${exportRows.slice(-(exportModes.length + 3)).join('\n')}\n`);
        // Below 10 MB a whole export takes tens of milliseconds either way: ratios there measure process start-up, not the exporter.
        if (size >= targetsFromMb) {
          targetLines.push(...targetVerdicts(name, size, results, decode, writeRate));
        }
      }
      if (bytes < repeatBelowBytes) {
        const warm = measure<WarmMeasurement>('warm', path);
        const ms = (seconds: number): string => (seconds * 1000).toFixed(2);
        warmRows.push(
          typeof warm === 'string'
            ? `${pad(name, 18, false)} ${warm}`
            : tableLine(warmColumns, [
                name,
                ms(warm.decodeFirstSeconds),
                ms(warm.parseFirstSeconds),
                ratio(warm.parseFirstSeconds, warm.decodeFirstSeconds),
                ms(warm.decodeMedianSeconds),
                ms(warm.parseMedianSeconds),
                ratio(warm.parseMedianSeconds, warm.decodeMedianSeconds),
              ]),
        );
      }
    }
  }
  process.stdout.write(
    '\nFlow-log decode, each measurement in its own process. file: decodeFlowLogFile streaming the file with onBatch, the read\n' +
      'included (as the CLI and the viewer do); bytes: decodeFlowLogBytes of the file already read into memory (read not timed);\n' +
      'JSON.parse: of the file already read into a string (read not timed); read+parse: readFileSync + JSON.parse.\n' +
      `MB = 10^6 bytes; files under 20 MB: best of 10 runs for every mode; ${repeat > 1 ? `best of ${repeat} processes per mode, taking turns; ` : ''}RSS = peak resident set (process.resourceUsage().maxRSS, the largest of the processes).\n`,
  );
  process.stdout.write(tableText(columns, rows));
  if (warmRows.length > 0) {
    process.stdout.write(
      'Small files in one process, from memory (no read): decodeFlowLogBytes and JSON.parse taking turns, 200 calls each;\n' +
        'first = the first call (nothing compiled yet, as in a newly opened editor), median = compiled and warm. ratio = decode speed / JSON.parse speed.\n' +
        tableText(warmColumns, warmRows),
    );
  }
  if (exportRows.length > 0) {
    process.stdout.write(
      'Exports, each in its own process, the read of the file and the write of the output (to a file beside it) timed:\n' +
        'export ndjson/ecs/csv as `node dist/cli.js decode FILE --format F --output OUT` does it; summary as `node dist/cli.js summary FILE`;\n' +
        'baseline ndjson: JSON.parse of the blob, split(\',\') of each tuple, JSON.stringify of one object per tuple, one line each.\n' +
        'speed/baseline and speed/JSON.parse: how many times faster than the baseline and than read+JSON.parse (above 1× is faster);\n' +
        `time/decode: seconds over the streaming decode's (file column above). RSS = peak resident set.${repeat > 1 ? ` Best of ${repeat} processes per mode.` : ''}\n` +
        'write only: the largest output\'s size written alone in 1 MiB chunks through the same output (this disk\'s speed in this run).\n' +
        tableText(exportColumns, exportRows),
    );
  }
  if (targetLines.length > 0) {
    process.stdout.write(
      'Targets (files of 10 MB or more): each export at least 3× the baseline\'s speed; summary at most 1.5× the streaming decode\'s\n' +
        `time; peak RSS under 300 MiB for every export and the summary of a file of 500 MB or more. Ratios from this run's measurements.\n${targetLines.join('\n')}\n\n`,
    );
  }
  if (viewerWanted) {
    runViewerBench(viewerFile, await ensureFile(folder, 'vnet', 1), repeat);
  }
  if (process.env.TRAFFIC_LENS_BENCH_FILTER !== '0') {
    await runFilterBench();
  }
  if (process.env.TRAFFIC_LENS_BENCH_TREE !== '0') {
    await runTreeBench();
  }
  if (process.env.TRAFFIC_LENS_BENCH_APPLY !== '0') {
    await runApplyBench();
  }
  if (process.env.TRAFFIC_LENS_BENCH_SETUP !== '0') {
    await runSetUpBench();
  }
  if (process.env.TRAFFIC_LENS_BENCH_MAP !== '0') {
    await runMapBench();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
