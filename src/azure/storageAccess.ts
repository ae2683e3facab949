/**
 * Reading a storage account's flow logs with the user's sign-in, falling back to the account key
 * only with the user's consent:
 *
 *   const access = new StorageAccountAccess({ storageAccountId, accountName, blobEndpoint,
 *     credential, resourceManagerEndpoint, keyStore, askToUseKey });
 *   const targets = await access.run((storage) => storage.listTargets(container, signal));
 *
 * `run` uses a key the user saved earlier, else the token. When Azure refuses the token (403, the
 * role Storage Blob Data Reader is missing), it calls `askToUseKey(problem)`, which shows
 * `problem.message` and returns `'once'` (use the key for this session only), `'remember'` (also
 * keep it in the `KeyStore`, i.e. VS Code's SecretStorage) or `undefined` (the error is
 * rethrown). The key is then fetched with `listKeys` and the call retried. A saved key that Azure
 * refuses is forgotten.
 */
import type { TokenCredential } from '@azure/core-auth';
import { fetchStorageAccountKey, type KeyStore } from './storageKeys';
import { FlowLogStorage, type FlowLogStorageOptions } from './storageFlowLogs';
import { StorageProblemError } from './storageProblem';

export type KeyConsent = 'once' | 'remember' | undefined;

export interface StorageAccountAccessOptions {
  /** ARM id of the storage account (the key's name in the `KeyStore`). */
  storageAccountId: string;
  accountName: string;
  blobEndpoint: string;
  /** The signed-in user's credential: used for blob data and for `listKeys`. */
  credential: TokenCredential;
  resourceManagerEndpoint: string;
  keyStore: KeyStore;
  /** Asks the user whether to read with the account key; shows `problem.message`. */
  askToUseKey(problem: StorageProblemError): Promise<KeyConsent>;
  /** Extra CA (local stand-in and emulator). */
  ca?: string;
  retry?: FlowLogStorageOptions['retry'];
}

export class StorageAccountAccess {
  private storage: FlowLogStorage | undefined;
  private usingKey = false;

  constructor(private readonly options: StorageAccountAccessOptions) {}

  /** Whether calls currently go with the account key rather than the sign-in. */
  get isUsingAccountKey(): boolean {
    return this.usingKey;
  }

  /**
   * Runs `operation` with the current way in, switching to the account key once if the user agrees.
   * With `ask` false (tree rows), a missing role is thrown as is, for the caller to offer the key.
   */
  async run<T>(operation: (storage: FlowLogStorage) => Promise<T>, signal?: AbortSignal, ask = true): Promise<T> {
    const storage = await this.current();
    try {
      return await operation(storage);
    } catch (error) {
      if (!(error instanceof StorageProblemError)) {
        throw error;
      }
      if (error.code === 'keyRejected' && this.usingKey) {
        await this.forgetKey();
        throw error;
      }
      if (error.code !== 'missingRole' || !error.canUseAccountKey) {
        throw error;
      }
      if (!ask) {
        throw error;
      }
      const consent = await this.options.askToUseKey(error);
      if (consent === undefined) {
        throw error;
      }
      await this.switchToAccountKey(consent, signal);
      return operation(this.storage!);
    }
  }

  /** Fetches the account key with `listKeys` and reads with it from now on; `'remember'` also saves it in the `KeyStore`. */
  async switchToAccountKey(consent: 'once' | 'remember', signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const key = await fetchStorageAccountKey(this.options.credential, this.options.resourceManagerEndpoint, this.options.storageAccountId, {
      ...(signal ? { signal } : {}),
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
    });
    if (consent === 'remember') {
      await this.options.keyStore.store(this.options.storageAccountId.toLowerCase(), key);
    }
    this.useKey(key);
  }

  /** Drops a saved key (for a "Forget Account Key" command, or after Azure refused it) and goes back to the sign-in. */
  async forgetKey(): Promise<void> {
    await this.options.keyStore.delete(this.options.storageAccountId.toLowerCase());
    this.storage = undefined;
    this.usingKey = false;
  }

  private async current(): Promise<FlowLogStorage> {
    if (this.storage) {
      return this.storage;
    }
    const saved = await this.options.keyStore.get(this.options.storageAccountId.toLowerCase());
    if (saved) {
      this.useKey(saved);
    } else {
      this.storage = new FlowLogStorage(this.storageOptions({ kind: 'token', credential: this.options.credential }));
    }
    return this.storage!;
  }

  private useKey(accountKey: string): void {
    this.storage = new FlowLogStorage(this.storageOptions({ kind: 'key', accountKey }));
    this.usingKey = true;
  }

  private storageOptions(auth: FlowLogStorageOptions['auth']): FlowLogStorageOptions {
    return {
      blobEndpoint: this.options.blobEndpoint,
      accountName: this.options.accountName,
      auth,
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
      ...(this.options.retry === undefined ? {} : { retry: this.options.retry }),
    };
  }
}
