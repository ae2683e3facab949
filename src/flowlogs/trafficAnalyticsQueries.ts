/**
 * The gallery of Traffic Analytics queries: KQL for the two tables Traffic Analytics writes to a
 * Log Analytics workspace, with the columns each one has.
 *
 * - `NTANetAnalytics` (virtual network flow logs):
 *   https://learn.microsoft.com/azure/azure-monitor/reference/tables/ntanetanalytics
 * - `AzureNetworkAnalytics_CL` (NSG flow logs, custom-log suffixes `_s`, `_d`, `_t`):
 *   https://learn.microsoft.com/azure/network-watcher/traffic-analytics-schema
 *
 * Only `SubType == "FlowLog"` rows are flows; the schema page says other sub-types are for
 * internal use. The schema page documents `FlowStatus` as `A`/`D` and `FlowDirection` as `I`/`O`,
 * while the NTANetAnalytics table reference describes them as "allowed or denied" and "inbound or
 * outbound": the queries accept both spellings so they hold whichever a workspace carries.
 */
import { parsePrefix } from '../core/addresses';

export type TrafficAnalyticsTable = 'NTANetAnalytics' | 'AzureNetworkAnalytics_CL';

export const trafficAnalyticsTables: readonly TrafficAnalyticsTable[] = ['NTANetAnalytics', 'AzureNetworkAnalytics_CL'];

/** The columns a gallery query reads, by table. */
export interface TrafficAnalyticsColumns {
  subType: string;
  time: string;
  flowStart: string;
  flowEnd: string;
  source: string;
  destination: string;
  destinationPort: string;
  protocol: string;
  direction: string;
  status: string;
  flowType: string;
  destinationPublicIps: string;
  allowedIn: string;
  deniedIn: string;
  allowedOut: string;
  deniedOut: string;
  bytesSent: string;
  bytesReceived: string;
  packetsSent: string;
  packetsReceived: string;
  rule: string;
}

/** Column names from the two schema pages cited above. */
export const trafficAnalyticsColumns: Readonly<Record<TrafficAnalyticsTable, TrafficAnalyticsColumns>> = {
  NTANetAnalytics: {
    subType: 'SubType',
    time: 'TimeGenerated',
    flowStart: 'FlowStartTime',
    flowEnd: 'FlowEndTime',
    source: 'SrcIp',
    destination: 'DestIp',
    destinationPort: 'DestPort',
    protocol: 'L4Protocol',
    direction: 'FlowDirection',
    status: 'FlowStatus',
    flowType: 'FlowType',
    destinationPublicIps: 'DestPublicIps',
    allowedIn: 'AllowedInFlows',
    deniedIn: 'DeniedInFlows',
    allowedOut: 'AllowedOutFlows',
    deniedOut: 'DeniedOutFlows',
    bytesSent: 'BytesSrcToDest',
    bytesReceived: 'BytesDestToSrc',
    packetsSent: 'PacketsSrcToDest',
    packetsReceived: 'PacketsDestToSrc',
    rule: 'AclRule',
  },
  AzureNetworkAnalytics_CL: {
    subType: 'SubType_s',
    time: 'TimeGenerated',
    flowStart: 'FlowStartTime_t',
    flowEnd: 'FlowEndTime_t',
    source: 'SrcIP_s',
    destination: 'DestIP_s',
    destinationPort: 'DestPort_d',
    protocol: 'L4Protocol_s',
    direction: 'FlowDirection_s',
    status: 'FlowStatus_s',
    flowType: 'FlowType_s',
    destinationPublicIps: 'DestPublicIPs_s',
    allowedIn: 'AllowedInFlows_d',
    deniedIn: 'DeniedInFlows_d',
    allowedOut: 'AllowedOutFlows_d',
    deniedOut: 'DeniedOutFlows_d',
    bytesSent: 'OutboundBytes_d',
    bytesReceived: 'InboundBytes_d',
    packetsSent: 'OutboundPackets_d',
    packetsReceived: 'InboundPackets_d',
    rule: 'NSGRule_s',
  },
};

/** What a gallery query asks for besides the time range. */
export type GalleryParameterName = 'addressA' | 'addressB' | 'subnet' | 'port';

export interface GalleryParameters {
  /** Hours back from now (Log Analytics' `ago(Nh)`), 1 to 2160 (90 days). */
  hours: number;
  addressA?: string;
  addressB?: string;
  /** A CIDR block, e.g. a subnet's `10.2.1.0/24`. */
  subnet?: string;
  port?: number;
}

