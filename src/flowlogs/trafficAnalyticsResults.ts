/**
 * Traffic Analytics query results for the flow-log viewer. Rows that are flows (source,
 * destination, destination port, protocol, direction, status) become a virtual network flow log
 * file the viewer opens like any other, so its filters, exports and maps apply unchanged; any
 * other result (a summary such as top talkers) becomes a Markdown table.
 *
 * Traffic Analytics aggregates flows per interval and drops the source port
 * (https://learn.microsoft.com/azure/network-watcher/traffic-analytics-schema, "Data
 * aggregation"), so each row becomes one connection with source port 0: an allowed row a begin
 * tuple at its first occurrence and an end tuple carrying its packets and bytes at its last; a
 * denied row one deny tuple. Public endpoints, which Traffic Analytics leaves out of SrcIp/DestIp,
 * are read from Src/DestPublicIps (`ip|started|ended|packets out|packets in|bytes out|bytes in`,
 * entries separated by spaces), one connection per address.
 */
import { trafficAnalyticsColumns, type TrafficAnalyticsColumns, type TrafficAnalyticsTable } from './trafficAnalyticsQueries';

export interface ResultColumn {
  name: string;
  type: string;
}

export type ResultCell = string | number | boolean | null;

/** The columns the conversion reads, beyond the gallery's: public addresses, MAC, flow log and target. */
interface FlowColumnNames extends TrafficAnalyticsColumns {
  sourcePublicIps: string;
  mac: string;
  flowLogId?: string;
  targetId?: string;
}

const extraColumns: Record<TrafficAnalyticsTable, Pick<FlowColumnNames, 'sourcePublicIps' | 'mac' | 'flowLogId' | 'targetId'>> = {
  NTANetAnalytics: { sourcePublicIps: 'SrcPublicIps', mac: 'MacAddress', flowLogId: 'FlowLogResourceId', targetId: 'TargetResourceId' },
  AzureNetworkAnalytics_CL: { sourcePublicIps: 'SrcPublicIPs_s', mac: 'MACAddress_s' },
};

/** Which table's spelling a result uses, when it has the columns of a flow; undefined for a summary. */
export function flowTableOf(columns: readonly ResultColumn[]): TrafficAnalyticsTable | undefined {
  const names = new Set(columns.map((column) => column.name));
  return (Object.keys(trafficAnalyticsColumns) as TrafficAnalyticsTable[]).find((table) => {
    const c = trafficAnalyticsColumns[table];
    return [c.destinationPort, c.protocol, c.direction, c.status].every((name) => names.has(name)) && (names.has(c.source) || names.has(extraColumns[table].sourcePublicIps)) && (names.has(c.destination) || names.has(c.destinationPublicIps));
  });
}

function timeOf(value: ResultCell): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  const time = typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isNaN(time) ? undefined : time;
}

/** `2026-01-01T00:00:59.4149684Z`: the seven fractional digits flow-log records carry. */
function recordTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function addressesOf(plain: ResultCell, publicIps: ResultCell): { ip: string; packetsOut?: number; packetsIn?: number; bytesOut?: number; bytesIn?: number }[] {
  if (typeof plain === 'string' && plain.trim() !== '') {
    return [{ ip: plain.trim() }];
  }
  if (typeof publicIps !== 'string') {
    return [];
  }
  return publicIps.split(/\s+/).filter(Boolean).map((entry) => {
    const [ip, , , packetsOut, packetsIn, bytesOut, bytesIn] = entry.split('|');
    const number = (text: string | undefined): number | undefined => (text === undefined || text === '' || Number.isNaN(Number(text)) ? undefined : Number(text));
    return { ip: ip ?? '', packetsOut: number(packetsOut), packetsIn: number(packetsIn), bytesOut: number(bytesOut), bytesIn: number(bytesIn) };
  }).filter((entry) => entry.ip !== '');
}

/** Traffic Analytics writes `T` and `U` (TCP, UDP); a number or `ICMP` is taken as it says; anything else as TCP. */
function protocolNumber(value: ResultCell): number {
  const text = String(value ?? '').trim().toUpperCase();
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) {
    return Number(text);
  }
  if (text.startsWith('U')) {
    return 17;
  }
  if (text.startsWith('I')) {
    return 1;
  }
  return 6;
}

export interface FlowLogConversion {
  /** A virtual network flow log file (`{"records":[…]}`) holding the rows as tuples. */
  text: string;
  /** Result rows turned into connections; rows without addresses or times are counted in `skipped`. */
  rows: number;
  skipped: number;
}

/**
 * The result as a virtual network flow log the viewer reads, or undefined when the rows are not
 * flows (see `flowTableOf`). `now` dates rows that carry no time of their own.
 */
