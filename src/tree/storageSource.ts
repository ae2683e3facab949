import type { StorageAccountAccess } from '../azure/storageAccess';

/**
 * How tree rows reach a flow log's storage account with the sign-in that listed them: one
 * `StorageAccountAccess` per account (the user's token, or the account key once they agreed).
 */
export interface FlowLogStorageSource {
  /** Access to the storage account with this ARM id; resolves its blob endpoint through Resource Manager once. */
  access(storageAccountArmId: string, signal?: AbortSignal): Promise<StorageAccountAccess>;
  /** Writes a failure's full details (code, status, request id; never keys or tokens) to the log. */
  report(what: string, error: unknown): void;
}
