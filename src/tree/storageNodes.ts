import type * as vscode from 'vscode';
import type { FlowLogRef } from '../azure/networkApi';
import type { StorageAccountAccess } from '../azure/storageAccess';
import type { DiscoveredDay, DiscoveredTarget } from '../azure/storageFlowLogs';
import { parseStorageAccountId } from '../azure/storageKeys';
import { StorageProblemError, isStorageCancellation } from '../azure/storageProblem';
import type { DayGroup, HourGroup } from '../flowlogs/blobPath';
import { FlowLogBlobNode } from './flowLogBlobNode';
import { MessageNode } from './messageNode';
import { describeStorageDay, describeStorageHour, describeStorageTarget, flowLogContainer, isTargetOfFlowLog, storageProblemRow } from './storageItems';
import type { FlowLogStorageSource } from './storageSource';
import { treeItemFrom, type TreeNode } from './treeNode';

/** What every row under a flow log shares: the flow log, the container its blobs are in, and the way into its storage account. */
export interface FlowLogStorageScope {
  flowLog: FlowLogRef;
  container: string;
  accountName: string;
  source: FlowLogStorageSource;
}

export function storageScopeOf(flowLog: FlowLogRef, source: FlowLogStorageSource | undefined): FlowLogStorageScope | undefined {
  if (source === undefined || !flowLog.storageArmId) {
    return undefined;
  }
  let accountName: string;
  try {
    accountName = parseStorageAccountId(flowLog.storageArmId).accountName;
  } catch {
    return undefined;
  }
  return { flowLog, container: flowLogContainer(flowLog), accountName, source };
}

/** Runs a storage call through the flow log's account access. */
export async function withStorage<T>(scope: FlowLogStorageScope, signal: AbortSignal | undefined, operation: (access: StorageAccountAccess) => Promise<T>): Promise<T> {
  const access = await scope.source.access(scope.flowLog.storageArmId, signal);
  return operation(access);
}

/**
 * Loads a level once (cached until `invalidate`) and turns failures into rows: a cancel becomes
 * "Loading cancelled" with Retry, a storage failure an error row with its message and Retry.
 */
class LevelCache<T> {
  private loaded: Promise<T> | undefined;