export type GalleryQueryId = 'between' | 'deniedIntoSubnet' | 'topTalkers' | 'toInternet' | 'portUsers' | 'timeChart';

export interface GalleryQuery {
  id: GalleryQueryId;
  label: string;
  detail: string;
  needs: readonly GalleryParameterName[];
  /** True when each result row is one aggregated flow (the viewer shows it as flow tuples); false for summaries. */
  flowRows: boolean;
}

export const trafficAnalyticsGallery: readonly GalleryQuery[] = [
  { id: 'between', label: 'Traffic between two addresses', detail: 'Flows in either direction between two IP addresses', needs: ['addressA', 'addressB'], flowRows: true },
  { id: 'deniedIntoSubnet', label: 'Denied flows into a subnet', detail: 'Flows to addresses of a CIDR block that an NSG or admin rule denied', needs: ['subnet'], flowRows: true },
  { id: 'topTalkers', label: 'Top talkers', detail: 'The 10 source addresses that sent and received the most bytes', needs: [], flowRows: false },
  { id: 'toInternet', label: 'Flows to the internet', detail: 'Outbound flows to public addresses outside Azure (ExternalPublic)', needs: [], flowRows: true },
  { id: 'portUsers', label: "A port's users", detail: 'Who talks to a destination port, with flow and byte counts', needs: ['port'], flowRows: false },
  { id: 'timeChart', label: 'Flows over time', detail: 'Allowed and denied flows per hour (a time chart)', needs: [], flowRows: false },
];

/** The largest time range offered (90 days): longer ranges go beyond a workspace's default retention and Log Analytics' 10-minute query limit. */
export const maxGalleryHours = 24 * 90;

/** Why a parameter is unusable, naming it; undefined when it is fine. Values go into KQL string literals, so only plain addresses, blocks and numbers pass. */
export function galleryParameterProblem(name: GalleryParameterName | 'hours', value: string | number | undefined): string | undefined {
  switch (name) {
    case 'hours':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= maxGalleryHours ? undefined : `The time range must be a whole number of hours from 1 to ${maxGalleryHours}, not '${String(value)}'.`;
    case 'port':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? undefined : `The port must be a whole number from 0 to 65535, not '${String(value)}'.`;
    case 'subnet': {
      const parsed = typeof value === 'string' ? parsePrefix(value) : undefined;
      return parsed?.kind === 'ipv4' ? undefined : `The subnet must be an IPv4 CIDR block such as 10.2.1.0/24, not '${String(value)}'.`;
    }
    case 'addressA':
    case 'addressB': {
      const which = name === 'addressA' ? 'first' : 'second';
      return typeof value === 'string' && isIpAddress(value) ? undefined : `The ${which} address must be an IP address such as 10.2.1.4, not '${String(value)}'.`;
    }
  }
}

function isIpAddress(value: string): boolean {
  const trimmed = value.trim();
  return parsePrefix(`${trimmed}/${trimmed.includes(':') ? 128 : 32}`) !== undefined && !trimmed.includes('/');
}

export class GalleryParameterError extends Error {}

function literal(value: string): string {
  return `'${value.trim()}'`;
}

/** The gallery's KQL for one table. Throws `GalleryParameterError` naming the parameter when one is missing or malformed.
 *
 *   galleryQueryText('portUsers', 'NTANetAnalytics', { hours: 24, port: 443 })
 */
