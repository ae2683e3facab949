import * as vscode from 'vscode';
import type { FlowLogRef, PacketCaptureRef } from '../azure/networkApi';
import type { WatcherContents } from '../inventory/inventoryIndex';
import type { ArmProblem } from '../azure/armProblem';
import { mapBounded } from '../azure/bounded';
import { MessageNode } from './messageNode';
import { resourceInfo, ResourceNode } from './resourceNode';
import type { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { describeFlowLog, describePacketCapture, describeWatcher, type CaptureState, type ItemDescription } from './treeItems';
import { nicNameIn, storageScopeOf, FlowLogStorageRows } from './storageNodes';
import type { TreeNode } from './treeNode';

/** A network watcher; children are its flow logs and packet captures. */
export class WatcherNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly contents: WatcherContents & { problem?: ArmProblem },
    inventory: SubscriptionInventory,
  ) {
    super(parent, contents.watcher.id, resourceInfo(contents.watcher, inventory), inventory);
  }

  protected describe(): ItemDescription {
    return describeWatcher(this.contents.watcher, this.contents.flowLogs.length, this.contents.packetCaptures.length);
  }

  override async children(signal: AbortSignal): Promise<TreeNode[]> {
    // Each capture's state is a queryStatus call, asked when the watcher is expanded (a few at a time).
    const states = await mapBounded(this.contents.packetCaptures, 4, (capture) => this.inventory.packetCaptureStatus(capture, signal));
    const rows: TreeNode[] = [
      ...(this.contents.problem ? [MessageNode.error(this, this.contents.problem)] : []),
      ...this.contents.flowLogs.map((flowLog) => new FlowLogNode(this, flowLog, this.inventory)),
      ...this.contents.packetCaptures.map((capture, index) => new PacketCaptureNode(this, capture, this.inventory, states[index])),
    ];
    return rows.length === 0 ? [MessageNode.empty(this, 'No flow logs or packet captures')] : rows;
  }

  invalidate(): void {
    this.inventory.invalidate('watchers');
  }
}

/** A flow log: target, storage, Traffic Analytics, enabled; children are its blobs in storage (target › day › hour › MAC). */
export class FlowLogNode extends ResourceNode {
  /** Undefined when the flow log names no storage account. */
  readonly storageRows: FlowLogStorageRows | undefined;

  constructor(
    parent: TreeNode,
    readonly flowLog: FlowLogRef,
    inventory: SubscriptionInventory,
    /** Set when shown under its target instead of its watcher. */
    idSuffix?: string,
  ) {
    super(parent, idSuffix === undefined ? flowLog.id : `${parent.id}#${idSuffix}:${flowLog.name.toLowerCase()}`, resourceInfo(flowLog, inventory), inventory);
    const scope = storageScopeOf(flowLog, inventory.flowLogStorage, nicNameIn(inventory));
    this.storageRows = scope === undefined ? undefined : new FlowLogStorageRows(scope);
  }

  protected describe(): ItemDescription {
    return describeFlowLog(this.flowLog);
  }

  override toTreeItem(): vscode.TreeItem {
    const item = super.toTreeItem();
    if (this.storageRows !== undefined) {
      item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    }
    return item;
  }

  override children(signal: AbortSignal): Promise<TreeNode[]> {
    return this.storageRows === undefined ? Promise.resolve([]) : this.storageRows.children(this, signal);
  }

  invalidate(): void {
    this.storageRows?.invalidate();
  }
}

export class PacketCaptureNode extends ResourceNode {
  constructor(
    parent: TreeNode,
    readonly capture: PacketCaptureRef,
    inventory: SubscriptionInventory,
    /** From queryStatus when the watcher was expanded; undefined where the API cannot ask. */
    readonly state?: CaptureState,
  ) {
    super(parent, capture.id, resourceInfo(capture, inventory), inventory);
  }

  protected describe(): ItemDescription {
    return describePacketCapture(this.capture, this.state);
  }
}