  async rows(node: TreeNode, scope: FlowLogStorageScope, what: string, signal: AbortSignal, load: (signal: AbortSignal) => Promise<T>, toRows: (value: T) => TreeNode[]): Promise<TreeNode[]> {
    this.loaded ??= load(signal);
    try {
      return toRows(await this.loaded);
    } catch (error) {
      this.loaded = undefined;
      if (isStorageCancellation(error)) {
        return [MessageNode.cancelled(node)];
      }
      scope.source.report(what, error);
      const problem = error instanceof StorageProblemError
        ? storageProblemRow(error)
        : { code: 'StorageError', message: `Couldn't ${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
      return [MessageNode.error(node, problem)];
    }
  }

  clear(): void {
    this.loaded = undefined;
  }
}

/** The rows under a flow log: the targets in its storage account that hold its blobs (found by listing the container). */
export class FlowLogStorageRows {
  private readonly cache = new LevelCache<DiscoveredTarget[]>();

  constructor(readonly scope: FlowLogStorageScope) {}

  children(parent: TreeNode, signal: AbortSignal): Promise<TreeNode[]> {
    const { scope } = this;
    return this.cache.rows(
      parent,
      scope,
      `list the flow logs of ${scope.flowLog.name} in ${scope.accountName}/${scope.container}`,
      signal,
      (loadSignal) => withStorage(scope, loadSignal, (access) => access.run((storage) => storage.listTargets(scope.container, loadSignal), loadSignal)),
      (targets) => {
        const mine = targets.filter((target) => isTargetOfFlowLog(target, scope.flowLog));
        return mine.length === 0
          ? [MessageNode.empty(parent, `No blobs from ${scope.flowLog.name} in ${scope.accountName}/${scope.container} yet`)]
          : mine.map((target) => new StorageTargetNode(parent, scope, target));
      },
    );
  }

  /** The targets of this flow log (for "Open Time Range…" on the flow log row). */
  async targets(signal: AbortSignal): Promise<DiscoveredTarget[]> {
    const { scope } = this;
    const targets = await withStorage(scope, signal, (access) => access.run((storage) => storage.listTargets(scope.container, signal), signal));
    return targets.filter((target) => isTargetOfFlowLog(target, scope.flowLog));
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/** A target (NSG or VNet flow log) as written in the blob paths; children are its days, newest first. */
export class StorageTargetNode implements TreeNode {
  readonly id: string;
  private readonly cache = new LevelCache<DiscoveredDay[]>();

  constructor(
    readonly parent: TreeNode,
    readonly scope: FlowLogStorageScope,
    readonly target: DiscoveredTarget,
  ) {
    this.id = `${parent.id}#target:${target.prefix.toLowerCase()}`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeStorageTarget(this.target, this.scope.container, this.scope.accountName));
  }

  /** Days with logs, newest first (three listings: years, months, days). */
  listDays(signal: AbortSignal): Promise<DiscoveredDay[]> {
    return withStorage(this.scope, signal, (access) => access.run((storage) => storage.listDays(this.scope.container, this.target.prefix, signal), signal));
  }

  children(signal: AbortSignal): Promise<TreeNode[]> {
    return this.cache.rows(this, this.scope, `list the days of ${this.target.name} in ${this.scope.accountName}/${this.scope.container}`, signal, (loadSignal) => this.listDays(loadSignal), (days) =>
      days.length === 0 ? [MessageNode.empty(this, 'No days with flow logs')] : days.map((day) => new StorageDayNode(this, day)),
    );
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/** A UTC day; children are its hours (newest first), from one flat listing of the day. */
export class StorageDayNode implements TreeNode {
  readonly id: string;
  readonly scope: FlowLogStorageScope;
  private readonly cache = new LevelCache<DayGroup | undefined>();

  constructor(
    readonly parent: StorageTargetNode,
    readonly day: DiscoveredDay,
  ) {
    this.scope = parent.scope;
    this.id = `${parent.id}#day:${day.day.toISOString().slice(0, 10)}`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeStorageDay(this.day));
  }

  /** The day's hours › MACs › blobs. */
  listHours(signal: AbortSignal): Promise<HourGroup[]> {
    return withStorage(this.scope, signal, (access) => access.run((storage) => storage.listDay(this.scope.container, this.day.prefix, signal), signal)).then((group) => group?.hours ?? []);
  }

  children(signal: AbortSignal): Promise<TreeNode[]> {
    return this.cache.rows(
      this,
      this.scope,
      `list the flow logs of ${this.parent.target.name} on ${this.day.day.toISOString().slice(0, 10)} in ${this.scope.accountName}`,
      signal,
      (loadSignal) => withStorage(this.scope, loadSignal, (access) => access.run((storage) => storage.listDay(this.scope.container, this.day.prefix, loadSignal), loadSignal)),
      (group) => (group === undefined || group.hours.length === 0 ? [MessageNode.empty(this, 'No flow-log blobs on this day')] : group.hours.map((hour) => new StorageHourNode(this, hour))),
    );
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/** An hour; children are its blobs, one per MAC. */
export class StorageHourNode implements TreeNode {
  readonly id: string;
  readonly scope: FlowLogStorageScope;

  constructor(
    readonly parent: StorageDayNode,
    readonly hour: HourGroup,
  ) {
    this.scope = parent.scope;
    this.id = `${parent.id}#hour:${String(hour.time.getUTCHours()).padStart(2, '0')}`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeStorageHour(this.hour));
  }

  async children(): Promise<TreeNode[]> {
    const blobs = this.hour.macs.flatMap((mac) => mac.blobs);
    return blobs.length === 0 ? [MessageNode.empty(this, 'No blobs in this hour')] : blobs.map((blob) => new FlowLogBlobNode(this, this.scope, blob));
  }
}
