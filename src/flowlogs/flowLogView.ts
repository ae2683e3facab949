/**
 * Answers the viewer's queries over one decoded table: filter and sort into an index kept for the
 * current epoch, row windows, aggregates and row details. Pure (no Node or DOM APIs), so it runs
 * in the decode worker and, for the benchmark, in a browser page.
 */
import { flagDirection, type FlowTable } from './flowTable';
import {
  AggregateBuilder,
  aggregateConnections,
  appendMatchingRows,
  compileFilter,
  connectionViewRow,
  filterConnections,
  filterRows,
  sortConnections,
  sortRows,
  sumCounters,
  tupleViewRow,
  type ConnectionColumns,
} from './query';
import type { AddressOwners, HostToView, Query, RowDetail, RowWindow, ViewAggregates, ViewMode, ViewRow } from '../core/viewerProtocol';
import { flowOwners, hasNoOwners, ownerLabel } from './addressOwners';
import { formatCount, formatDecision, formatDirection, formatDuration, formatEncryption, formatEndpoint, formatTime } from './displayFormat';

/** Reads one record back from the file: its text and its tuples by tuple index. */
export type RecordReader = (recordOffset: number) => Promise<{ text: string; tuples: string[] }>;

/** The largest row window one request may ask for. */
export const maxRowWindow = 2000;
const maxDetailTuples = 200;
const maxRecordChars = 200_000;

interface CurrentView {
  epoch: number;
  mode: ViewMode;
  index: Uint32Array;
}

/**
 * The last unsorted tuple view, kept so that the same query asked again after more rows arrived
 * (the page asks again every few hundred milliseconds while a file loads) looks only at the new rows.
 */
interface GrowingView {
  filter: string;
  owners: AddressOwners | undefined;
  /** Rows of the table looked at so far. */
  rows: number;
  /** Matching rows in `index[0..length)`. */
  index: Uint32Array;
  length: number;
  aggregates: AggregateBuilder;
  problems: { field: keyof Query['filter']; message: string }[];
}

export class FlowLogView {
  /** The NICs the signed-in inventory knows, once the host sent them: rows name the NIC/VM of their ends. */
  owners: AddressOwners | undefined;
  private current: CurrentView | undefined;
  private growing: GrowingView | undefined;
  private joined: { rows: number; connections: ConnectionColumns } | undefined;

  constructor(
    readonly table: FlowTable,
    private readonly join: (table: FlowTable) => ConnectionColumns,
    private readonly readRecord: RecordReader | undefined,
  ) {}

  private owned: { owners: AddressOwners; rows: number; src: boolean; dst: boolean } | undefined;

  /**
   * Whether some row decoded so far names a NIC at its source, and at its destination (as rows do,
   * see flowOwners); undefined while signed out. Rows are looked at once, each only until both ends
   * are found: addresses and records are looked up once each, not once a row.
   */
  ownedEnds(): { src: boolean; dst: boolean } | undefined {
    const owners = this.owners;
    if (owners === undefined || hasNoOwners(owners)) {
      return undefined;
    }
    if (this.owned?.owners !== owners) {
      this.owned = { owners, rows: 0, src: false, dst: false };
    }
    const owned = this.owned;
    const table = this.table;
    if (owned.rows < table.length && !(owned.src && owned.dst)) {
      const ipOwned = table.ips.values.map((ip) => owners.byIp[ip.toLowerCase()] !== undefined);
      const macOwned = table.contexts.map((context) => owners.byMac[context.mac] !== undefined);
      for (let row = owned.rows; row < table.length && !(owned.src && owned.dst); row++) {
        const isOutbound = flagDirection(table.flags[row]) === 'outbound';
        const byMac = macOwned[table.context[row]];
        owned.src ||= (isOutbound && byMac) || ipOwned[table.srcIp[row]];
        owned.dst ||= (!isOutbound && byMac) || ipOwned[table.dstIp[row]];
      }
    }
    owned.rows = table.length;
    return { src: owned.src, dst: owned.dst };
  }

  /** Connections of the rows decoded so far (joined again only when rows were added). */
  connections(): ConnectionColumns {
    if (this.joined === undefined || this.joined.rows !== this.table.length) {
      this.joined = { rows: this.table.length, connections: this.join(this.table) };
    }
    return this.joined.connections;
  }

  /** Number of connections when they have been joined for the whole current table, else undefined. */
  connectionCount(): number | undefined {
    return this.joined !== undefined && this.joined.rows === this.table.length ? this.joined.connections.length : undefined;
  }

  /** Filters and sorts; the index becomes the current view for `epoch`. */
  runQuery(query: Query): { index: Uint32Array; problems: { field: keyof Query['filter']; message: string }[] } {
    const filter = compileFilter(this.table, query.filter, this.owners);
    if (query.mode === 'connections') {
      const connections = this.connections();
      const index = sortConnections(this.table, connections, filterConnections(connections, filter), query.sort);
      return { index, problems: filter.problems };
    }
    const index = sortRows(this.table, filterRows(this.table, filter), query.sort);
    return { index, problems: filter.problems };
  }

