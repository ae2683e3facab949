/**
 * Network Watcher writes flow logs and packet captures only to standard storage accounts. Microsoft
 * Learn: flow-log overviews, storage account ("The storage account must be standard. Premium storage
 * accounts aren't supported."); "Manage packet captures for virtual machines - Azure portal"
 * ("Premium storage accounts are currently not supported for storing packet captures."). The
 * FileStorage and BlockBlobStorage kinds exist only as premium accounts.
 */
export interface StorageTierFact {
  /** `StorageV2`, `Storage`, `BlobStorage`, `FileStorage`, `BlockBlobStorage`; empty when unknown. */
  kind?: string;
  /** SKU name: `Standard_LRS`, `Premium_LRS`, …; empty when unknown. */
  sku?: string;
}

/** Why the account is premium (`a premium account (Premium_LRS)`), or undefined for a standard or unknown one. */
export function premiumStorageReason(account: StorageTierFact): string | undefined {
  const kind = account.kind ?? '';
  const sku = account.sku ?? '';
  if (kind.toLowerCase() === 'filestorage' || kind.toLowerCase() === 'blockblobstorage') {
    return `a premium ${kind} account (${sku || 'Premium'})`;
  }
  if (sku.toLowerCase().startsWith('premium')) {
    return `a premium account (${sku})`;
  }
  return undefined;
}
