/**
 * Flow-log blob names in Azure Storage, parsed from what a listing returns (never built).
 *
 * NSG flow logs (container `insights-logs-networksecuritygroupflowevent`):
 *   `resourceId=/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/{RG}/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/{NSG}/y=2024/m=03/d=01/h=10/m=00/macAddress=000D3A7A1001/PT1H.json`
 *   (2017-era blobs have no `macAddress=` segment).
 * VNet flow logs (container `insights-logs-flowlogflowevent`), two documented spellings of the
 * flow-log part:
 *   `flowLogResourceID=/{SUB}_{RG}/NETWORKWATCHER_{REGION}_{FLOWLOG}/y=…/PT1H.json`
 *   `flowLogResourceID=/{SUB}_{RG}/NETWORKWATCHER_{REGION}_{NAME}-{RG}-FLOWLOGS/y=…/PT1H.json` (portal doc)
 * A full flow-log ARM id after `flowLogResourceID=` is accepted too. Segment names are matched
 * without regard to case. Layouts and sources: docs/flow-log-formats.md §1.
 *
 * Browse hierarchy (what a tree shows): target (NSG or flow log) › day › hour › MAC → blob.
 * `groupFlowLogBlobs` builds it from a flat list; `classifyPrefix` tells which level a
 * hierarchical-listing prefix (`…/y=2024/`) ends at, so a caller can walk one level at a time.
 */

export type FlowLogKind = 'vnet' | 'nsg';

export const nsgFlowLogContainer = 'insights-logs-networksecuritygroupflowevent';
export const vnetFlowLogContainer = 'insights-logs-flowlogflowevent';
export const flowLogContainers: readonly string[] = [vnetFlowLogContainer, nsgFlowLogContainer];

/** How the target part of the name was written. */
export type FlowLogPathLayout = 'nsg' | 'vnet-watcher' | 'vnet-portal' | 'vnet-arm-id';

export interface FlowLogBlobPath {
  kind: FlowLogKind;
  /** The container the blob was listed in, or the one its kind lives in when none was given. */
  container: string;
  /** The whole blob name as listed. */
  name: string;
  layout: FlowLogPathLayout;
  /** The name up to and including the `/` before `y=`: the listing prefix of the target. */
  targetPrefix: string;
  /** NSG: the NSG id as written in the path (`/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/NSG`). */
  resourceId?: string;
  /** VNet: the flow-log part as written in the path (`/{SUB}_{RG}/NETWORKWATCHER_{REGION}_{NAME}`). */
  flowLogResourceId?: string;
  /** Lower-case, to match ARM ids. */
  subscriptionId: string;
  /** As written (upper-case in Azure's paths). NSG: the NSG's group; VNet: the flow log's group. */
  resourceGroup: string;
  /** VNet: the network watcher's region as written (`WESTEUROPE`). */
  region?: string;
  /** NSG name, or the flow log's name (for the portal layout, the whole `{NAME}-{RG}-FLOWLOGS`). */
  targetName: string;
  /** Start of the hour the blob covers (UTC). */
  time: Date;
  /** 12 upper-case hex digits, or undefined for blobs without a `macAddress=` segment. */
  mac?: string;
}

export type ParsedBlobName = { ok: true; path: FlowLogBlobPath } | { ok: false; reason: string };

const timePattern = /^(.*?\/)y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=(\d{2})\/(.*)$/i;
const nsgTargetPattern = /^resourceId=\/SUBSCRIPTIONS\/([^/]+)\/RESOURCEGROUPS\/([^/]+)\/PROVIDERS\/MICROSOFT\.NETWORK\/NETWORKSECURITYGROUPS\/([^/]+)\/$/i;
const vnetWatcherPattern = /^flowLogResourceID=\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([^/]+)\/NETWORKWATCHER_([^_/]+)_([^/]+)\/$/i;
const vnetArmIdPattern = /^flowLogResourceID=\/SUBSCRIPTIONS\/([^/]+)\/RESOURCEGROUPS\/([^/]+)\/PROVIDERS\/MICROSOFT\.NETWORK\/NETWORKWATCHERS\/NETWORKWATCHER_([^_/]+)\/FLOWLOGS\/([^/]+)\/$/i;
const macSegmentPattern = /^macAddress=([0-9a-f]{2}(?:[-:]?[0-9a-f]{2}){5})\/PT1H\.json$/i;
const bareBlobPattern = /^PT1H\.json$/i;

