/**
 * The account-key fallback for reading flow logs when the signed-in user has no data-plane role:
 * `fetchStorageAccountKey` asks Resource Manager for the keys (`storageAccounts.listKeys`), and a
 * `KeyStore` keeps a key only if the user agreed. The extension implements `KeyStore` with
 * `context.secrets` (VS Code's SecretStorage), so this module stays free of `vscode`:
 *
 *   const store: KeyStore = {
 *     get: (id) => context.secrets.get(accountKeySecretName(id)),
 *     store: (id, key) => context.secrets.store(accountKeySecretName(id), key),
 *     delete: (id) => context.secrets.delete(accountKeySecretName(id)),
 *   };
 *
 * Keys are never logged and never part of an error message.
 */
import type { TokenCredential } from '@azure/core-auth';
import { StorageManagementClient } from '@azure/arm-storage';
import { StorageProblemError, isStorageCancellation, storageArmProblem } from './storageProblem';

/** Secret storage for account keys, keyed by the storage account's ARM id (lower-cased). */
export interface KeyStore {
  get(storageAccountId: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(storageAccountId: string, key: string): Thenable<void> | Promise<void>;
  delete(storageAccountId: string): Thenable<void> | Promise<void>;
}

/** Structural `Thenable` (VS Code's SecretStorage returns these), without importing `vscode`. */
interface Thenable<T> {
  then<R>(onfulfilled?: (value: T) => R | Thenable<R>, onrejected?: (reason: unknown) => R | Thenable<R>): Thenable<R>;
}

/** The SecretStorage key for an account: `trafficLens.storageKey:/subscriptions/…/storageaccounts/name`. */
export function accountKeySecretName(storageAccountId: string): string {
  return `trafficLens.storageKey:${storageAccountId.toLowerCase()}`;
}

export interface StorageAccountRef {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
}

/** `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}` → its parts; throws on anything else. */
export function parseStorageAccountId(storageAccountId: string): StorageAccountRef {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)\/?$/i.exec(storageAccountId);
  if (!match) {
    throw new Error(`'${storageAccountId}' is not a storage account id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/…).`);
  }
  return { subscriptionId: match[1], resourceGroup: match[2], accountName: match[3] };
}

export interface FetchKeyOptions {
  signal?: AbortSignal;
  /** Extra CA to trust (a local stand-in); real Azure needs none. */
  ca?: string;
}

/**
 * The first key with full permission, from `POST …/storageAccounts/{name}/listKeys`. Needs
 * `Microsoft.Storage/storageAccounts/listKeys/action` (Contributor, Storage Account Key Operator
 * Service Role); a 403 becomes a `StorageProblemError` with code `listKeysDenied`.
 */
export async function fetchStorageAccountKey(credential: TokenCredential, resourceManagerEndpoint: string, storageAccountId: string, options: FetchKeyOptions = {}): Promise<string> {
  const account = parseStorageAccountId(storageAccountId);
  const client = new StorageManagementClient(credential, account.subscriptionId, {
    endpoint: resourceManagerEndpoint,
    ...(options.ca === undefined ? {} : { tlsOptions: { ca: options.ca } }),
  });
  let keys: { keyName?: string; value?: string; permissions?: string }[];
  try {
    const result = await client.storageAccounts.listKeys(account.resourceGroup, account.accountName, options.signal ? { abortSignal: options.signal } : {});
    keys = result.keys ?? [];
  } catch (error) {
    if (isStorageCancellation(error)) {
      throw error;
    }
    throw storageArmProblem(error, account.accountName, (problem) => ({
      code: problem.status === 403 ? 'listKeysDenied' : 'other',
      message: problem.status === 403
        ? `You may not read the keys of storage account ${account.accountName} (${problem.code}): that needs Microsoft.Storage/storageAccounts/listKeys/action, e.g. the Storage Account Key Operator Service Role or Contributor on the account. Ask for Storage Blob Data Reader instead to read with your sign-in.`
        : `Couldn't read the keys of storage account ${account.accountName}: ${problem.message}`,
    }));
  }
  const key = keys.find((candidate) => (candidate.permissions ?? 'Full').toLowerCase() === 'full' && candidate.value);
  if (!key?.value) {
    throw new StorageProblemError({
      code: 'other',
      message: `Storage account ${account.accountName} returned no key with full permission: shared-key access may be disabled on it (allowSharedKeyAccess). Use your sign-in with Storage Blob Data Reader instead.`,
      accountName: account.accountName,
      canUseAccountKey: false,
    });
  }
  return key.value;
}
