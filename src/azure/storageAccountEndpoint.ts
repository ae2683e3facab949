/**
 * A storage account's blob endpoint as Resource Manager reports it (`primaryEndpoints.blob`),
 * rather than built from the name and a cloud suffix: sovereign clouds, Azure Stack Hub and local
 * emulators all advertise theirs there.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { StorageManagementClient } from '@azure/arm-storage';
import { parseStorageAccountId } from './storageKeys';
import { StorageProblemError, isStorageCancellation, storageArmProblem } from './storageProblem';

/** `https://{account}.blob.core.windows.net/` for the account with this ARM id; a `StorageProblemError` when ARM refuses or the account has no blob endpoint. */
export async function fetchBlobEndpoint(credential: TokenCredential, resourceManagerEndpoint: string, storageAccountId: string, options: { signal?: AbortSignal; ca?: string } = {}): Promise<string> {
  const { signal } = options;
  const account = parseStorageAccountId(storageAccountId);
  const client = new StorageManagementClient(credential, account.subscriptionId, {
    endpoint: resourceManagerEndpoint,
    ...(options.ca === undefined ? {} : { tlsOptions: { ca: options.ca } }),
  });
  let blob: string | undefined;
  try {
    const properties = await client.storageAccounts.getProperties(account.resourceGroup, account.accountName, signal ? { abortSignal: signal } : {});
    blob = properties.primaryEndpoints?.blob;
  } catch (error) {
    if (isStorageCancellation(error)) {
      throw error;
    }
    throw storageArmProblem(error, account.accountName, (problem) => ({
      code: 'other',
      message: problem.status === 404
        ? `Storage account ${account.accountName} (the flow log's storage) was not found in resource group ${account.resourceGroup}: it may have been deleted or moved.`
        : problem.status === 403
          ? `You may not read storage account ${account.accountName} in Resource Manager (${problem.code}): ask for Reader on the account to browse its flow logs.`
          : `Couldn't read storage account ${account.accountName} from Resource Manager: ${problem.message}`,
    }));
  }
  if (blob === undefined || blob === '') {
    throw new StorageProblemError({
      code: 'other',
      message: `Storage account ${account.accountName} has no blob endpoint (primaryEndpoints.blob): flow logs need a general-purpose or blob storage account.`,
      accountName: account.accountName,
      canUseAccountKey: false,
    });
  }
  return blob;
}

/**
 * One credential for `StorageAccountAccess`, which reads blobs and calls `listKeys` with the same
 * credential: requests for Azure Storage's scope (`https://storage.azure.com/.default`) go to
 * `storage`, everything else (Resource Manager) to `resourceManager`. Needed because our scoped
 * credentials ignore the scope an SDK asks for.
 */
export function storageOrArmCredential(storage: TokenCredential, resourceManager: TokenCredential): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const requested = Array.isArray(scopes) ? scopes : [scopes];
      const forStorage = requested.some((scope) => /^https:\/\/storage\.azure\.com\/?/i.test(scope));
      return (forStorage ? storage : resourceManager).getToken(scopes, options);
    },
  };
}

/**
 * The blob credential of a Custom cloud without `trafficLens.storageAudience`: it gets no token at
 * all, since another cloud's would go to this cloud's blob host, and fails as a missing role does,
 * so the user is offered the account key instead.
 */
export function noStorageTokenCredential(accountName: string): TokenCredential {
  return {
    getToken: () =>
      Promise.reject(
        new StorageProblemError({
          code: 'missingRole',
          message: `The Custom cloud names no audience for storage tokens (trafficLens.storageAudience), so storage account ${accountName} can be read only with its account key. Use the account key, or set trafficLens.storageAudience in your user settings to the audience your cloud documents.`,
          accountName,
          canUseAccountKey: true,
        }),
      ),
  };
}
