import type { FlowLogRef } from '../azure/networkApi';
import type { StorageAccountAccess } from '../azure/storageAccess';
import type { TreeNode } from './treeNode';

/**
 * How tree rows reach a flow log's storage account with the sign-in that listed them: one
 * `StorageAccountAccess` per account (the user's token, or the account key once they agreed).
 */
export interface FlowLogStorageSource {
  /** Access to the storage account with this ARM id; resolves its blob endpoint through Resource Manager once. */
  access(storageAccountArmId: string, signal?: AbortSignal): Promise<StorageAccountAccess>;
  /** Writes a failure's full details (code, status, request id; never keys or tokens) to the log. */
  report(what: string, error: unknown): void;
  /** Asks whether to read this account with its key (once, or remembered) and switches to it; false when the user declined. */
  useAccountKey(storageAccountArmId: string): Promise<boolean>;
  /** Tells the tree a row's children changed (its listing finished). */
  changed?(node: TreeNode): void;
}

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
  source: FlowLogStorageSource;
  /** The name of the NIC with this MAC (as blobs name it), when the tree lists it. */
  nicNameOf?: (mac: string) => string | undefined;
}
