import type * as vscode from 'vscode';
import type { FlowLogBlob } from '../core/blobPath';
import { describeFlowLogBlob } from './storageItems';
import type { FlowLogStorageScope } from './storageSource';
import { treeItemFrom, type TreeNode } from './treeNode';

/** One flow-log blob (one MAC's hour); a click opens it in the flow-log viewer. */
export class FlowLogBlobNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly scope: FlowLogStorageScope,
    readonly blob: FlowLogBlob,
    /** The NIC the blob's MAC belongs to, when the tree lists it. */
    private readonly nicName?: string,
  ) {
    this.id = `${parent.id}#blob:${(blob.path.mac ?? blob.name.split('/').pop() ?? blob.name).toLowerCase()}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = treeItemFrom(this.id, describeFlowLogBlob(this.blob, this.nicName));
    item.command = { title: 'Open', command: 'trafficLens.openFlowLogBlob', arguments: [this] };
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}