/** `00-0D-3A-7A-10-01`, `000d3a7a1001` → `000D3A7A1001`; undefined when not a MAC. */
export function normalizeMac(text: string): string | undefined {
  const compact = text.replace(/[-:]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(compact) ? compact : undefined;
}

/** The kind a container holds, or undefined for other containers (matched without regard to case). */
export function containerKind(container: string): FlowLogKind | undefined {
  const lower = container.toLowerCase();
  return lower === nsgFlowLogContainer ? 'nsg' : lower === vnetFlowLogContainer ? 'vnet' : undefined;
}

/**
 * Parses a flow-log blob name of either kind, or says why it is not one.
 * Example: `flowLogResourceID=/9C99D7C5-…_RG/NETWORKWATCHER_CENTRALINDIA_FLOWLOG/y=2024/m=05/d=02/h=13/m=00/macAddress=7C1E52F1A9C2/PT1H.json`.
 */
export function parseFlowLogBlobName(name: string, container?: string): ParsedBlobName {
  const listedKind = container === undefined ? undefined : containerKind(container);
  if (container !== undefined && listedKind === undefined) {
    return { ok: false, reason: `container '${container}' is not a flow-log container (${flowLogContainers.join(' or ')})` };
  }
  const timed = timePattern.exec(name);
  if (!timed) {
    return { ok: false, reason: 'no y=YYYY/m=MM/d=DD/h=HH/m=00/ time segments' };
  }
  const [, targetPrefix, year, month, day, hour, minute, rest] = timed;
  const time = hourStart(Number(year), Number(month), Number(day), Number(hour));
  if (!time || minute !== '00') {
    return { ok: false, reason: `time segments y=${year}/m=${month}/d=${day}/h=${hour}/m=${minute} are not a valid UTC hour` };
  }
  let mac: string | undefined;
  const macMatch = macSegmentPattern.exec(rest);
  if (macMatch) {
    mac = normalizeMac(macMatch[1]);
  } else if (!bareBlobPattern.test(rest)) {
    return { ok: false, reason: `expected macAddress={MAC}/PT1H.json or PT1H.json after the hour, found '${rest}'` };
  }
  const target = parseTarget(targetPrefix);
  if (!target.ok) {
    return target;
  }
  if (listedKind !== undefined && listedKind !== target.kind) {
    return { ok: false, reason: `a ${target.kind === 'nsg' ? 'NSG' : 'VNet'} flow-log name in the ${container} container` };
  }
  if (target.kind === 'vnet' && mac === undefined) {
    return { ok: false, reason: 'VNet flow-log blobs always have a macAddress= segment' };
  }
  return {
    ok: true,
    path: {
      ...target.fields,
      kind: target.kind,
      container: container ?? (target.kind === 'nsg' ? nsgFlowLogContainer : vnetFlowLogContainer),
      name,
      targetPrefix,
      time,
      ...(mac === undefined ? {} : { mac }),
    },
  };
}

type TargetFields = Pick<FlowLogBlobPath, 'layout' | 'resourceId' | 'flowLogResourceId' | 'subscriptionId' | 'resourceGroup' | 'region' | 'targetName'>;
type ParsedTarget = { ok: true; kind: FlowLogKind; fields: TargetFields } | { ok: false; reason: string };

/** Parses the part before `y=` (with its trailing `/`): `resourceId=/SUBSCRIPTIONS/…/NSG/`. */
export function parseTarget(targetPrefix: string): ParsedTarget {
  const nsg = nsgTargetPattern.exec(targetPrefix);
  if (nsg) {
    return {
      ok: true,
      kind: 'nsg',
      fields: {
        layout: 'nsg',
        resourceId: targetPrefix.slice('resourceId='.length, -1),
        subscriptionId: nsg[1].toLowerCase(),
        resourceGroup: nsg[2],
        targetName: nsg[3],
      },
    };
  }
  const watcher = vnetWatcherPattern.exec(targetPrefix);
  if (watcher) {
    return {
      ok: true,
      kind: 'vnet',
      fields: {
        layout: /-FLOWLOGS$/i.test(watcher[4]) ? 'vnet-portal' : 'vnet-watcher',
        flowLogResourceId: targetPrefix.slice('flowLogResourceID='.length, -1),
        subscriptionId: watcher[1].toLowerCase(),
        resourceGroup: watcher[2],
        region: watcher[3],
        targetName: watcher[4],
      },
    };
  }
  const armId = vnetArmIdPattern.exec(targetPrefix);
  if (armId) {
    return {
      ok: true,
      kind: 'vnet',
      fields: {
        layout: 'vnet-arm-id',
        flowLogResourceId: targetPrefix.slice('flowLogResourceID='.length, -1),
        subscriptionId: armId[1].toLowerCase(),
        resourceGroup: armId[2],
        region: armId[3],
        targetName: armId[4],
      },
    };
  }
  if (/^resourceId=/i.test(targetPrefix)) {
    return { ok: false, reason: `'${targetPrefix}' is not an NSG path (resourceId=/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/{NSG}/)` };
  }
  if (/^flowLogResourceID=/i.test(targetPrefix)) {
    return { ok: false, reason: `'${targetPrefix}' is not a flow-log path (flowLogResourceID=/{SUB}_{RG}/NETWORKWATCHER_{REGION}_{NAME}/)` };
  }
  return { ok: false, reason: 'the name starts with neither resourceId= (NSG flow logs) nor flowLogResourceID= (VNet flow logs)' };
}

function hourStart(year: number, month: number, day: number, hour: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) {
    return undefined;
  }
  const time = new Date(Date.UTC(year, month - 1, day, hour));
  return time.getUTCDate() === day ? time : undefined;
}

