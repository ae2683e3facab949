/** Display formatting shared by the page's parts. Pure: no DOM access. */
import type { FileSummary, SortColumn, ViewMode, ViewRow } from '../../src/webview/protocol';

export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '';
  }
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function formatCount(value: number | undefined): string {
  return value === undefined ? '' : value.toLocaleString('en-US');
}

export function formatBytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return unit === 0 ? `${value.toLocaleString('en-US')} B` : `${scaled.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${ms} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 120) {
    return `${seconds.toFixed(1)} s`;
  }
  return `${(seconds / 60).toFixed(1)} min`;
}

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

export interface Column {
  sort: SortColumn;
  label: string;
  /** CSS class of the cell (alignment and width). */
  kind: 'time' | 'ip' | 'num' | 'text' | 'wide';
  cell(row: ViewRow): string;
}

const common: Column[] = [
  { sort: 'srcIp', label: 'Source', kind: 'ip', cell: (row) => row.srcIp },
  { sort: 'srcPort', label: 'Src port', kind: 'num', cell: (row) => String(row.srcPort) },
  { sort: 'dstIp', label: 'Destination', kind: 'ip', cell: (row) => row.dstIp },
  { sort: 'dstPort', label: 'Dst port', kind: 'num', cell: (row) => String(row.dstPort) },
  { sort: 'protocol', label: 'Protocol', kind: 'text', cell: (row) => row.protocol },
  { sort: 'direction', label: 'Direction', kind: 'text', cell: (row) => (row.direction === 'inbound' ? 'Inbound' : 'Outbound') },
  { sort: 'decision', label: 'Decision', kind: 'text', cell: (row) => (row.decision === 'allow' ? 'Allow' : 'Deny') },
];

const trailing: Column[] = [
  { sort: 'rule', label: 'Rule', kind: 'wide', cell: (row) => row.rule },
  { sort: 'packets', label: 'Packets', kind: 'num', cell: (row) => formatCount(row.packets) },
  { sort: 'bytes', label: 'Bytes', kind: 'num', cell: (row) => formatCount(row.bytes) },
];

export const columnsByMode: Record<ViewMode, Column[]> = {
  tuples: [
    { sort: 'time', label: 'Time (UTC)', kind: 'time', cell: (row) => formatTime(row.time) },
    ...common,
    { sort: 'state', label: 'State', kind: 'text', cell: (row) => row.state },
    ...trailing,
  ],
  connections: [
    { sort: 'time', label: 'Start (UTC)', kind: 'time', cell: (row) => formatTime(row.time) },
    { sort: 'duration', label: 'Duration', kind: 'num', cell: (row) => formatDuration(row.durationMs) },
    ...common,
    { sort: 'state', label: 'Final state', kind: 'text', cell: (row) => row.state },
    ...trailing,
  ],
};

/** One line per summary fact, in display order. */
export function summaryFacts(summary: FileSummary): { label: string; value: string; isProblem?: boolean }[] {
  const facts: { label: string; value: string; isProblem?: boolean }[] = [
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
  return facts;
}