export function galleryQueryText(id: GalleryQueryId, table: TrafficAnalyticsTable, parameters: GalleryParameters): string {
  const query = trafficAnalyticsGallery.find((candidate) => candidate.id === id);
  if (!query) {
    throw new GalleryParameterError(`There is no gallery query '${id}'.`);
  }
  for (const name of ['hours' as const, ...query.needs]) {
    const problem = galleryParameterProblem(name, parameters[name]);
    if (problem) {
      throw new GalleryParameterError(problem);
    }
  }
  const c = trafficAnalyticsColumns[table];
  const head = [
    `// ${query.label} (Traffic Analytics, ${table === 'NTANetAnalytics' ? 'virtual network flow logs' : 'NSG flow logs'}), last ${parameters.hours} h`,
    table,
    `| where ${c.subType} == 'FlowLog' and ${c.time} > ago(${parameters.hours}h)`,
  ];
  const denied = `${c.status} in ('D', 'Denied')`;
  const flowColumns = [c.time, c.flowStart, c.flowEnd, c.source, c.destination, c.destinationPort, c.protocol, c.direction, c.status, c.allowedIn, c.deniedIn, c.allowedOut, c.deniedOut, c.bytesSent, c.bytesReceived, c.packetsSent, c.packetsReceived, c.rule];
  const project = `| project ${flowColumns.join(', ')}`;
  const flows = `${c.allowedIn} + ${c.deniedIn} + ${c.allowedOut} + ${c.deniedOut}`;
  switch (id) {
    case 'between': {
      const a = literal(parameters.addressA ?? '');
      const b = literal(parameters.addressB ?? '');
      return [...head, `| where (${c.source} == ${a} and ${c.destination} == ${b}) or (${c.source} == ${b} and ${c.destination} == ${a})`, project, `| order by ${c.time} desc`, '| take 1000'].join('\n');
    }
    case 'deniedIntoSubnet':
      return [...head, `| where ${denied} and ipv4_is_in_range(${c.destination}, ${literal(parameters.subnet ?? '')})`, project, `| order by ${c.time} desc`, '| take 1000'].join('\n');
    case 'topTalkers':
      return [...head, `| summarize Bytes = sum(${c.bytesSent} + ${c.bytesReceived}), Flows = sum(${flows}) by ${c.source}`, '| top 10 by Bytes desc'].join('\n');
    case 'toInternet':
      return [
        ...head,
        `| where ${c.flowType} == 'ExternalPublic' and ${c.direction} in ('O', 'Outbound')`,
        `| project ${[...flowColumns.slice(0, 4), c.destinationPublicIps, ...flowColumns.slice(5)].join(', ')}`,
        `| order by ${c.time} desc`,
        '| take 1000',
      ].join('\n');
    case 'portUsers':
      return [...head, `| where ${c.destinationPort} == ${String(parameters.port)}`, `| summarize Flows = sum(${flows}), Bytes = sum(${c.bytesSent} + ${c.bytesReceived}) by ${c.source}, ${c.destination}, ${c.protocol}, ${c.status}`, '| order by Flows desc', '| take 1000'].join('\n');
    case 'timeChart':
      return [...head, `| extend Status = iff(${denied}, 'Denied', 'Allowed')`, `| summarize Flows = sum(${flows}) by bin(${c.time}, 1h), Status`, `| order by ${c.time} asc`].join('\n');
  }
}

/** Guesses the table a query reads from its first word (`NTANetAnalytics | …`); undefined for anything else. */
export function trafficAnalyticsTableOf(queryText: string): TrafficAnalyticsTable | undefined {
  const first = queryText.replace(/\/\/[^\n]*/g, '').trim().split(/[\s|]/, 1)[0];
  return trafficAnalyticsTables.find((table) => table.toLowerCase() === first?.toLowerCase());
}

/** The workspace a query document runs in: its name, `customerId` (the query API's workspace id) and ARM id. */
export interface QueryWorkspace {
  name: string;
  customerId: string;
  armId: string;
}

export interface QueryDocumentHeader {
  workspace?: QueryWorkspace;
  /** ISO 8601 duration sent as the request's timespan, e.g. `PT24H`. */
  timespan?: string;
}

const headerIntro = '// Traffic Analytics query. Run Query sends it to the workspace below, over the timespan below; edit freely.';

/** The text of a query document: the header lines Run Query reads, then the query. */
export function queryDocumentText(header: Required<QueryDocumentHeader>, query: string): string {
  return [headerIntro, `// workspace: ${header.workspace.name} ${header.workspace.customerId} ${header.workspace.armId}`, `// timespan: ${header.timespan}`, query, ''].join('\n');
}

/** Reads the `// workspace:` and `// timespan:` lines of a query document (anywhere, first one wins). */
export function readQueryDocumentHeader(text: string): QueryDocumentHeader {
  const header: QueryDocumentHeader = {};
  for (const line of text.split(/\r?\n/)) {
    const workspace = /^\s*\/\/\s*workspace:\s*(\S+)\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(\/subscriptions\/\S+)\s*$/i.exec(line);
    if (workspace && !header.workspace) {
      header.workspace = { name: workspace[1], customerId: workspace[2].toLowerCase(), armId: workspace[3] };
    }
    const timespan = /^\s*\/\/\s*timespan:\s*(P\S+)\s*$/i.exec(line);
    if (timespan && !header.timespan) {
      header.timespan = timespan[1].toUpperCase();
    }
  }
  return header;
}

/** The request timespan of a gallery time range: `PT24H`. */
export function timespanOfHours(hours: number): string {
  return `PT${hours}H`;
}
