import type { FlowLogRef } from '../azure/networkApi';
import type { FlowLogStorageSource } from '../inventory/flowLogStorageSource';
import type { TreeNode } from './treeNode';

/** The storage source as the tree attaches it: `changed` is told which tree row's children changed. */
export type TreeStorageSource = FlowLogStorageSource<TreeNode>;

/**
 * What every row under a flow log or a storage account's container shares: the container, the
 * storage account and the way into it, and the flow log when browsed from one.
 */
export interface FlowLogStorageScope {
  /** Set when browsed from a flow log. */
  flowLog?: FlowLogRef;
  /** What the blobs are named by in messages and download file names: the flow log's name, or the target's. */
  name: string;
  /** ARM id of the storage account. */
  accountId: string;
  container: string;
  accountName: string;
  source: TreeStorageSource;
  /** The name of the NIC with this MAC (as blobs name it), when the tree lists it. */
  nicNameOf?: (mac: string) => string | undefined;
}
