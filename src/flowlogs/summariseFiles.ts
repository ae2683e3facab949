/**
 * What `node dist/cli.js summary` counts, over one or more files streamed batch by batch: memory
 * holds the address dictionary and the open connections, not the rows.
 */
import { ConnectionCounter } from './connectionCount';
import { joinConnections } from './connections';
import { decodeFlowLogFile, type DecodeResult } from './flowLogDecoder';
import { FlowSummary, type FlowSummaryResult } from './flowSummary';
import { FlowTable } from './flowTable';

export type FileOutcome = { file: string; result: DecodeResult } | { file: string; error: unknown };

export interface FilesSummary {
  totals: FlowSummaryResult;
  /** What `joinConnections` returns for the rows of all files, in order, in one table. */
  connections: number;
  /** True when the files' tuples were out of time order and they were read a second time to join them (see ConnectionCounter). */
  joinedWhole: boolean;
  /** Per file, in order: its decode result, or the error that stopped its read. */
  outcomes: FileOutcome[];
}

export async function summariseFiles(files: readonly string[], options: { keepDuplicates?: boolean } = {}): Promise<FilesSummary> {
  // One table for all files: its address dictionary, and so the unique-address counts, spans them.
  const table = new FlowTable();
  const summary = new FlowSummary();
  const counter = new ConnectionCounter();
  const outcomes: FileOutcome[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const moreFilesFollow = i < files.length - 1;
    try {
      const result = await decodeFlowLogFile(file, {
        table,
        keepDuplicates: options.keepDuplicates,
        onBatch: (batch) => {
          summary.add(batch, 0);
          counter.add(batch, moreFilesFollow);
        },
      });
      outcomes.push({ file, result });
    } catch (error) {
      outcomes.push({ file, error });
    }
  }
  let connections = counter.count;
  if (counter.isDisordered) {
    // Exact for any order, at the cost of the whole table in memory.
    const whole = new FlowTable();
    for (const outcome of outcomes) {
      if ('result' in outcome) {
        await decodeFlowLogFile(outcome.file, { table: whole, keepDuplicates: options.keepDuplicates });
      }
    }
    connections = joinConnections(whole).length;
  }
  return { totals: summary.result(), connections, joinedWhole: counter.isDisordered, outcomes };
}