/** Which browse level a hierarchical-listing prefix ends at. */
export type PrefixLevel = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'mac' | 'other';

/**
 * Classifies a prefix returned by a listing with the `/` delimiter by its last segment:
 * `…/NSG/y=2024/` → `year`, `…/y=2024/m=03/` → `month`, `…/d=01/` → `day`, `…/h=10/` → `hour`,
 * `…/h=10/m=00/` → `minute`, `…/macAddress=…/` → `mac`, anything else → `other`.
 */
export function classifyPrefix(prefix: string): PrefixLevel {
  const segments = prefix.replace(/\/$/, '').split('/');
  const last = segments[segments.length - 1] ?? '';
  const previous = segments[segments.length - 2] ?? '';
  if (/^y=\d{4}$/i.test(last)) {
    return 'year';
  }
  if (/^m=\d{2}$/i.test(last)) {
    return /^h=\d{2}$/i.test(previous) ? 'minute' : /^y=\d{4}$/i.test(previous) ? 'month' : 'other';
  }
  if (/^d=\d{2}$/i.test(last)) {
    return 'day';
  }
  if (/^h=\d{2}$/i.test(last)) {
    return 'hour';
  }
  if (/^macAddress=/i.test(last)) {
    return 'mac';
  }
  return 'other';
}

/** The UTC day a `…/y=2024/m=03/d=01/` prefix names, or undefined. */
export function dayOfPrefix(prefix: string): Date | undefined {
  const match = /y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/$/i.exec(prefix);
  return match ? hourStart(Number(match[1]), Number(match[2]), Number(match[3]), 0) : undefined;
}

/** A blob as a listing returns it. */
export interface ListedBlob {
  name: string;
  /** Bytes. */
  size?: number;
  lastModified?: Date;
}

export interface FlowLogBlob extends ListedBlob {
  path: FlowLogBlobPath;
}

export interface MacGroup {
  /** 12 hex digits, or undefined for 2017-era blobs without a MAC segment. */
  mac: string | undefined;
  blobs: FlowLogBlob[];
}

export interface HourGroup {
  /** Start of the hour (UTC). */
  time: Date;
  macs: MacGroup[];
}

export interface DayGroup {
  /** Midnight UTC. */
  day: Date;
  hours: HourGroup[];
}

export interface TargetGroup {
  kind: FlowLogKind;
  targetPrefix: string;
  /** NSG name or flow-log name, as written in the path. */
  targetName: string;
  subscriptionId: string;
  resourceGroup: string;
  region?: string;
  /** The id as written in the path: NSG resourceId or flowLogResourceID. */
  pathId: string;
  days: DayGroup[];
}

export interface FlowLogHierarchy {
  targets: TargetGroup[];
  /** Names that are not flow-log blobs, with the reason. */
  skipped: { name: string; reason: string }[];
}

/**
 * Groups listed blobs into target › day › hour › MAC → blob. Targets are ordered by name,
 * days and hours newest first, MACs by address; the same target spelled with different case is
 * one target.
 */
