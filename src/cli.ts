/**
 * Command line: decode flow-log files to CSV / NDJSON / ECS, or summarise them.
 *   node dist/cli.js decode FILE... [--format csv|ndjson|ecs] [--connections] [--keep-duplicates] [--output FILE]
 *   node dist/cli.js summary FILE... [--json] [--keep-duplicates]
 */
import { statSync } from 'node:fs';
import { joinConnections } from './flowlogs/connections';
import type { ExportFormat } from './core/viewerProtocol';
import { ChunkPool, exportConnections, exportRows, isoTime, rowRange } from './flowlogs/exporters';
import { decodeFlowLogFile, describeProblem, type DecodeProblem, type DecodeResult } from './flowlogs/flowLogDecoder';
import { FlowTable } from './flowlogs/flowTable';
import { openExportOutput } from './flowlogs/outputStream';
import { summariseFiles } from './flowlogs/summariseFiles';

const usage = `Azure Traffic Lens: decode Azure NSG and VNet flow logs locally.

Usage:
  node dist/cli.js decode FILE... [--format csv|ndjson|ecs] [--connections] [--keep-duplicates] [--output FILE]
  node dist/cli.js summary FILE... [--json] [--keep-duplicates]
  node dist/cli.js --help

decode     Writes every tuple (or, with --connections, every joined connection) as CSV
           (default), NDJSON of the flat rows, or ECS-style NDJSON for SIEMs. Streams:
           memory stays bounded however large the file (except with --connections).
summary    Prints formats, time range, records, tuples, rejected tuples, unique sources and
           destinations, allowed vs denied, bytes, packets and connections, then the problems.
           Streams too (files out of time order are read twice to count connections).

--keep-duplicates  Decode a record identical to an earlier one again (counting its tuples twice),
           as collectors that count every record do. By default it is skipped with a warning.

Problems are reported as "FILE: byte N, record R, tuple T: message" (on stderr for decode).
Exit status: 0 when every file decoded cleanly (warnings allowed), 1 when a file could not be
read or had decoding errors, 2 for a usage error (including an --output that is one of the inputs).
`;

class UsageError extends Error {}

interface Arguments {
  command: 'decode' | 'summary' | 'help';
  files: string[];
  format: ExportFormat;
  connections: boolean;
  output?: string;
  json: boolean;
  keepDuplicates: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { command: 'help', files: [], format: 'csv', connections: false, json: false, keepDuplicates: false };
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    return parsed;
  }
  const [command, ...rest] = argv;
  if (command !== 'decode' && command !== 'summary') {
    throw new UsageError(`unknown command "${command}"; use decode or summary (see --help)`);
  }
  parsed.command = command;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inlineValue ?? rest[++i];
      if (next === undefined) {
        throw new UsageError(`${name} needs a value (see --help)`);
      }
      return next;
    };
    if (name === '--format' && command === 'decode') {
      const format = value();
      if (format !== 'csv' && format !== 'ndjson' && format !== 'ecs') {
        throw new UsageError(`--format must be csv, ndjson or ecs, not "${format}"`);
      }
      parsed.format = format;
    } else if (name === '--connections' && command === 'decode') {
      parsed.connections = true;
    } else if (name === '--output' && command === 'decode') {
      parsed.output = value();
    } else if (name === '--json' && command === 'summary') {
      parsed.json = true;
    } else if (name === '--keep-duplicates') {
      parsed.keepDuplicates = true;
    } else if (name.startsWith('-') && name !== '-') {
      throw new UsageError(`unknown option ${name} for ${command} (see --help)`);
    } else {
      parsed.files.push(arg);
    }
  }
  if (parsed.files.length === 0) {
    throw new UsageError(`${command} needs at least one FILE (see --help)`);
  }
  return parsed;
}

/** `FILE: byte N, record R, tuple T: message`, with `warning: ` before the message of a warning. */
function problemLine(file: string, problem: DecodeProblem): string {
  const shown = problem.severity === 'warning' ? { ...problem, message: `warning: ${problem.message}` } : problem;
  return `${file}: ${describeProblem(shown)}`;
}

function reportProblems(file: string, result: DecodeResult, out: (line: string) => void): void {
  for (const problem of result.problems) {
    out(problemLine(file, problem));
  }
  if (result.problemCount > result.problems.length) {
    out(`${file}: … and ${result.problemCount - result.problems.length} more problems`);
  }
}

function hasErrors(result: DecodeResult): boolean {
  return result.problems.some((problem) => problem.severity === 'error');
}

