/**
 * How the flow-log blob hierarchy under a flow log looks in the tree (target › day › hour › MAC
 * blob), and which container and targets belong to a flow log. Pure: no `vscode`, no Azure calls.
 */
import type { FlowLogRef, StorageAccountRef } from '../azure/networkApi';
import type { DiscoveredDay, DiscoveredTarget } from '../azure/storageFlowLogs';
import type { StorageProblemError } from '../azure/storageProblem';
import type { ArmProblem } from '../azure/armProblem';
import { formatMac, nsgFlowLogContainer, vnetFlowLogContainer, type FlowLogBlob, type HourGroup } from '../core/blobPath';
import { formatBytes, plural } from '../core/quantities';
import { escapeMarkdown, type ItemDescription } from './treeItems';

/** The container a flow log writes to: NSG flow logs (target is an NSG) or VNet flow logs (anything else). */
export function flowLogContainer(flowLog: Pick<FlowLogRef, 'targetId'>): string {
  return /\/providers\/microsoft\.network\/networksecuritygroups\//i.test(flowLog.targetId) ? nsgFlowLogContainer : vnetFlowLogContainer;
}

/**
 * True when a target found by listing holds this flow log's blobs. NSG: the path's NSG id is the
 * flow log's target. VNet: same subscription, the watcher's region, and the flow log's name (or
 * the portal's `{NAME}-{RG}-FLOWLOGS` spelling, or a full flow-log id).
 */
export function isTargetOfFlowLog(target: DiscoveredTarget, flowLog: Pick<FlowLogRef, 'id' | 'name' | 'targetId' | 'location' | 'resourceGroup'>): boolean {
  if (target.kind === 'nsg') {
    return target.pathId.toLowerCase() === flowLog.targetId.toLowerCase();
  }
  const subscription = /^\/subscriptions\/([^/]+)\//i.exec(flowLog.id)?.[1]?.toLowerCase();
  if (subscription !== undefined && target.subscriptionId !== subscription) {
    return false;
  }
  if (target.region !== undefined && target.region.toLowerCase() !== flowLog.location.replace(/\s+/g, '').toLowerCase()) {
    return false;
  }
  const name = target.name.toLowerCase();
  const wanted = flowLog.name.toLowerCase();
  return name === wanted || name === `${wanted}-${flowLog.resourceGroup.toLowerCase()}-flowlogs`;
}

