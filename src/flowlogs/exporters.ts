/**
 * Exports rows or connections as CSV (RFC 4180), NDJSON of the flat rows, or ECS-style NDJSON
 * for SIEMs (field mapping: docs/ecs-mapping.md).
 *
 * This module writes whole exports in chunks; the text of each format is in flatRowExport.ts
 * (CSV and NDJSON), ecsExport.ts and connectionExport.ts, on top of exportText.ts and
 * chunkWriter.ts.
 */
import { connectionAt, type ConnectionTable } from './connections';
import { flagDirection, type FlowTable } from './flowTable';
import { flowOwners, hasNoOwners, ownerLabel } from './addressOwners';
import type { AddressOwners, ExportFormat, NicOwner } from '../core/viewerProtocol';
import { csvField, jsonText } from './exportText';
import { ChunkPool, ChunkWriter, type WriteChunk } from './chunkWriter';
import { RowTextCache, csvHeader, rowColumns } from './flatRowExport';
import { EcsTextCache, type EcsOwners } from './ecsExport';
import { connectionColumns, connectionToCsv, connectionToEcsObject, connectionToNdjson } from './connectionExport';

export { ChunkPool, type WriteChunk } from './chunkWriter';
export { csvField, isoTime } from './exportText';
export { csvHeader, rowColumns, rowToCsv, rowToNdjson } from './flatRowExport';
export { ecsMac, operationName, rowToEcs, rowToEcsObject, type EcsOwners } from './ecsExport';

export interface ExportOptions {
  /** False to leave out the CSV header line. */
  header?: boolean;
  /** The NICs the signed-in inventory knows: adds the NIC/VM of each end (see `withOwners`). */
  owners?: AddressOwners;
  /**
   * Buffers to reuse, for a `write` that is done with a chunk when its promise resolves: then the
   * next chunk fills while the last one is written. Without it, each chunk is a new buffer.
   */
  chunkPool?: ChunkPool;
}

/** CSV columns (and NDJSON members) added when the inventory names NICs: `nic (vm)` of each end. */
export const ownerColumns = ['srcOwner', 'dstOwner'] as const;

function quoted(text: string): string {
  return jsonText(text);
}

/**
 * Adds the NIC/VM of a flow's ends to one CSV or NDJSON line: `srcOwner` and `dstOwner`
 * (`nic-web-01 (vm-web-01)`, empty or left out when unknown). ECS events get theirs as members
 * of the document (`rowToEcsObject`).
 */
export function withOwners(line: string, format: 'csv' | 'ndjson', ends: { src?: NicOwner; dst?: NicOwner }): string {
  if (format === 'csv') {
    return `${line.slice(0, -2)},${csvField(ownerLabel(ends.src))},${csvField(ownerLabel(ends.dst))}\r\n`;
  }
  if (ends.src === undefined && ends.dst === undefined) {
    return line;
  }
  let text = line.slice(0, -2);
  if (ends.src !== undefined) {
    text += `,"srcOwner":${quoted(ownerLabel(ends.src))}`;
  }
  if (ends.dst !== undefined) {
    text += `,"dstOwner":${quoted(ownerLabel(ends.dst))}`;
  }
  return `${text}}\n`;
}

let identity = new Uint32Array(0);

/** The row numbers 0 … length - 1, to export a whole table (a view of one shared array: read it, never change it). */
export function rowRange(length: number): Uint32Array {
  if (identity.length < length) {
    identity = new Uint32Array(Math.max(length, identity.length * 2));
    for (let i = 0; i < identity.length; i++) {
      identity[i] = i;
    }
  }
  return identity.subarray(0, length);
}

function* indexesOf(values: Iterable<number> | ArrayLike<number>): Iterable<number> {
  if (Symbol.iterator in Object(values)) {
    yield* values as Iterable<number>;
    return;
  }
  const list = values as ArrayLike<number>;
  for (let i = 0; i < list.length; i++) {
    yield list[i];
  }
}