  /** Runs `query` for `epoch`; with `window`, the reply also carries those rows. */
  query(requestId: number, epoch: number, query: Query, window?: RowWindow): HostToView {
    let index: Uint32Array;
    let problems: { field: keyof Query['filter']; message: string }[];
    let aggregates: ViewAggregates;
    if (query.mode === 'tuples') {
      // The rows in table order, sorted afterwards: aggregates do not depend on the order, and
      // read the columns faster in it; a new sort of the same filter only sorts again.
      const view = this.growingView(query);
      const matched = view.index.subarray(0, view.length);
      index = query.sort === undefined ? matched : sortRows(this.table, matched, query.sort);
      problems = view.problems;
      aggregates = view.aggregates.result();
    } else {
      const connections = this.connections();
      const filter = compileFilter(this.table, query.filter, this.owners);
      const matched = filterConnections(connections, filter);
      index = sortConnections(this.table, connections, matched, query.sort);
      problems = filter.problems;
      aggregates = aggregateConnections(this.table, connections, matched);
    }
    this.current = { epoch, mode: query.mode, index };
    const reply: HostToView = { type: 'queryResult', requestId, epoch, total: index.length, aggregates, filterProblems: problems };
    if (window !== undefined) {
      reply.offset = window.offset;
      reply.rows = this.window(window.offset, window.limit);
    }
    return reply;
  }

  /** The unsorted tuple view of `query`, brought up to the rows decoded so far. */
  private growingView(query: Query): GrowingView {
    const table = this.table;
    const filterKey = JSON.stringify(query.filter);
    let view = this.growing;
    if (view === undefined || view.filter !== filterKey || view.owners !== this.owners || view.rows > table.length) {
      view = { filter: filterKey, owners: this.owners, rows: 0, index: new Uint32Array(0), length: 0, aggregates: new AggregateBuilder(table), problems: [] };
      this.growing = view;
    }
    if (view.rows < table.length || view.rows === 0) {
      // Compiled again each time: addresses and records added since widen its lookup tables.
      const filter = compileFilter(table, query.filter, this.owners);
      const from = view.length;
      const grown = appendMatchingRows(table, filter, view.rows, table.length, view.index, view.length);
      view.index = grown.index;
      view.length = grown.length;
      view.rows = table.length;
      view.problems = filter.problems;
      const matched = view.index;
      view.aggregates.prepare((visit) => {
        for (let i = 0; i < from; i++) {
          const row = matched[i];
          visit(table.time[row], table.flags[row], sumCounters(table.bytesSrcToDst[row], table.bytesDstToSrc[row]));
        }
      });
      view.aggregates.addRows(matched, from, view.length);
    }
    return view;
  }

  /** A window of the current view; undefined when `epoch` is not the current one (the page moved on). */
  rows(requestId: number, epoch: number, offset: number, limit: number): HostToView | undefined {
    const current = this.current;
    if (current === undefined || current.epoch !== epoch) {
      return undefined;
    }
    return { type: 'rows', requestId, epoch, offset, rows: this.window(offset, limit), total: current.index.length };
  }

  private window(offset: number, limit: number): ViewRow[] {
    const current = this.current;
    if (current === undefined) {
      return [];
    }
    const end = Math.min(current.index.length, offset + Math.min(limit, maxRowWindow));
    const rows: ViewRow[] = [];
    for (let position = offset; position < end; position++) {
      const id = current.index[position];
      rows.push(this.viewRow(current.mode, id));
    }
    return rows;
  }

  /** One row as the table shows it, with the NIC/VM of its ends when the inventory names them. */
  private viewRow(mode: ViewMode, id: number): ViewRow {
    const row = mode === 'connections' ? connectionViewRow(this.table, this.connections(), id) : tupleViewRow(this.table, id);
    if (!hasNoOwners(this.owners)) {
      const ends = flowOwners(this.owners as AddressOwners, row);
      if (ends.src !== undefined) {
        row.srcOwner = ownerLabel(ends.src);
      }
      if (ends.dst !== undefined) {
        row.dstOwner = ownerLabel(ends.dst);
      }
    }
    return row;
  }

