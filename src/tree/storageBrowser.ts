import * as vscode from 'vscode';
import type { AzureSignIn, SignedInAccount } from '../azure/azureSignIn';
import { StorageAccountAccess, type KeyConsent } from '../azure/storageAccess';
import { fetchBlobEndpoint, noStorageTokenCredential, storageOrArmCredential } from '../azure/storageAccountEndpoint';
import { accountKeySecretName, parseStorageAccountId, type KeyStore } from '../azure/storageKeys';
import { StorageProblemError, isStorageCancellation } from '../azure/storageProblem';
import type { TreeStorageSource } from './storageSource';

export const useKeyOnce = 'Use Account Key Once';
export const useAndRememberKey = 'Use and Remember Key';
export const useOnce = 'Use Once';
export const useAndRemember = 'Use and Remember';

/**
 * Storage access for the tree and the open commands: one `StorageAccountAccess` per signed-in
 * account, tenant and storage account, with account keys kept only in VS Code's SecretStorage and
 * only when the user chose "Use and Remember Key". Cleared on every sign-in change.
 */
export class FlowLogStorageBrowser implements vscode.Disposable {
  private readonly accesses = new Map<string, Promise<StorageAccountAccess>>();
  /** Lower-cased storage account id → ARM id as Azure spells it, for "Forget Storage Account Key". */
  private readonly seenAccounts = new Map<string, string>();
  private readonly keyStore: KeyStore;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly signIn: AzureSignIn,
    secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.keyStore = {
      get: async (id) => secrets.get(accountKeySecretName(id)),
      store: async (id, key) => secrets.store(accountKeySecretName(id), key),
      delete: async (id) => secrets.delete(accountKeySecretName(id)),
    };
    this.disposables.push(signIn.onDidChange(() => this.accesses.clear()));
  }

  /** The source the rows of one subscription use: the account that listed it, in the subscription's tenant. */
  sourceFor(account: SignedInAccount, tenantId: string): TreeStorageSource {
    return {
      access: (storageAccountArmId, signal) => this.access(account, tenantId, storageAccountArmId, signal),
      report: (what, error) => this.report(what, error),
      useAccountKey: (storageAccountArmId) => this.useAccountKey(account, tenantId, storageAccountArmId),
    };
  }

  /** Storage accounts whose flow logs were browsed or opened (ARM ids as Azure spells them). */
  get knownAccounts(): string[] {
    return [...this.seenAccounts.values()].sort((a, b) => a.localeCompare(b));
  }

  /**
   * Deletes a saved account key and drops open accesses to that account, so the next call goes
   * with the sign-in again. True when a key was saved.
   */
  async forgetKey(storageAccountArmId: string): Promise<boolean> {
    const id = storageAccountArmId.toLowerCase();
    const wasSaved = (await this.keyStore.get(id)) !== undefined;
    await this.keyStore.delete(id);
    for (const [key, access] of [...this.accesses]) {
      if (key.endsWith(`|${id}`)) {
        this.accesses.delete(key);
        void access.then((opened) => opened.forgetKey()).catch(() => undefined);
      }
    }
    this.log.info(wasSaved ? `Forgot the saved account key of ${parseStorageAccountId(storageAccountArmId).accountName}.` : `No account key of ${parseStorageAccountId(storageAccountArmId).accountName} was saved.`);
    return wasSaved;
  }

  report(what: string, error: unknown): void {
    if (isStorageCancellation(error)) {
      return;
    }
    const line = error instanceof StorageProblemError ? error.toLogLine() : error instanceof Error ? error.message : String(error);
    this.log.error(`${what} failed: ${line}`);
  }

  private access(account: SignedInAccount, tenantId: string, storageAccountArmId: string, signal?: AbortSignal): Promise<StorageAccountAccess> {
    const id = storageAccountArmId.toLowerCase();
    this.seenAccounts.set(id, storageAccountArmId);
    const key = `${account.id}|${tenantId}|${id}`;
    let access = this.accesses.get(key);
    if (access === undefined) {
      access = this.openAccess(account, tenantId, storageAccountArmId, signal);
      this.accesses.set(key, access);
      // A failed or cancelled lookup is asked again next time.
      access.catch(() => this.accesses.delete(key));
    }
    return access;
  }

  private async openAccess(account: SignedInAccount, tenantId: string, storageAccountArmId: string, signal?: AbortSignal): Promise<StorageAccountAccess> {
    const cloud = this.signIn.cloud();
    const armCredential = account.credentialForScope(cloud.armScope, tenantId);
    const blobEndpoint = await fetchBlobEndpoint(armCredential, cloud.resourceManagerEndpoint, storageAccountArmId, signal ? { signal } : {});
    const accountName = parseStorageAccountId(storageAccountArmId).accountName;
    this.log.info(`Storage account ${accountName}: blob endpoint ${blobEndpoint}.`);
    return new StorageAccountAccess({
      storageAccountId: storageAccountArmId,
      accountName,
      blobEndpoint,
      // Blob reads need a storage token, listKeys (the account-key fallback) an ARM one.
      credential: storageOrArmCredential(cloud.storageScope === undefined ? noStorageTokenCredential(accountName) : account.credentialForScope(cloud.storageScope, tenantId), armCredential),
      resourceManagerEndpoint: cloud.resourceManagerEndpoint,
      keyStore: this.keyStore,
      askToUseKey: (problem) => this.askToUseKey(problem),
    });
  }

  /**
   * "Use Account Key…" on a tree row whose listing Azure refused: asks Use Once / Use and Remember /
   * Cancel, then fetches the key with listKeys and reads the account with it.
   */
  private async useAccountKey(account: SignedInAccount, tenantId: string, storageAccountArmId: string): Promise<boolean> {
    const accountName = parseStorageAccountId(storageAccountArmId).accountName;
    const choice = await vscode.window.showWarningMessage(
      `Read the flow logs in storage account ${accountName} with its account key?`,
      {
        modal: true,
        detail: `Your sign-in lacks the role Storage Blob Data Reader on ${accountName}. The account key is fetched with listKeys. "Use and Remember" keeps it in VS Code's secret storage until you run "Forget Storage Account Key".`,
      },
      useOnce,
      useAndRemember,
    );
    const consent: KeyConsent = choice === useOnce ? 'once' : choice === useAndRemember ? 'remember' : undefined;
    if (consent === undefined) {
      return false;
    }
    const access = await this.access(account, tenantId, storageAccountArmId);
    try {
      await access.switchToAccountKey(consent);
    } catch (error) {
      this.report(`Fetching the account key of ${accountName}`, error);
      throw error;
    }
    this.log.info(`Storage account ${accountName}: reading with the account key${consent === 'remember' ? ' (saved in secret storage)' : ''}.`);
    return true;
  }

  private async askToUseKey(problem: StorageProblemError): Promise<KeyConsent> {
    this.log.warn(problem.toLogLine());
    const choice = await vscode.window.showWarningMessage(
      `Azure Storage refused your sign-in for account ${problem.accountName}: the role Storage Blob Data Reader is missing.`,
      {
        modal: true,
        detail: `${problem.message}\n\nThe account key is fetched with listKeys. "Use and Remember Key" keeps it in VS Code's secret storage until you run "Forget Storage Account Key".`,
      },
      useKeyOnce,
      useAndRememberKey,
    );
    return choice === useKeyOnce ? 'once' : choice === useAndRememberKey ? 'remember' : undefined;
  }

  dispose(): void {
    this.accesses.clear();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