export function trafficAnalyticsFlowLog(columns: readonly ResultColumn[], rows: readonly (readonly ResultCell[])[], now: number): FlowLogConversion | undefined {
  const table = flowTableOf(columns);
  if (!table) {
    return undefined;
  }
  const names: FlowColumnNames = { ...trafficAnalyticsColumns[table], ...extraColumns[table] };
  const index = new Map(columns.map((column, position) => [column.name, position]));
  const read = (row: readonly ResultCell[], name: string | undefined): ResultCell => {
    const position = name === undefined ? undefined : index.get(name);
    return position === undefined ? null : (row[position] ?? null);
  };
  const numberOf = (row: readonly ResultCell[], name: string): number | undefined => {
    const value = read(row, name);
    return value === null || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value);
  };
  const records: string[] = [];
  let converted = 0;
  let skipped = 0;
  for (const row of rows) {
    const sources = addressesOf(read(row, names.source), read(row, names.sourcePublicIps));
    const destinations = addressesOf(read(row, names.destination), read(row, names.destinationPublicIps));
    const start = timeOf(read(row, names.flowStart)) ?? timeOf(read(row, names.time)) ?? now;
    const end = Math.max(start, timeOf(read(row, names.flowEnd)) ?? start);
    if (sources.length === 0 || destinations.length === 0) {
      skipped++;
      continue;
    }
    // A flow without a port (ICMP, which Traffic Analytics may leave empty) is still a flow: port 0.
    const port = numberOf(row, names.destinationPort) ?? 0;
    const protocol = protocolNumber(read(row, names.protocol));
    const direction = String(read(row, names.direction) ?? '').toUpperCase().startsWith('I') ? 'I' : 'O';
    const denied = String(read(row, names.status) ?? '').toUpperCase().startsWith('D');
    const tuples: string[] = [];
    for (const source of sources) {
      for (const destination of destinations) {
        const counters = source.bytesOut !== undefined ? source : destination;
        const packetsOut = counters.packetsOut ?? numberOf(row, names.packetsSent) ?? 0;
        const bytesOut = counters.bytesOut ?? numberOf(row, names.bytesSent) ?? 0;
        const packetsIn = counters.packetsIn ?? numberOf(row, names.packetsReceived) ?? 0;
        const bytesIn = counters.bytesIn ?? numberOf(row, names.bytesReceived) ?? 0;
        const head = `${source.ip},${destination.ip},0,${port},${protocol},${direction}`;
        if (denied) {
          tuples.push(`${start},${head},D,NX,${packetsOut},${bytesOut},${packetsIn},${bytesIn}`);
        } else {
          tuples.push(`${start},${head},B,NX,0,0,0,0`, `${end},${head},E,NX,${packetsOut},${bytesOut},${packetsIn},${bytesIn}`);
        }
      }
    }
    converted++;
    const mac = String(read(row, names.mac) ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase().padStart(12, '0').slice(-12);
    const flowLogId = String(read(row, names.flowLogId) ?? '');
    const targetId = String(read(row, names.targetId) ?? '');
    records.push(JSON.stringify({
      time: recordTime(end),
      flowLogVersion: 4,
      macAddress: mac,
      category: 'FlowLogFlowEvent',
      flowLogResourceID: flowLogId === '' ? 'TRAFFIC-ANALYTICS' : flowLogId.toUpperCase(),
      ...(targetId === '' ? {} : { targetResourceID: targetId }),
      operationName: 'FlowLogFlowEvent',
      flowRecords: { flows: [{ aclID: '00000000-0000-0000-0000-000000000000', flowGroups: [{ rule: String(read(row, names.rule) ?? '') || (denied ? 'Denied' : 'Allowed'), flowTuples: tuples }] }] },
    }));
  }
  return { text: `{"records":[${records.join(',')}]}`, rows: converted, skipped };
}

function markdownCell(value: ResultCell): string {
  return value === null ? '' : String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Any result as a Markdown table under a heading and notes (partial result, row count). */
export function resultMarkdown(title: string, columns: readonly ResultColumn[], rows: readonly (readonly ResultCell[])[], notes: readonly string[]): string {
  const lines = [`# ${title}`, '', ...notes.flatMap((note) => [`> ${note}`, '']), `${rows.length.toLocaleString('en-US')} ${rows.length === 1 ? 'row' : 'rows'}.`, ''];
  if (columns.length > 0) {
    lines.push(`| ${columns.map((column) => markdownCell(column.name)).join(' | ')} |`, `| ${columns.map((column) => (['long', 'int', 'real', 'decimal'].includes(column.type) ? '---:' : '---')).join(' | ')} |`);
    for (const row of rows) {
      lines.push(`| ${columns.map((_, position) => markdownCell(row[position] ?? null)).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
