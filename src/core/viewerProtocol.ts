/**
 * Messages between the flow-log editor's host side and its webview. Both sides import this
 * file, and so do the decode worker and the query engine in src/flowlogs, which is why it lives
 * in src/core; nothing here may import `vscode` or DOM types.
 */

export const protocolVersion = 1;

/** Filters combine with AND; an empty or absent field does not filter. */
export interface RowFilter {
  /** Case-insensitive substring over addresses, ports, rule, MAC, resource IDs, and NIC/VM names when signed in. */
  text?: string;
  /** An address or CIDR (IPv4 or IPv6), matched against source or destination. */
  ip?: string;
  /** Addresses or CIDRs separated by commas, matched against the source only (a dependency map's edge sets it). */
  srcIp?: string;
  /** Addresses or CIDRs separated by commas, matched against the destination only. */
  dstIp?: string;
  /** A port or range `1000-2000`, matched against source or destination port. */
  port?: string;
  /** IANA protocol numbers (6 TCP, 17 UDP, …). */
  protocols?: number[];
  direction?: 'inbound' | 'outbound';
  decision?: 'allow' | 'deny';
  /** `none` selects tuples without a state (NSG v1). */
  states?: ('begin' | 'continuing' | 'end' | 'deny' | 'none')[];
  /** Exact rule name. */
  rule?: string;
  /** Epoch milliseconds, inclusive. */
  timeFrom?: number;
  timeTo?: number;
}

export type ViewMode = 'tuples' | 'connections';

export type SortColumn =
  | 'time'
  | 'srcIp'
  | 'srcPort'
  | 'dstIp'
  | 'dstPort'
  | 'protocol'
  | 'direction'
  | 'decision'
  | 'state'
  | 'rule'
  | 'packets'
  | 'bytes'
  | 'duration';

export interface SortSpec {
  column: SortColumn;
  descending: boolean;
}

export interface Query {
  mode: ViewMode;
  filter: RowFilter;
  sort?: SortSpec;
}

/** A row as the table shows it: every value already a display string or number. */
export interface ViewRow {
  /** Row number in the tuple table, or connection number. Used to ask for details. */
  id: number;
  time: number;
  /** Connections only: last tuple time and duration in ms. */
  endTime?: number;
  durationMs?: number;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  protocol: string;
  direction: 'inbound' | 'outbound';
  decision: 'allow' | 'deny';
  state: string;
  encryption: string;
  rule: string;
  mac: string;
  /** The NIC (and its VM) the source or destination address belongs to, when the signed-in inventory knows it: `nic-web-01 (vm-web-01)`. */
  srcOwner?: string;
  dstOwner?: string;
  /** Sum of both directions; absent when the log gave no counters. */
  packets?: number;
  bytes?: number;
  packetsSrcToDst?: number;
  bytesSrcToDst?: number;
  packetsDstToSrc?: number;
  bytesDstToSrc?: number;
}

export interface FileSummary {
  fileName: string;
  fileBytes: number;
  /** e.g. "NSG flow log v2", "VNet flow log v4", or several joined with " + ". */
  formats: string[];
  timeFrom?: number;
  timeTo?: number;
  records: number;
  tuples: number;
  rejectedTuples: number;
  connections: number;
  uniqueSources: number;
  uniqueDestinations: number;
  allowed: number;
  denied: number;
  bytes: number;
  packets: number;
  /** Warnings and errors found while decoding, each naming its byte offset. */
  problems: DecodeProblemView[];
  /** True while the file is still being decoded. */
  loading: boolean;
  /** Bytes read so far, for the progress bar. */
  bytesRead: number;
  /** Set when the file could not be read as a flow log at all; the page shows it as a banner. */
  notFlowLog?: string;
  /** Signed in: whether some row of the file names a NIC at its source, and at its destination. */
  ownedEnds?: { src: boolean; dst: boolean };
  /**
   * Once decoded, when some records are identical to an earlier one: how many, and whether they
   * were kept (decoded again, their tuples counted twice) or skipped (the default).
   */
  repeatedRecords?: { count: number; kept: boolean };
}

export interface DecodeProblemView {
  severity: 'warning' | 'error';
  message: string;
  offset?: number;
  recordIndex?: number;
  tupleIndex?: number;
}

/** Aggregates of the current filtered view, for the charts. */
export interface ViewAggregates {
  total: number;
  allowed: number;
  denied: number;
  bytes: number;
  packets: number;
  /** Source address → bytes (or tuples when there are no counters), largest first. */
  topTalkers: { label: string; bytes: number; tuples: number }[];
  /** Destination port/protocol of denied tuples, largest first. */
  topDeniedPorts: { label: string; count: number }[];
  /** Distinct rule names of the whole file, for the rule filter. */
  rules: string[];
  /** Flows and bytes over time, allowed and denied apart; absent when no row has a time. */
  timeline?: Timeline;
}

/**
 * Flows (tuples or connections) and bytes per bucket of `bucketMs` (a minute, or more for files
 * longer than `maxTimelineBuckets` minutes), from `start`; bucket `i` covers
 * `[start + i × bucketMs, start + (i + 1) × bucketMs)`.
 */
export interface Timeline {
  start: number;
  bucketMs: number;
  allowedFlows: number[];
  deniedFlows: number[];
  allowedBytes: number[];
  deniedBytes: number[];
}

/** Column ids of the table; a layout names them in order. */
export type ColumnId = SortColumn | 'srcOwner' | 'dstOwner' | 'mac';

/**
 * How the user arranged the table's columns in one mode: order, columns hidden and columns shown
 * (shown even when hidden by default or empty), widths in px.
 */
export interface ColumnLayout {
  order: ColumnId[];
  hidden: ColumnId[];
  shown?: ColumnId[];
  widths: Partial<Record<ColumnId, number>>;
}

