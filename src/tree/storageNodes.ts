import type * as vscode from 'vscode';
import { toArmProblem } from '../azure/armProblem';
import type { FlowLogRef, StorageAccountRef } from '../azure/networkApi';
import type { StorageAccountAccess } from '../azure/storageAccess';
import type { DiscoveredDay, DiscoveredTarget } from '../azure/storageFlowLogs';
import { parseStorageAccountId } from '../azure/storageKeys';
import { StorageProblemError, isStorageCancellation } from '../azure/storageProblem';
import { normalizeMac, type DayGroup, type HourGroup } from '../core/blobPath';
import { FlowLogBlobNode } from './flowLogBlobNode';
import { MessageNode } from './messageNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import {
  describeFlowLogContainer,
  describeStorageAccount,
  describeStorageAccountsFolder,
  describeStorageDay,
  describeStorageHour,
  describeStorageTarget,
  flowLogContainer,
  flowLogContainers,
  isTargetOfFlowLog,
  storageErrorRow,
} from './storageItems';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import type { ItemDescription } from './treeItems';
import type { FlowLogStorageScope, TreeStorageSource } from './storageSource';
import { treeItemFrom, type TreeNode } from './treeNode';

export type FlowLogScope = FlowLogStorageScope & { flowLog: FlowLogRef };

export function storageScopeOf(flowLog: FlowLogRef, source: TreeStorageSource | undefined, nicNameOf?: (mac: string) => string | undefined): FlowLogScope | undefined {
  if (source === undefined || !flowLog.storageArmId) {
    return undefined;
  }
  let accountName: string;
  try {
    accountName = parseStorageAccountId(flowLog.storageArmId).accountName;
  } catch {
    return undefined;
  }
  return { flowLog, name: flowLog.name, accountId: flowLog.storageArmId, container: flowLogContainer(flowLog), accountName, source, ...(nicNameOf ? { nicNameOf } : {}) };
}

/** Runs a storage call through the flow log's account access. */
export async function withStorage<T>(scope: FlowLogStorageScope, signal: AbortSignal | undefined, operation: (access: StorageAccountAccess) => Promise<T>): Promise<T> {
  const access = await scope.source.access(scope.accountId, signal);
  return operation(access);
}

type LevelOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Loads a level once, behind a "Loading…" row, with its own AbortController: "Cancel Loading" on
 * that row or a refresh of the node aborts only this listing. The outcome is cached until
 * `invalidate`: a cancel shows "Loading cancelled" with Retry, a refused sign-in an error row
 * offering the account key, any other storage failure an error row with its message and Retry.
 */
export class LevelLoad<T> {
  private controller: AbortController | undefined;
  private loading: Promise<void> | undefined;
  private outcome: LevelOutcome<T> | undefined;
  /** The rows of a successful listing, made once so that child nodes (and their own listings) stay the same objects. */
  private shown: TreeNode[] | undefined;

  /** The listed value, once listed. */
  get value(): T | undefined {
    return this.outcome?.ok ? this.outcome.value : undefined;
  }

  /** The listing in flight, if any (tests wait on it). */
  get pending(): Promise<void> | undefined {
    return this.loading;
  }

  rows(node: TreeNode, source: TreeStorageSource, what: string, load: (signal: AbortSignal) => Promise<T>, toRows: (value: T) => TreeNode[]): TreeNode[] {
    const outcome = this.outcome;
    if (outcome !== undefined) {
      if (outcome.ok) {
        this.shown ??= toRows(outcome.value);
        return this.shown;
      }
      return [storageFailureRow(node, outcome.error)];
    }
    if (this.loading === undefined) {
      const controller = new AbortController();
      const loading: Promise<void> = load(controller.signal)
        .then(
          (value): LevelOutcome<T> => ({ ok: true, value }),
          (error: unknown): LevelOutcome<T> => ({ ok: false, error }),
        )
        .then((settled) => {
          if (this.loading !== loading) {
            return;
          }
          this.loading = undefined;
          this.controller = undefined;
          this.outcome = settled;
          if (!settled.ok) {
            source.report(what, settled.error);
          }
          source.changed?.(node);
        });
      this.controller = controller;
      this.loading = loading;
    }
    return [MessageNode.loading(node)];
  }

  /** Aborts the listing in flight; the node then shows "Loading cancelled" with Retry. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Aborts the listing in flight and drops the cached outcome, so the next `rows()` lists again. */
  clear(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.loading = undefined;
    this.outcome = undefined;
    this.shown = undefined;
  }
}

