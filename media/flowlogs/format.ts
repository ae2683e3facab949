/** Display formatting shared by the page's parts. Pure: no DOM access. */
import type { ColumnId, FileSummary, SortColumn, ViewMode, ViewRow } from '../../src/core/viewerProtocol';
import { formatBytes } from '../../src/core/quantities';
import { formatCount, formatDecision, formatDirection, formatDuration, formatTime } from '../../src/flowlogs/displayFormat';

export { formatBytes, formatCount, formatDuration, formatTime };

/**
 * Parses a UTC time typed in a filter field: `2022-09-14 09:00`, `2022-09-14T09:00:03.599Z`, or
 * epoch milliseconds. Undefined when it is not a time.
 */
export function parseTimeInput(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{10,13}$/.test(trimmed)) {
    const value = Number(trimmed);
    return trimmed.length === 10 ? value * 1000 : value;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?\s*(Z|UTC)?$/i.exec(trimmed);
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = ''] = match;
  const value = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), fraction === '' ? 0 : Math.round(Number(fraction) * 1000));
  // Date.UTC rolls 2022-13-45 over into a later date; only exact calendar times are accepted.
  const date = new Date(value);
  const isExact =
    date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day) && date.getUTCHours() === Number(hour) && date.getUTCMinutes() === Number(minute) && date.getUTCSeconds() === Number(second);
  return Number.isNaN(value) || !isExact ? undefined : value;
}

/** What the time filters show before the file's time range is known: the format they accept. */
export const timeInputHint = 'YYYY-MM-DD hh:mm';

const hourMs = 3_600_000;

/**
 * Placeholders of the From and To filters: the hours the open file's tuples start and end in,
 * typed as the filters accept them (09:00:03 – 09:59:58 → `… 09:00` and `… 10:00`), or the
 * format hint while the range is unknown.
 */
export function timeFilterHints(summary: Pick<FileSummary, 'timeFrom' | 'timeTo'> | undefined): { from: string; to: string } {
  const timeFrom = summary?.timeFrom;
  const timeTo = summary?.timeTo;
  if (timeFrom === undefined || timeTo === undefined || !Number.isFinite(timeFrom) || !Number.isFinite(timeTo)) {
    return { from: timeInputHint, to: timeInputHint };
  }
  const minutes = (ms: number): string => formatTime(ms).slice(0, 16);
  return { from: minutes(Math.floor(timeFrom / hourMs) * hourMs), to: minutes(Math.ceil(timeTo / hourMs) * hourMs) };
}

export interface Column {
  id: ColumnId;
  /** What a click on the heading sorts by; absent for columns that do not sort. */
  sort?: SortColumn;
  label: string;
  /** CSS class of the cell (alignment and font). */
  kind: 'time' | 'ip' | 'num' | 'text' | 'wide';
  /** Width in px until the user resizes it: narrow enough that the usual columns fit next to a side bar. */
  width: number;
  /** Shown only when the signed-in inventory can fill it, and by default only when some row has a value. */
  needsInventory?: boolean;
  /** Offered in the Columns menu but not shown until the user asks for it. */
  hiddenByDefault?: boolean;
  /** True when the cell's text may be cut: the whole value is the cell's tooltip too. */
  hasTitle?: boolean;
  cell(row: ViewRow): string;
}

/**
 * Default widths of the columns in the editor's monospace font (about 8.4 px a character at 14 px,
 * plus 12 px of padding): a whole IPv4 address (15 characters) and a whole time (23).
 */
export const ipv4Width = 140;
export const timeWidth = 208;
/** NIC/VM names are long (`nic-web-01 (vm-web-01)`): cut with an ellipsis, whole in the tooltip and the row details. */
export const ownerWidth = 90;