function describeReadFailure(file: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') {
    return `${file}: no such file`;
  }
  if (code === 'EISDIR') {
    return `${file}: is a directory, not a flow-log file`;
  }
  if (code === 'EACCES') {
    return `${file}: permission denied`;
  }
  return `${file}: couldn't read it (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * The input that `--output` names too, by file identity (device and inode), so a symlink, a hard
 * link or another spelling of the path is caught: opening the output truncates it before it is read.
 */
function inputThatIsOutput(output: string, inputs: string[]): string | undefined {
  const identity = (path: string): string | undefined => {
    try {
      const stats = statSync(path);
      return `${stats.dev}:${stats.ino}`;
    } catch {
      return undefined;
    }
  };
  const target = identity(output);
  return target === undefined ? undefined : inputs.find((input) => identity(input) === target);
}

async function decodeCommand(args: Arguments): Promise<number> {
  const clash = args.output === undefined ? undefined : inputThatIsOutput(args.output, args.files);
  if (clash !== undefined) {
    process.stderr.write(`error: --output ${args.output} is the input ${clash}: writing it would empty it before it is read. Choose another output file.\n`);
    return 2;
  }
  const output = openExportOutput(args.output);
  // The output's writes are done with a chunk when they resolve, so its buffers can be filled again.
  const chunkPool = new ChunkPool();
  let status = 0;
  let header = true;
  let decodedAny = false;
  const stderr = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const shared = new FlowTable();
  for (const file of args.files) {
    let result: DecodeResult;
    try {
      if (args.connections) {
        result = await decodeFlowLogFile(file, { table: shared, keepDuplicates: args.keepDuplicates });
      } else {
        const table = new FlowTable();
        result = await decodeFlowLogFile(file, {
          table,
          keepDuplicates: args.keepDuplicates,
          onBatch: async (batch) => {
            await exportRows(batch, rowRange(batch.length), args.format, output.write, { header, chunkPool });
            header = false;
          },
        });
      }
    } catch (error) {
      stderr(describeReadFailure(file, error));
      status = 1;
      continue;
    }
    decodedAny = true;
    reportProblems(file, result, stderr);
    if (hasErrors(result)) {
      status = 1;
    }
  }
  if (args.connections) {
    const connections = joinConnections(shared);
    await exportConnections(shared, connections, rangeOf(connections.length), args.format, output.write, { header: true, chunkPool });
  } else if (header && decodedAny && args.format === 'csv') {
    await exportRows(shared, [], 'csv', output.write, { header: true });
  }
  await output.close();
  return status;
}

function rangeOf(length: number): Iterable<number> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < length; i++) {
        yield i;
      }
    },
  };
}

async function summaryCommand(args: Arguments): Promise<number> {
  const formats: string[] = [];
  const problems: string[] = [];
  const problemObjects: (DecodeProblem & { file: string })[] = [];
  let records = 0;
  let rejected = 0;
  let bytes = 0;
  let status = 0;
  const { totals, connections, outcomes } = await summariseFiles(args.files, { keepDuplicates: args.keepDuplicates });
  for (const outcome of outcomes) {
    const file = outcome.file;
    if ('error' in outcome) {
      problems.push(describeReadFailure(file, outcome.error));
      problemObjects.push({ file, severity: 'error', code: 'read', message: describeReadFailure(file, outcome.error) });
      status = 1;
      continue;
    }
    const result = outcome.result;
    records += result.records;
    rejected += result.rejectedTuples;
    bytes += result.bytes;
    for (const format of result.formats) {
      if (!formats.includes(format)) {
        formats.push(format);
      }
    }
    reportProblems(file, result, (line) => problems.push(line));
    problemObjects.push(...result.problems.map((problem) => ({ file, ...problem })));
    if (hasErrors(result)) {
      status = 1;
    }
  }
  if (problemObjects.length > 0 && problemObjects.every((problem) => problem.code === 'read') && !args.json) {
    // Nothing could be read: a summary of zeros would only hide the reason.
    process.stderr.write(`${problems.join('\n')}\n`);
    return status;
  }
  if (args.json) {
    const json = {
      files: args.files,
      bytes,
      formats,
      timeFrom: totals.timeFrom === undefined ? null : isoTime(totals.timeFrom),
      timeTo: totals.timeTo === undefined ? null : isoTime(totals.timeTo),
      records,
      tuples: totals.tuples,
      rejectedTuples: rejected,
      uniqueSources: totals.uniqueSources,
      uniqueDestinations: totals.uniqueDestinations,
      allowed: totals.allowed,
      denied: totals.denied,
      bytesTransferred: totals.bytes,
      packets: totals.packets,
      connections,
      problems: problemObjects,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const number = (value: number): string => value.toLocaleString('en-US');
    // Tuples far from their record's time are kept; the range they widen must not pass as the log's.
    const timeRangeNote = problemObjects.some((problem) => problem.code === 'tuple-time') ? " (includes tuples far from their record's time, see the problems)" : '';
    const lines: [string, string][] = [
      ['Files', `${args.files.length} (${number(bytes)} bytes)`],
      ['Formats', formats.length > 0 ? formats.join(', ') : 'none recognised'],
      ['Time range (UTC)', totals.timeFrom === undefined ? '-' : `${isoTime(totals.timeFrom)} to ${isoTime(totals.timeTo ?? totals.timeFrom)}${timeRangeNote}`],
      ['Records', number(records)],
      ['Tuples', number(totals.tuples)],
      ['Rejected tuples', number(rejected)],
      ['Unique sources', number(totals.uniqueSources)],
      ['Unique destinations', number(totals.uniqueDestinations)],
      ['Allowed / denied', `${number(totals.allowed)} / ${number(totals.denied)}`],
      ['Bytes', number(totals.bytes)],
      ['Packets', number(totals.packets)],
      ['Connections', number(connections)],
      ['Problems', number(problemObjects.length)],
    ];
    const width = Math.max(...lines.map(([label]) => label.length)) + 2;
    let text = lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
    if (problems.length > 0) {
      text += `\n\n${problems.join('\n')}`;
    }
    process.stdout.write(`${text}\n`);
  }
  return status;
}

async function main(argv: string[]): Promise<number> {
  let args: Arguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return args.command === 'decode' ? decodeCommand(args) : summaryCommand(args);
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