  async detail(requestId: number, mode: ViewMode, id: number): Promise<HostToView> {
    const tupleRows = this.tupleRowsOf(mode, id);
    if (tupleRows === undefined) {
      return { type: 'problem', requestId, message: `There is no ${mode === 'connections' ? 'connection' : 'row'} ${id} in this file.` };
    }
    const first = tupleRows[0];
    const context = this.table.contexts[this.table.context[first]];
    const view = this.viewRow(mode, id);
    const detail: RowDetail = {
      id,
      rawTuples: [],
      rawRecord: '',
      recordIndex: context.recordIndex,
      recordOffset: context.recordOffset,
      fields: detailFields(view, mode),
    };
    if (mode === 'tuples') {
      detail.tupleIndex = this.table.tupleIndex[first];
    }
    detail.fields.push(
      { name: 'Record', value: `#${context.recordIndex} at byte ${context.recordOffset} (${context.recordTime})` },
      { name: 'Format', value: `${context.format === 'nsg' ? 'NSG' : 'VNet'} flow log v${context.version}` },
      { name: 'Resource', value: context.resourceId },
    );
    if (context.targetResourceId !== undefined) {
      detail.fields.push({ name: 'Target', value: context.targetResourceId });
    }
    if (context.aclId !== undefined) {
      detail.fields.push({ name: 'ACL', value: context.aclId });
    }
    if (this.readRecord === undefined) {
      detail.rawRecord = '(The record text is not available.)';
      return { type: 'detail', requestId, detail };
    }
    try {
      const records = new Map<number, { text: string; tuples: string[] }>();
      for (const row of tupleRows.slice(0, maxDetailTuples)) {
        const rowContext = this.table.contexts[this.table.context[row]];
        let record = records.get(rowContext.recordOffset);
        if (record === undefined) {
          record = await this.readRecord(rowContext.recordOffset);
          records.set(rowContext.recordOffset, record);
        }
        detail.rawTuples.push(record.tuples[this.table.tupleIndex[row]] ?? `(tuple ${this.table.tupleIndex[row]} not found in record ${rowContext.recordIndex})`);
      }
      if (tupleRows.length > maxDetailTuples) {
        detail.rawTuples.push(`… ${tupleRows.length - maxDetailTuples} more tuples`);
      }
      const record = records.get(context.recordOffset);
      detail.rawRecord = record === undefined ? '' : prettyRecord(record.text);
    } catch (error) {
      detail.rawRecord = `Couldn't read record #${context.recordIndex} at byte ${context.recordOffset}: ${error instanceof Error ? error.message : String(error)}`;
    }
    return { type: 'detail', requestId, detail };
  }

  /** Rows of the current view for `query` (re-run when it is not the current one), for export. */
  indexFor(query: Query): Uint32Array {
    return this.runQuery(query).index;
  }

  private tupleRowsOf(mode: ViewMode, id: number): number[] | undefined {
    if (mode === 'tuples') {
      return id < this.table.length ? [id] : undefined;
    }
    const connections = this.connections();
    if (id >= connections.length) {
      return undefined;
    }
    const start = connections.tupleRowStart[id];
    return Array.from(connections.tupleRows.subarray(start, start + connections.tupleCount[id]));
  }
}

function prettyRecord(text: string): string {
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Keep the text as logged when it is not valid JSON on its own.
  }
  if (pretty.length > maxRecordChars) {
    return `${pretty.slice(0, maxRecordChars)}\n… ${pretty.length - maxRecordChars} more characters`;
  }
  return pretty;
}

function counter(value: number | undefined): string {
  return value === undefined ? '(not logged)' : formatCount(value);
}

/** The detail pane's fields, formatted as the table formats the same values. */
function detailFields(row: ViewRow, mode: ViewMode): { name: string; value: string }[] {
  const isConnection = mode === 'connections' && row.endTime !== undefined;
  const fields = [
    { name: isConnection ? 'Start (UTC)' : 'Time (UTC)', value: formatTime(row.time) },
    { name: 'Source', value: formatEndpoint(row.srcIp, row.srcPort) },
    ...(row.srcOwner === undefined ? [] : [{ name: 'Source NIC/VM', value: row.srcOwner }]),
    { name: 'Destination', value: formatEndpoint(row.dstIp, row.dstPort) },
    ...(row.dstOwner === undefined ? [] : [{ name: 'Destination NIC/VM', value: row.dstOwner }]),
    { name: 'Protocol', value: row.protocol },
    { name: 'Direction', value: formatDirection(row.direction) },
    { name: 'Decision', value: formatDecision(row.decision) },
    { name: 'State', value: row.state === '' ? '(none)' : row.state },
    { name: 'Rule', value: row.rule },
    { name: 'MAC', value: row.mac },
  ];
  if (row.encryption !== '') {
    fields.push({ name: 'Encryption', value: formatEncryption(row.encryption) });
  }
  if (isConnection) {
    fields.push({ name: 'Last tuple (UTC)', value: formatTime(row.endTime) }, { name: 'Duration', value: formatDuration(row.durationMs ?? 0) });
  }
  fields.push(
    { name: 'Packets source → destination', value: counter(row.packetsSrcToDst) },
    { name: 'Bytes source → destination', value: counter(row.bytesSrcToDst) },
    { name: 'Packets destination → source', value: counter(row.packetsDstToSrc) },
    { name: 'Bytes destination → source', value: counter(row.bytesDstToSrc) },
  );
  return fields;
}