const common: Column[] = [
  { id: 'srcIp', sort: 'srcIp', label: 'Source', kind: 'ip', width: ipv4Width, cell: (row) => row.srcIp },
  { id: 'srcOwner', label: 'Source NIC/VM', kind: 'text', width: ownerWidth, needsInventory: true, hasTitle: true, cell: (row) => row.srcOwner ?? '' },
  { id: 'srcPort', sort: 'srcPort', label: 'Src port', kind: 'num', width: 68, cell: (row) => String(row.srcPort) },
  { id: 'dstIp', sort: 'dstIp', label: 'Destination', kind: 'ip', width: ipv4Width, cell: (row) => row.dstIp },
  { id: 'dstOwner', label: 'Destination NIC/VM', kind: 'text', width: ownerWidth, needsInventory: true, hasTitle: true, cell: (row) => row.dstOwner ?? '' },
  { id: 'dstPort', sort: 'dstPort', label: 'Dst port', kind: 'num', width: 68, cell: (row) => String(row.dstPort) },
  { id: 'protocol', sort: 'protocol', label: 'Protocol', kind: 'text', width: 74, cell: (row) => row.protocol },
  { id: 'direction', sort: 'direction', label: 'Direction', kind: 'text', width: 86, cell: (row) => formatDirection(row.direction) },
  { id: 'decision', sort: 'decision', label: 'Decision', kind: 'text', width: 72, cell: (row) => formatDecision(row.decision) },
];

const trailing: Column[] = [
  { id: 'rule', sort: 'rule', label: 'Rule', kind: 'wide', width: 200, cell: (row) => row.rule },
  { id: 'packets', sort: 'packets', label: 'Packets', kind: 'num', width: 70, cell: (row) => formatCount(row.packets) },
  { id: 'bytes', sort: 'bytes', label: 'Bytes', kind: 'num', width: 86, cell: (row) => formatCount(row.bytes) },
  // The logged NIC's MAC, offered in the Columns menu; the record's flow log or NSG, target resource and ACL ID are in the row details' record.
  { id: 'mac', label: 'MAC', kind: 'ip', width: 124, hiddenByDefault: true, cell: (row) => row.mac },
];

export const columnsByMode: Record<ViewMode, Column[]> = {
  tuples: [
    { id: 'time', sort: 'time', label: 'Time (UTC)', kind: 'time', width: timeWidth, cell: (row) => formatTime(row.time) },
    ...common,
    { id: 'state', sort: 'state', label: 'State', kind: 'text', width: 86, cell: (row) => row.state },
    ...trailing,
  ],
  connections: [
    { id: 'time', sort: 'time', label: 'Start (UTC)', kind: 'time', width: timeWidth, cell: (row) => formatTime(row.time) },
    { id: 'duration', sort: 'duration', label: 'Duration', kind: 'num', width: 76, cell: (row) => formatDuration(row.durationMs) },
    ...common,
    { id: 'state', sort: 'state', label: 'Final state', kind: 'text', width: 86, cell: (row) => row.state },
    ...trailing,
  ],
};

/**
 * One line per summary fact, in display order. `keepRepeated`: the fact offers to decode the file
 * again keeping (true) or skipping (false) records identical to an earlier one.
 */
export function summaryFacts(summary: FileSummary): { label: string; value: string; isProblem?: boolean; keepRepeated?: boolean }[] {
  const facts: { label: string; value: string; isProblem?: boolean; keepRepeated?: boolean }[] = [
    { label: 'Format', value: summary.formats.length > 0 ? summary.formats.join(' + ') : summary.loading ? '…' : 'unknown' },
    {
      label: 'Time range',
      value: summary.timeFrom === undefined ? '–' : `${formatTime(summary.timeFrom)} – ${formatTime(summary.timeTo)} UTC`,
    },
    { label: 'Records', value: formatCount(summary.records) },
    { label: 'Tuples', value: formatCount(summary.tuples) },
    { label: 'Rejected tuples', value: formatCount(summary.rejectedTuples), isProblem: true },
    { label: 'Sources', value: formatCount(summary.uniqueSources) },
    { label: 'Destinations', value: formatCount(summary.uniqueDestinations) },
    { label: 'Allowed / denied', value: `${formatCount(summary.allowed)} / ${formatCount(summary.denied)}` },
    { label: 'Bytes', value: formatBytes(summary.bytes) },
  ];
  const repeated = summary.repeatedRecords;
  if (repeated !== undefined) {
    facts.splice(3, 0, { label: 'Repeated records', value: `${formatCount(repeated.count)} ${repeated.kept ? 'kept' : 'skipped'}`, keepRepeated: !repeated.kept });
  }
  return facts;
}