/** `2024-03-01` */
export function dayLabel(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** `2024-03-01 10:00 – 2024-03-02 02:00 UTC` for the hours from `from` to the end of `to`; one day: `2024-03-01 10:00–13:00 UTC`. */
export function hourRangeLabel(from: Date, to: Date): string {
  const end = new Date(to.getTime() + 3600_000);
  const time = (date: Date): string => date.toISOString().slice(11, 16);
  return dayLabel(from) === dayLabel(to) ? `${dayLabel(from)} ${time(from)}–${time(end)} UTC` : `${dayLabel(from)} ${time(from)} – ${dayLabel(end)} ${time(end)} UTC`;
}

/** `10:00–11:00 UTC` */
export function hourLabel(time: Date): string {
  const start = time.getUTCHours();
  const pad = (hour: number): string => String(hour).padStart(2, '0');
  return `${pad(start)}:00–${pad((start + 1) % 24)}:00 UTC`;
}

export function describeStorageTarget(target: DiscoveredTarget, container: string, accountName: string): ItemDescription {
  return {
    label: target.name,
    description: `${target.kind === 'nsg' ? 'NSG flow logs' : 'VNet flow logs'} · ${accountName}`,
    tooltip: [
      `**${escapeMarkdown(target.name)}**`,
      '',
      `Storage account: ${escapeMarkdown(accountName)}  `,
      `Container: ${escapeMarkdown(container)}  `,
      `Path: ${escapeMarkdown(target.prefix)}  `,
    ].join('\n'),
    contextValue: 'flowLogTarget;canOpenTimeRange;canRefresh',
    icon: 'archive',
    collapsible: true,
  };
}

export function describeStorageDay(day: DiscoveredDay): ItemDescription {
  return {
    label: dayLabel(day.day),
    tooltip: [`**${escapeMarkdown(dayLabel(day.day))}** (UTC)`, '', `Path: ${escapeMarkdown(day.prefix)}  `].join('\n'),
    contextValue: 'flowLogDay;canOpenTimeRange;canRefresh',
    icon: 'calendar',
    collapsible: true,
  };
}

export function describeStorageHour(hour: HourGroup): ItemDescription {
  const blobs = hour.macs.flatMap((mac) => mac.blobs);
  const bytes = blobs.reduce((sum, blob) => sum + (blob.size ?? 0), 0);
  return {
    label: hourLabel(hour.time),
    description: `${plural(hour.macs.length, 'MAC')} · ${formatBytes(bytes)}`,
    tooltip: [`**${escapeMarkdown(hourLabel(hour.time))}** on ${escapeMarkdown(dayLabel(hour.time))}`, '', `${plural(blobs.length, 'blob')}, ${escapeMarkdown(formatBytes(bytes))}`].join('\n'),
    contextValue: 'flowLogHour;canOpenTimeRange',
    icon: 'clock',
    collapsible: true,
  };
}

/** A blob row: labelled by its MAC (`00-0D-3A-7A-10-01`), or its file name for 2017-era blobs without one. */
export function describeFlowLogBlob(blob: FlowLogBlob, macName?: string): ItemDescription {
  const mac = blob.path.mac === undefined ? undefined : formatMac(blob.path.mac);
  const fileName = blob.name.split('/').pop() ?? blob.name;
  const label = mac ?? fileName;
  const modified = blob.lastModified?.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    label,
    description: [macName, blob.size === undefined ? undefined : formatBytes(blob.size)].filter(Boolean).join(' · '),
    tooltip: [
      `**${escapeMarkdown(label)}**`,
      '',
      ...(macName ? [`NIC: ${escapeMarkdown(macName)}  `] : []),
      `Hour: ${escapeMarkdown(`${dayLabel(blob.path.time)} ${hourLabel(blob.path.time)}`)}  `,
      ...(blob.size === undefined ? [] : [`Size: ${escapeMarkdown(formatBytes(blob.size))}  `]),
      ...(modified === undefined ? [] : [`Last written: ${escapeMarkdown(modified)}  `]),
      `Blob: ${escapeMarkdown(blob.name)}  `,
      '',
      'Click to open in the flow-log viewer.',
    ].join('\n'),
    contextValue: 'flowLogBlob;canOpenBlob;canOpenTimeRange',
    icon: 'file',
    collapsible: false,
  };
}

/**
 * The temporary file name for downloaded flow logs, safe on every file system:
 * `fl-vnet-prod_2024-03-01T10_000D3A7A1001.json`, or with `to` an hour range
 * `fl-vnet-prod_2024-03-01T08-11.json`.
 */
export function downloadFileName(flowLogName: string, from: Date, to?: Date, mac?: string): string {
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80);
  const start = from.toISOString().slice(0, 13);
  const sameDay = to !== undefined && to.toISOString().slice(0, 10) === from.toISOString().slice(0, 10);
  const range = to === undefined || to.getTime() === from.getTime() ? start : sameDay ? `${start}-${String(to.getUTCHours()).padStart(2, '0')}` : `${start}_to_${to.toISOString().slice(0, 13)}`;
  return `${safe(flowLogName)}_${range}${mac === undefined ? '' : `_${safe(mac)}`}.json`;
}