/** The row a failed listing shows under `node`. */
/** The listing of a storage row (a flow log with storage, a target, a day), for "Cancel Loading" and for tests waiting on it. */
export function storageLevelOf(node: TreeNode | undefined): LevelLoad<unknown> | undefined {
  const load = (node as { load?: unknown } | undefined)?.load ?? (node as { storageRows?: { load?: unknown } } | undefined)?.storageRows?.load;
  return load instanceof LevelLoad ? (load as LevelLoad<unknown>) : undefined;
}

/** The storage account behind a row (a flow log with storage, a storage account, or a row under one), if it has one. */
export function storageScopeOfRow(node: TreeNode): Pick<FlowLogStorageScope, 'source' | 'accountId' | 'accountName'> | undefined {
  if (node instanceof StorageTargetNode || node instanceof StorageDayNode || node instanceof StorageHourNode || node instanceof StorageContainerNode || node instanceof StorageAccountNode) {
    return node.scope;
  }
  const rows = (node as { storageRows?: unknown }).storageRows;
  return rows instanceof FlowLogStorageRows ? rows.scope : undefined;
}

export function storageFailureRow(node: TreeNode, error: unknown): TreeNode {
  if (isStorageCancellation(error)) {
    return MessageNode.cancelled(node);
  }
  if (error instanceof StorageProblemError) {
    const row = storageErrorRow(error);
    return row.offerAccountKey
      ? MessageNode.errorWithAction(node, row.label, row.problem, { title: 'Use Account Key…', command: 'trafficLens.useAccountKey', arguments: [node] }, 'canUseAccountKey')
      : MessageNode.error(node, row.problem, row.label);
  }
  return MessageNode.error(node, toArmProblem(error));
}

/** The rows under a flow log: the targets in its storage account that hold its blobs (found by listing the container). */
export class FlowLogStorageRows {
  readonly load = new LevelLoad<DiscoveredTarget[]>();

  constructor(readonly scope: FlowLogScope) {}

  /** The signal is not used: the listing has its own, cancelled by "Cancel Loading" on its row or a refresh. */
  async children(parent: TreeNode, _signal?: AbortSignal): Promise<TreeNode[]> {
    const { scope } = this;
    return this.load.rows(
      parent,
      scope.source,
      `list the flow logs of ${scope.flowLog.name} in ${scope.accountName}/${scope.container}`,
      (loadSignal) => withStorage(scope, loadSignal, (access) => access.run((storage) => storage.listTargets(scope.container, loadSignal), loadSignal, false)),
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
    this.load.clear();
  }
}

/** A target (NSG or VNet flow log) as written in the blob paths; children are its days, newest first. */
export class StorageTargetNode implements TreeNode {
  readonly id: string;
  readonly load = new LevelLoad<DiscoveredDay[]>();

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
  listDays(signal: AbortSignal, askToUseKey = true): Promise<DiscoveredDay[]> {
    return withStorage(this.scope, signal, (access) => access.run((storage) => storage.listDays(this.scope.container, this.target.prefix, signal), signal, askToUseKey));
  }

  async children(): Promise<TreeNode[]> {
    return this.load.rows(this, this.scope.source, `list the days of ${this.target.name} in ${this.scope.accountName}/${this.scope.container}`, (loadSignal) => this.listDays(loadSignal, false), (days) =>
      days.length === 0 ? [MessageNode.empty(this, 'No days with flow logs')] : days.map((day) => new StorageDayNode(this, day)),
    );
  }

  invalidate(): void {
    this.load.clear();
  }
}

/** A UTC day; children are its hours (newest first), from one flat listing of the day. */
export class StorageDayNode implements TreeNode {
  readonly id: string;
  readonly scope: FlowLogStorageScope;
  readonly load = new LevelLoad<DayGroup | undefined>();

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

  async children(): Promise<TreeNode[]> {
    return this.load.rows(
      this,
      this.scope.source,
      `list the flow logs of ${this.parent.target.name} on ${this.day.day.toISOString().slice(0, 10)} in ${this.scope.accountName}`,
      (loadSignal) => withStorage(this.scope, loadSignal, (access) => access.run((storage) => storage.listDay(this.scope.container, this.day.prefix, loadSignal), loadSignal, false)),
      (group) => (group === undefined || group.hours.length === 0 ? [MessageNode.empty(this, 'No flow-log blobs on this day')] : group.hours.map((hour) => new StorageHourNode(this, hour))),
    );
  }