export function groupFlowLogBlobs(blobs: readonly ListedBlob[], container?: string): FlowLogHierarchy {
  const targets = new Map<string, TargetGroup>();
  const skipped: { name: string; reason: string }[] = [];
  for (const blob of blobs) {
    const parsed = parseFlowLogBlobName(blob.name, container);
    if (!parsed.ok) {
      skipped.push({ name: blob.name, reason: parsed.reason });
      continue;
    }
    const path = parsed.path;
    const targetKey = path.targetPrefix.toLowerCase();
    let target = targets.get(targetKey);
    if (!target) {
      target = {
        kind: path.kind,
        targetPrefix: path.targetPrefix,
        targetName: path.targetName,
        subscriptionId: path.subscriptionId,
        resourceGroup: path.resourceGroup,
        ...(path.region === undefined ? {} : { region: path.region }),
        pathId: path.resourceId ?? path.flowLogResourceId ?? '',
        days: [],
      };
      targets.set(targetKey, target);
    }
    const dayTime = Date.UTC(path.time.getUTCFullYear(), path.time.getUTCMonth(), path.time.getUTCDate());
    let day = target.days.find((candidate) => candidate.day.getTime() === dayTime);
    if (!day) {
      day = { day: new Date(dayTime), hours: [] };
      target.days.push(day);
    }
    let hour = day.hours.find((candidate) => candidate.time.getTime() === path.time.getTime());
    if (!hour) {
      hour = { time: path.time, macs: [] };
      day.hours.push(hour);
    }
    let mac = hour.macs.find((candidate) => candidate.mac === path.mac);
    if (!mac) {
      mac = { mac: path.mac, blobs: [] };
      hour.macs.push(mac);
    }
    mac.blobs.push({ ...blob, path });
  }
  const ordered = [...targets.values()].sort((a, b) => a.targetName.localeCompare(b.targetName) || a.targetPrefix.localeCompare(b.targetPrefix));
  for (const target of ordered) {
    target.days.sort((a, b) => b.day.getTime() - a.day.getTime());
    for (const day of target.days) {
      day.hours.sort((a, b) => b.time.getTime() - a.time.getTime());
      for (const hour of day.hours) {
        hour.macs.sort((a, b) => (a.mac ?? '').localeCompare(b.mac ?? ''));
      }
    }
  }
  return { targets: ordered, skipped };
}

/** `000D3A7A1001` → `00-0D-3A-7A-10-01` (the spelling ARM uses for a NIC's MAC). */
export function formatMac(mac: string): string {
  return mac.match(/../g)?.join('-') ?? mac;
}

/**
 * A short tab title for a downloaded blob, from its path under the download folder
 * (`account/container/blob name`): `stflowlogs › 2026-12-07 01:00 › 000D3A7A1001`. Undefined when
 * the path is not one blob's (several blobs merged into one file keep their file name).
 */
export function downloadedBlobTitle(path: string): string | undefined {
  const [account, container, ...rest] = path.split('/').filter((segment) => segment !== '');
  if (account === undefined || container === undefined || rest.length === 0) {
    return undefined;
  }
  const parsed = parseFlowLogBlobName(rest.join('/'), container);
  if (!parsed.ok) {
    return undefined;
  }
  return [account, hourAndMac(parsed.path.time, parsed.path.mac)].join(' › ');
}

/** `2026-12-07 01:00 › 000D3A7A1001`, or the hour alone for a blob without a MAC. */
function hourAndMac(time: Date, mac: string | undefined): string {
  const hour = `${time.toISOString().slice(0, 10)} ${time.toISOString().slice(11, 13)}:00`;
  return [hour, ...(mac === undefined ? [] : [mac])].join(' › ');
}

const localBlobPattern = /(?:^|\/)y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=00\/(?:macAddress=([0-9a-f]{2}(?:[-:]?[0-9a-f]{2}){5})\/)?PT1H\.json$/i;

/**
 * The hour and MAC of a file on disk kept in Azure's layout (`…/y=2026/m=12/d=07/h=13/m=00/
 * macAddress=000D3A7A1001/PT1H.json`, `\` separators too): `2026-12-07 13:00 › 000D3A7A1001`, the
 * title of a downloaded blob without its account. Undefined for any other path.
 */
export function localBlobTitle(path: string): string | undefined {
  const match = localBlobPattern.exec(path.replace(/\\/g, '/'));
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour, mac] = match;
  const time = hourStart(Number(year), Number(month), Number(day), Number(hour));
  return time === undefined ? undefined : hourAndMac(time, mac === undefined ? undefined : normalizeMac(mac));
}
