import type { StorageAccountAccess } from '../azure/storageAccess';

/**
 * How rows that browse flow-log storage reach a storage account with the sign-in that listed the
 * subscription: one `StorageAccountAccess` per account (the user's token, or the account key once
 * they agreed). `Row` is the type of the rows of whoever shows the listings (the tree's nodes); the
 * inventory only keeps the source for them.
 */
export interface FlowLogStorageSource<Row = unknown> {
  /** Access to the storage account with this ARM id; resolves its blob endpoint through Resource Manager once. */
  access(storageAccountArmId: string, signal?: AbortSignal): Promise<StorageAccountAccess>;
  /** Writes a failure's full details (code, status, request id; never keys or tokens) to the log. */
  report(what: string, error: unknown): void;
  /** Asks whether to read this account with its key (once, or remembered) and switches to it; false when the user declined. */
  useAccountKey(storageAccountArmId: string): Promise<boolean>;
  /** Tells the view a row's children changed (its listing finished). */
  changed?(row: Row): void;
}