/** Writes the given rows; returns how many were written. */
export async function exportRows(
  table: FlowTable,
  rows: Iterable<number> | ArrayLike<number>,
  format: ExportFormat,
  write: WriteChunk,
  options: ExportOptions = {},
): Promise<number> {
  const writer = new ChunkWriter(write, options.chunkPool);
  const owners = hasNoOwners(options.owners) ? undefined : options.owners;
  if (format === 'csv' && options.header !== false) {
    await writer.add(csvHeader(owners === undefined ? rowColumns : [...rowColumns, ...ownerColumns]));
  }
  const ecs = format === 'ecs' ? new EcsTextCache(table) : undefined;
  const flat = format === 'ecs' ? undefined : new RowTextCache(table, format);
  let count = 0;
  // Typed arrays and arrays are read by index: a generator step per row costs more than the row.
  const list = ArrayBuffer.isView(rows) || Array.isArray(rows) ? (rows as ArrayLike<number>) : undefined;
  const iterator = list === undefined ? indexesOf(rows)[Symbol.iterator]() : undefined;
  for (let i = 0; ; i++) {
    let row: number;
    if (list !== undefined) {
      if (i >= list.length) {
        break;
      }
      row = list[i];
    } else {
      const next = (iterator as Iterator<number>).next();
      if (next.done === true) {
        break;
      }
      row = next.value;
    }
    let ends: EcsOwners | undefined;
    if (owners !== undefined) {
      const context = table.contexts[table.context[row]];
      ends = flowOwners(owners, { srcIp: table.ips.values[table.srcIp[row]], dstIp: table.ips.values[table.dstIp[row]], direction: flagDirection(table.flags[row]), mac: context.mac });
      ends.logged = owners.byMac[context.mac];
    }
    let text: string;
    if (ecs !== undefined && ends === undefined) {
      ecs.writeRow(row, writer);
      if (writer.isFull) {
        await writer.flush();
      }
      count++;
      continue;
    } else if (ecs !== undefined) {
      text = ecs.row(row, ends);
    } else if (ends === undefined) {
      (flat as RowTextCache).writeRow(row, writer);
      if (writer.isFull) {
        await writer.flush();
      }
      count++;
      continue;
    } else {
      text = (flat as RowTextCache).row(row);
      if (ends !== undefined) {
        text = withOwners(text, format as 'csv' | 'ndjson', ends);
      }
    }
    if (writer.push(text)) {
      await writer.flush();
    }
    count++;
  }
  await writer.finish();
  return count;
}

/** Writes the given connections; returns how many were written. */
export async function exportConnections(
  table: FlowTable,
  connections: ConnectionTable,
  indexes: Iterable<number> | ArrayLike<number>,
  format: ExportFormat,
  write: WriteChunk,
  options: ExportOptions = {},
): Promise<number> {
  const writer = new ChunkWriter(write, options.chunkPool);
  const owners = hasNoOwners(options.owners) ? undefined : options.owners;
  if (format === 'csv' && options.header !== false) {
    await writer.add(csvHeader(owners === undefined ? connectionColumns : [...connectionColumns, ...ownerColumns]));
  }
  let count = 0;
  for (const index of indexesOf(indexes)) {
    const connection = connectionAt(table, connections, index);
    let text =
      format === 'csv' ? connectionToCsv(connection) : format === 'ndjson' ? connectionToNdjson(connection) : undefined;
    if (text === undefined) {
      const ends = owners === undefined ? undefined : { ...flowOwners(owners, connection), logged: owners.byMac[connection.mac] };
      text = `${jsonText(connectionToEcsObject(table, connection, ends))}\n`;
    } else if (owners !== undefined) {
      text = withOwners(text, format as 'csv' | 'ndjson', flowOwners(owners, connection));
    }
    await writer.add(text);
    count++;
  }
  await writer.finish();
  return count;
}