export type ColumnLayouts = Partial<Record<ViewMode, ColumnLayout>>;

/** A NIC the signed-in inventory knows, and the VM it is attached to. */
export interface NicOwner {
  nic: string;
  vm?: string;
}

/** Addresses and MACs of the NICs the signed-in inventory knows. */
export interface AddressOwners {
  /** MAC as flow logs write it (12 upper-case hex digits) → its NIC. */
  byMac: Record<string, NicOwner>;
  /** Private address → its NIC; addresses two NICs share (overlapping networks) are left out. */
  byIp: Record<string, NicOwner>;
}

export interface RowDetail {
  id: number;
  /** The tuple string as it was in the log (tuple mode) or every tuple of the connection. */
  rawTuples: string[];
  /** The record (pretty-printed JSON, tuples of other rules elided when large). */
  rawRecord: string;
  recordIndex: number;
  recordOffset: number;
  tupleIndex?: number;
  fields: { name: string; value: string }[];
}

export type ExportFormat = 'csv' | 'ndjson' | 'ecs';

export interface RowWindow {
  offset: number;
  limit: number;
}

/** A filter field whose value could not be used, with the text shown next to it. */
export interface FilterProblemView {
  field: keyof RowFilter;
  message: string;
}

export type ViewToHost =
  | { type: 'ready' }
  /** The user changed the column layout: the host keeps it for every viewer. */
  | { type: 'saveColumns'; columns: ColumnLayouts }
  /** `window`: rows the page will show first, returned with the result to save a round trip. */
  | { type: 'query'; requestId: number; epoch: number; query: Query; window?: RowWindow }
  | { type: 'rows'; requestId: number; epoch: number; offset: number; limit: number }
  | { type: 'detail'; requestId: number; mode: ViewMode; id: number }
  | { type: 'export'; format: ExportFormat; query: Query }
  /** Decode the file again, keeping records identical to an earlier one (`keep`) or skipping them. */
  | { type: 'keepRepeatedRecords'; keep: boolean };

export type HostToView =
  | { type: 'init'; protocolVersion: number; summary: FileSummary; columns?: ColumnLayouts }
  /**
   * The inventory's NIC names arrived: rows asked for from now on carry `srcOwner`/`dstOwner`.
   * `revision` changes whenever the names do (another account added), so rows shown are asked again.
   */
  | { type: 'owners'; nics: number; revision: number }
  /** Another viewer changed the column layout the user keeps. */
  | { type: 'columns'; columns: ColumnLayouts }
  /** Show the rows this filter keeps (a dependency map's edge opened here), replacing the page's filter. */
  | { type: 'setFilter'; filter: RowFilter; mode: ViewMode }
  | { type: 'summary'; summary: FileSummary }
  | {
      type: 'queryResult';
      requestId: number;
      epoch: number;
      total: number;
      aggregates: ViewAggregates;
      filterProblems: FilterProblemView[];
      /** The rows of the query's `window`, starting at `offset`. */
      offset?: number;
      rows?: ViewRow[];
    }
  | { type: 'rows'; requestId: number; epoch: number; offset: number; rows: ViewRow[]; total: number }
  | { type: 'detail'; requestId: number; detail: RowDetail }
  | { type: 'problem'; requestId?: number; message: string };

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

const viewModes: readonly string[] = ['tuples', 'connections'];
const exportFormats: readonly string[] = ['csv', 'ndjson', 'ecs'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isQuery(value: unknown): value is Query {
  return isRecord(value) && viewModes.includes(value.mode as string) && isRecord(value.filter);
}

const columnIds: readonly string[] = ['time', 'duration', 'srcIp', 'srcOwner', 'srcPort', 'dstIp', 'dstOwner', 'dstPort', 'protocol', 'direction', 'decision', 'state', 'rule', 'packets', 'bytes', 'mac'];

function isColumnIdArray(value: unknown): value is ColumnId[] {
  return isStringArray(value) && value.every((id) => columnIds.includes(id));
}

/** True for a stored or sent set of column layouts (unknown column ids are refused). */
export function isColumnLayouts(value: unknown): value is ColumnLayouts {
  return (
    isRecord(value) &&
    Object.entries(value).every(
      ([mode, layout]) =>
        viewModes.includes(mode) &&
        isRecord(layout) &&
        isColumnIdArray(layout.order) &&
        isColumnIdArray(layout.hidden) &&
        (layout.shown === undefined || isColumnIdArray(layout.shown)) &&
        isRecord(layout.widths) &&
        Object.entries(layout.widths).every(([id, width]) => columnIds.includes(id) && typeof width === 'number' && Number.isFinite(width) && width > 0),
    )
  );
}

/** Runtime check for messages arriving from the webview; anything else is dropped. */
export function isViewToHost(value: unknown): value is ViewToHost {
  if (!isRecord(value)) {
    return false;
  }
  switch (value.type) {
    case 'ready':
      return true;
    case 'saveColumns':
      return isColumnLayouts(value.columns);
    case 'query':
      return (
        isCount(value.requestId) &&
        isCount(value.epoch) &&
        isQuery(value.query) &&
        (value.window === undefined || (isRecord(value.window) && isCount(value.window.offset) && isCount(value.window.limit)))
      );
    case 'rows':
      return isCount(value.requestId) && isCount(value.epoch) && isCount(value.offset) && isCount(value.limit);
    case 'detail':
      return isCount(value.requestId) && viewModes.includes(value.mode as string) && isCount(value.id);
    case 'export':
      return exportFormats.includes(value.format as string) && isQuery(value.query);
    case 'keepRepeatedRecords':
      return typeof value.keep === 'boolean';
    default:
      return false;
  }
}
