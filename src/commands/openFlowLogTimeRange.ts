import * as vscode from 'vscode';
import type { DiscoveredDay, DiscoveredTarget } from '../azure/storageFlowLogs';
import { isStorageCancellation } from '../azure/storageProblem';
import type { FlowLogBlob, HourGroup } from '../flowlogs/blobPath';
import { FlowLogBlobNode } from '../tree/flowLogBlobNode';
import { dayLabel, downloadFileName, formatBytes, hourLabel } from '../tree/storageItems';
import { StorageDayNode, StorageHourNode, StorageTargetNode, type FlowLogStorageScope } from '../tree/storageNodes';
import { FlowLogNode } from '../tree/watcherNode';
import type { LensCommand } from './lensCommand';
import { downloadAndOpen, type DownloadTarget } from './openFlowLogBlob';

/** Where the command starts: the row it was run on fixes the target, and maybe the day, hour and MAC. */
interface RangeStart {
  scope: FlowLogStorageScope;
  target?: StorageTargetNode;
  day?: StorageDayNode;
  hour?: Date;
  mac?: string;
}

function startOf(node: unknown): RangeStart | undefined {
  if (node instanceof FlowLogNode) {
    const scope = node.storageRows?.scope;
    return scope === undefined ? undefined : { scope };
  }
  if (node instanceof StorageTargetNode) {
    return { scope: node.scope, target: node };
  }
  if (node instanceof StorageDayNode) {
    return { scope: node.scope, target: node.parent, day: node };
  }
  if (node instanceof StorageHourNode) {
    return { scope: node.scope, target: node.parent.parent, day: node.parent, hour: node.hour.time };
  }
  if (node instanceof FlowLogBlobNode && node.parent instanceof StorageHourNode) {
    const hourNode = node.parent;
    return { scope: node.scope, target: hourNode.parent.parent, day: hourNode.parent, hour: hourNode.hour.time, ...(node.blob.path.mac === undefined ? {} : { mac: node.blob.path.mac }) };
  }
  return undefined;
}

/** Runs a listing with a spinner in the status bar; failures are logged and rethrown for the command's error message. */
async function listing<T>(scope: FlowLogStorageScope, what: string, load: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: what }, () => load(controller.signal));
  } catch (error) {
    if (!isStorageCancellation(error)) {
      scope.source.report(what, error);
    }
    throw error;
  }
}

async function pickTarget(targets: DiscoveredTarget[]): Promise<DiscoveredTarget | undefined> {
  if (targets.length <= 1) {
    return targets[0];
  }
  const picked = await vscode.window.showQuickPick(
    targets.map((target) => ({ label: target.name, description: target.kind === 'nsg' ? 'NSG' : 'VNet flow log', detail: target.prefix, target })),
    { title: 'Open Time Range: target', placeHolder: 'Which target’s flow logs?' },
  );
  return picked?.target;
}

async function pickDay(days: DiscoveredDay[]): Promise<DiscoveredDay | undefined> {
  const picked = await vscode.window.showQuickPick(
    days.map((day) => ({ label: dayLabel(day.day), description: 'UTC', day })),
    { title: 'Open Time Range: day', placeHolder: 'Which day (newest first)?' },
  );
  return picked?.day;
}

function blobsOf(hour: HourGroup, mac: string | undefined): FlowLogBlob[] {
  return hour.macs.filter((group) => mac === undefined || group.mac === mac).flatMap((group) => group.blobs);
}

async function pickHours(hours: HourGroup[], preselected: Date | undefined, mac: string | undefined): Promise<HourGroup[] | undefined> {
  const items = hours
    .filter((hour) => blobsOf(hour, mac).length > 0)
    .map((hour) => {
      const blobs = blobsOf(hour, mac);
      const bytes = blobs.reduce((sum, blob) => sum + (blob.size ?? 0), 0);
      return {
        label: hourLabel(hour.time),
        description: `${mac === undefined ? `${hour.macs.length} MAC${hour.macs.length === 1 ? '' : 's'} · ` : ''}${formatBytes(bytes)}`,
        picked: preselected === undefined || hour.time.getTime() === preselected.getTime(),
        hour,
      };
    });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No flow-log blobs on that day.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `Open Time Range: hours${mac === undefined ? '' : ` (MAC ${mac})`}`,
    placeHolder: 'Hours to decode together',
    canPickMany: true,
  });
  return picked === undefined || picked.length === 0 ? undefined : picked.map((item) => item.hour);
}

/**
 * "Open Time Range…" on a flow log, a target, a day, an hour or a blob row: picks the target and
 * day when the row does not fix them, then the hours (several at once), downloads their blobs (of
 * one MAC when run on a blob) into one file and opens it in the viewer.
 */
export function openFlowLogTimeRangeCommand(target: DownloadTarget): LensCommand {
  return {
    id: 'trafficLens.openFlowLogTimeRange',
    async run(node?: unknown): Promise<vscode.Uri | undefined> {
      const start = startOf(node);
      if (start === undefined) {
        void vscode.window.showInformationMessage('Run "Open Time Range…" on a flow log with a storage account, or on one of its days or blobs, in the Azure Traffic Lens view.');
        return undefined;
      }
      const { scope } = start;
      let targetNode = start.target;
      if (targetNode === undefined) {
        const flowLogNode = node as FlowLogNode;
        const targets = await listing(scope, `Listing the flow logs of ${scope.name}`, (signal) => flowLogNode.storageRows!.targets(signal));
        if (targets.length === 0) {
          void vscode.window.showInformationMessage(`No blobs from ${scope.name} in ${scope.accountName}/${scope.container} yet.`);
          return undefined;
        }
        const picked = await pickTarget(targets);
        if (picked === undefined) {
          return undefined;
        }
        targetNode = new StorageTargetNode(flowLogNode, scope, picked);
      }
      let dayNode = start.day;
      if (dayNode === undefined) {
        const owner = targetNode;
        const days = await listing(scope, `Listing the days of ${owner.target.name}`, (signal) => owner.listDays(signal));
        if (days.length === 0) {
          void vscode.window.showInformationMessage(`No days with flow logs for ${owner.target.name} in ${scope.accountName}.`);
          return undefined;
        }
        const day = await pickDay(days);
        if (day === undefined) {
          return undefined;
        }
        dayNode = new StorageDayNode(owner, day);
      }
      const chosenDay = dayNode;
      const hours = await listing(scope, `Listing the flow logs of ${dayLabel(chosenDay.day.day)}`, (signal) => chosenDay.listHours(signal));
      const chosen = await pickHours(hours, start.hour, start.mac);
      if (chosen === undefined) {
        return undefined;
      }
      const blobs = chosen.flatMap((hour) => blobsOf(hour, start.mac)).sort((a, b) => a.path.time.getTime() - b.path.time.getTime() || (a.path.mac ?? '').localeCompare(b.path.mac ?? ''));
      const times = chosen.map((hour) => hour.time.getTime());
      const from = new Date(Math.min(...times));
      const to = new Date(Math.max(...times));
      const what = `flow log ${scope.name} (${dayLabel(from)} ${hourLabel(from).slice(0, 5)}–${hourLabel(to).slice(6, 11)} UTC, ${blobs.length} blob${blobs.length === 1 ? '' : 's'})`;
      return downloadAndOpen(target, scope, what, downloadFileName(scope.name, from, to, start.mac), (storage, path, options) =>
        storage.downloadTimeRange(scope.container, blobs, path, options),
      );
    },
  };
}