  invalidate(): void {
    this.load.clear();
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
    return blobs.length === 0 ? [MessageNode.empty(this, 'No blobs in this hour')] : blobs.map((blob) => new FlowLogBlobNode(this, this.scope, blob, blob.path.mac === undefined ? undefined : this.scope.nicNameOf?.(blob.path.mac)));
  }
}

/** "Storage accounts" under a subscription: the accounts from one subscription-wide list call. */
export class StorageAccountsFolderNode implements TreeNode {
  readonly id: string;
  readonly load = new LevelLoad<StorageAccountRef[]>();

  constructor(
    readonly parent: TreeNode,
    private readonly inventory: SubscriptionInventory,
    private readonly source: TreeStorageSource,
  ) {
    this.id = `${parent.id}#storageAccounts`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeStorageAccountsFolder(this.load.value?.length));
  }

  async children(): Promise<TreeNode[]> {
    const { subscription } = this.inventory;
    return this.load.rows(
      this,
      this.source,
      `list the storage accounts of subscription ${subscription.displayName} (${subscription.subscriptionId})`,
      (signal) => this.inventory.listStorageAccounts(signal),
      (accounts) =>
        accounts.length === 0
          ? [MessageNode.empty(this, 'No storage accounts in this subscription')]
          : accounts.map((account) => new StorageAccountNode(this, account, this.inventory, this.source)),
    );
  }

  invalidate(): void {
    this.load.clear();
  }
}

/** A storage account; children are the flow-log containers it has. */
export class StorageAccountNode extends ResourceNode {
  readonly load = new LevelLoad<string[]>();
  readonly scope: Pick<FlowLogStorageScope, 'source' | 'accountId' | 'accountName' | 'nicNameOf'>;

  constructor(
    parent: TreeNode,
    readonly account: StorageAccountRef,
    inventory: SubscriptionInventory,
    source: TreeStorageSource,
  ) {
    super(parent, account.id, resourceInfo(account, inventory), inventory);
    this.scope = { source, accountId: account.armId, accountName: account.name, nicNameOf: nicNameIn(inventory) };
  }

  protected describe(): ItemDescription {
    return describeStorageAccount(this.account);
  }

  /** The flow-log containers present in the account (a missing container is not an error). */
  private async listContainers(signal: AbortSignal): Promise<string[]> {
    const access = await this.scope.source.access(this.scope.accountId, signal);
    const present = await Promise.all(
      flowLogContainers.map(async (container) => {
        try {
          await access.run((storage) => storage.listFlowLogBlobs(container, undefined, signal), signal, false);
          return true;
        } catch (error) {
          if (error instanceof StorageProblemError && error.code === 'containerNotFound') {
            return false;
          }
          throw error;
        }
      }),
    );
    return flowLogContainers.filter((_, index) => present[index]);
  }

  override async children(): Promise<TreeNode[]> {
    return this.load.rows(
      this,
      this.scope.source,
      `list the flow-log containers of storage account ${this.account.name}`,
      (signal) => this.listContainers(signal),
      (containers) =>
        containers.length === 0
          ? [MessageNode.empty(this, `No flow-log containers in ${this.account.name}`)]
          : containers.map((container) => new StorageContainerNode(this, { ...this.scope, container, name: this.account.name })),
    );
  }

  invalidate(): void {
    this.load.clear();
  }
}

/** A flow-log container of a storage account; children are the targets with logs in it (found by listing). */
export class StorageContainerNode implements TreeNode {
  readonly id: string;
  readonly load = new LevelLoad<DiscoveredTarget[]>();

  constructor(
    readonly parent: StorageAccountNode,
    readonly scope: FlowLogStorageScope,
  ) {
    this.id = `${parent.id}#container:${scope.container}`;
  }

  toTreeItem(): vscode.TreeItem {
    return treeItemFrom(this.id, describeFlowLogContainer(this.scope.container, this.scope.accountName));
  }

  async children(): Promise<TreeNode[]> {
    const { scope } = this;
    return this.load.rows(
      this,
      scope.source,
      `list the flow logs in ${scope.accountName}/${scope.container}`,
      (signal) => withStorage(scope, signal, (access) => access.run((storage) => storage.listTargets(scope.container, signal), signal, false)),
      (targets) =>
        targets.length === 0
          ? [MessageNode.empty(this, `No flow logs in ${scope.accountName}/${scope.container} yet`)]
          : targets.map((target) => new StorageTargetNode(this, { ...scope, name: target.name }, target)),
    );
  }

  invalidate(): void {
    this.load.clear();
  }
}

/** Looks a blob's MAC up among the subscription's listed NICs. */
export function nicNameIn(inventory: SubscriptionInventory): (mac: string) => string | undefined {
  return (mac) => {
    const key = normalizeMac(mac);
    return key === undefined ? undefined : inventory.index().nicsByMac.get(key)?.name;
  };
}