/** Headings for failures Azure Storage gave no code for (our own codes stay in the log). */
const storageProblemHeadings: Record<StorageProblemError['code'], string> = {
  missingRole: 'Data access refused',
  keyRejected: 'Account key refused',
  listKeysDenied: 'Account keys not readable',
  containerNotFound: 'Container not found',
  blobNotFound: 'Blob not found',
  network: 'Storage account unreachable',
  other: 'Storage request failed',
};

/** A storage failure as a tree error row's tooltip shows it: Azure's code (or a heading) and the message naming the account and what to do. */
export function storageProblemRow(problem: Pick<StorageProblemError, 'code' | 'azureCode' | 'message' | 'status'>): ArmProblem {
  return {
    code: problem.azureCode ?? storageProblemHeadings[problem.code],
    message: problem.message,
    ...(problem.status === undefined ? {} : { status: problem.status }),
  };
}

/** How a storage failure shows under a tree row: its label, the problem behind it, and whether the row offers "Use Account Key…". */
export interface StorageErrorRow {
  label: string;
  problem: ArmProblem;
  offerAccountKey: boolean;
}

/**
 * The error row of a storage failure. A refused sign-in (the data role is missing) names the role
 * and the account and offers the account key; anything else shows Azure's code and the message, with Retry.
 */
export function storageErrorRow(problem: Pick<StorageProblemError, 'code' | 'azureCode' | 'message' | 'status' | 'accountName' | 'canUseAccountKey'>): StorageErrorRow {
  const row = storageProblemRow(problem);
  if (problem.code === 'missingRole' && problem.canUseAccountKey) {
    return { label: `Needs the Storage Blob Data Reader role on ${problem.accountName}`, problem: row, offerAccountKey: true };
  }
  // Azure's own code helps a search; without one the message says it all.
  const label = `${problem.azureCode === undefined ? '' : `${problem.azureCode}: `}${row.message}${row.status === undefined ? '' : ` (${row.status})`}`;
  return { label, problem: row, offerAccountKey: false };
}

/** The flow-log containers, in the order a storage account shows them. */
export const flowLogContainers: readonly string[] = [vnetFlowLogContainer, nsgFlowLogContainer];

/** "Storage accounts" under a subscription; the count once listed. */
export function describeStorageAccountsFolder(count?: number): ItemDescription {
  return {
    label: 'Storage accounts',
    ...(count === undefined ? {} : { description: String(count) }),
    tooltip: ['**Storage accounts**', '', 'Browse the flow logs stored in this subscription\'s storage accounts.', ...(count === undefined ? [] : ['', `Count: ${count}`])].join('\n'),
    contextValue: 'folder;folder-storageAccounts;canRefresh',
    icon: 'database',
    collapsible: true,
  };
}

export function describeStorageAccount(account: StorageAccountRef): ItemDescription {
  return {
    label: account.name,
    description: [account.location, account.sku].filter(Boolean).join(' · '),
    tooltip: [
      `**${escapeMarkdown(account.name)}**`,
      '',
      `Resource group: ${escapeMarkdown(account.resourceGroup)}  `,
      ...(account.location ? [`Region: ${escapeMarkdown(account.location)}  `] : []),
      ...(account.kind ? [`Kind: ${escapeMarkdown(account.kind)}  `] : []),
      ...(account.sku ? [`SKU: ${escapeMarkdown(account.sku)}  `] : []),
    ].join('\n'),
    contextValue: 'storageAccount;azureResource;canCopyId;canOpenInPortal;canViewProperties;canRefresh',
    icon: 'database',
    collapsible: true,
  };
}

export function describeFlowLogContainer(container: string, accountName: string): ItemDescription {
  const kind = container === nsgFlowLogContainer ? 'NSG flow logs' : 'VNet flow logs';
  return {
    label: container,
    description: kind,
    tooltip: [`**${escapeMarkdown(container)}**`, '', `${kind} in storage account ${escapeMarkdown(accountName)}`].join('\n'),
    contextValue: 'flowLogContainer;canRefresh',
    icon: 'folder-library',
    collapsible: true,
  };
}
