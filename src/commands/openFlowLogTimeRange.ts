import * as vscode from 'vscode';
import type { DiscoveredDay, DiscoveredTarget } from '../azure/storageFlowLogs';
import { isStorageCancellation } from '../azure/storageProblem';
import type { FlowLogBlob, HourGroup } from '../core/blobPath';
import { FlowLogBlobNode } from '../tree/flowLogBlobNode';
import { formatBytes } from '../core/quantities';
import { dayLabel, downloadFileName, hourLabel, hourRangeLabel } from '../tree/storageItems';
import { StorageDayNode, StorageHourNode, StorageTargetNode } from '../tree/storageNodes';
import type { FlowLogStorageScope } from '../tree/storageSource';
import { FlowLogNode } from '../tree/watcherNode';
import { back, type WizardUi } from '../wizards/shared/wizardUi';
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

/** The target, the days and the hours are questions of the wizards' UI: quick picks, or a test script (ids `timeRange.*`). */
const title = 'Open Time Range';

async function pickTarget(ui: WizardUi, targets: DiscoveredTarget[]): Promise<DiscoveredTarget | undefined> {
  if (targets.length <= 1) {
    return targets[0];
  }
  const picked = await ui.pick({
    id: 'timeRange.target',
    title,
    placeholder: 'Which target’s flow logs?',
    items: targets.map((target) => ({ label: target.name, description: target.kind === 'nsg' ? 'NSG' : 'VNet flow log', detail: target.prefix, value: target })),
  });
  return picked === back ? undefined : picked;
}

/** Several days at once, for a range over midnight; the newest is picked to start with. */
async function pickDays(ui: WizardUi, days: DiscoveredDay[]): Promise<DiscoveredDay[] | undefined> {
  if (days.length === 1) {
    return days;
  }
  const picked = await ui.pickMany({
    id: 'timeRange.days',
    title,
    placeholder: 'Which days (UTC, newest first)? Pick two for a range over midnight.',
    items: days.map((day, index) => ({ label: dayLabel(day.day), description: 'UTC', picked: index === 0, value: day })),
    minimum: 1,
  });
  return picked === back || picked === undefined || picked.length === 0 ? undefined : picked;
}

function blobsOf(hour: HourGroup, mac: string | undefined): FlowLogBlob[] {
  return hour.macs.filter((group) => mac === undefined || group.mac === mac).flatMap((group) => group.blobs);
}

async function pickHours(ui: WizardUi, hours: HourGroup[], preselected: Date | undefined, mac: string | undefined): Promise<HourGroup[] | undefined> {
  const severalDays = new Set(hours.map((hour) => dayLabel(hour.time))).size > 1;
  const items = hours
    .filter((hour) => blobsOf(hour, mac).length > 0)
    .map((hour) => {
      const blobs = blobsOf(hour, mac);
      const bytes = blobs.reduce((sum, blob) => sum + (blob.size ?? 0), 0);
      return {
        label: severalDays ? `${dayLabel(hour.time)} ${hourLabel(hour.time)}` : hourLabel(hour.time),
        description: `${mac === undefined ? `${hour.macs.length} MAC${hour.macs.length === 1 ? '' : 's'} · ` : ''}${formatBytes(bytes)}`,
        picked: preselected === undefined || hour.time.getTime() === preselected.getTime(),
        value: hour,
      };
    });
  if (items.length === 0) {
    void vscode.window.showInformationMessage(severalDays ? 'No flow-log blobs on those days.' : 'No flow-log blobs on that day.');
    return undefined;
  }
  const picked = await ui.pickMany({
    id: 'timeRange.hours',
    title: `${title}: hours${mac === undefined ? '' : ` (MAC ${mac})`}`,
    placeholder: 'Hours to decode together',
    items,
    minimum: 1,
  });
  return picked === back || picked === undefined || picked.length === 0 ? undefined : picked;
}

/**
 * "Open Time Range…" on a flow log, a target, a day, an hour or a blob row: picks the target and
 * days (several, for a range over midnight) when the row does not fix them, then the hours (several
 * at once), downloads their blobs (of one MAC when run on a blob) into one file, oldest first, and
 * opens it in the viewer.
 */
export function openFlowLogTimeRangeCommand(target: DownloadTarget, ui: () => WizardUi): LensCommand {
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
        const picked = await pickTarget(ui(), targets);
        if (picked === undefined) {
          return undefined;
        }
        targetNode = new StorageTargetNode(flowLogNode, scope, picked);
      }
      let dayNodes = start.day === undefined ? undefined : [start.day];
      if (dayNodes === undefined) {
        const owner = targetNode;
        const days = await listing(scope, `Listing the days of ${owner.target.name}`, (signal) => owner.listDays(signal));
        if (days.length === 0) {
          void vscode.window.showInformationMessage(`No days with flow logs for ${owner.target.name} in ${scope.accountName}.`);
          return undefined;
        }
        const picked = await pickDays(ui(), days);
        if (picked === undefined) {
          return undefined;
        }
        dayNodes = picked.map((day) => new StorageDayNode(owner, day));
      }
      const chosenDays = dayNodes;
      const listed = await listing(scope, `Listing the flow logs of ${chosenDays.map((node) => dayLabel(node.day.day)).join(', ')}`, (signal) => Promise.all(chosenDays.map((node) => node.listHours(signal))));
      const hours = listed.flat().sort((a, b) => b.time.getTime() - a.time.getTime());
      const chosen = await pickHours(ui(), hours, start.hour, start.mac);
      if (chosen === undefined) {
        return undefined;
      }
      const blobs = chosen.flatMap((hour) => blobsOf(hour, start.mac)).sort((a, b) => a.path.time.getTime() - b.path.time.getTime() || (a.path.mac ?? '').localeCompare(b.path.mac ?? ''));
      const times = chosen.map((hour) => hour.time.getTime());
      const from = new Date(Math.min(...times));
      const to = new Date(Math.max(...times));
      const what = `flow log ${scope.name} (${hourRangeLabel(from, to)}, ${blobs.length} blob${blobs.length === 1 ? '' : 's'})`;
      return downloadAndOpen(target, scope, what, downloadFileName(scope.name, from, to, start.mac), (storage, path, options) =>
        storage.downloadTimeRange(scope.container, blobs, path, options),
      );
    },
  };
}
