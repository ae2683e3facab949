/**
 * Where a packet capture's file is in its storage account, from `storageLocation.storagePath`
 * (`https://<account>.blob.core.windows.net/network-watcher-logs/subscriptions/…/packetcapture_10_00_00_000.cap`,
 * or path-style `https://host/<account>/<container>/…` as emulators and Azure Stack Hub serve).
 */
export interface CaptureBlobLocation {
  container: string;
  blobName: string;
}

/** Splits a storage path into container and blob name; throws a message naming the path when it is not one. */
export function captureBlobLocation(storagePath: string, accountName: string): CaptureBlobLocation {
  let url: URL;
  try {
    url = new URL(storagePath);
  } catch {
    throw new Error(`The capture's storage path "${storagePath}" is not a URL.`);
  }
  const segments = url.pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
  const pathStyle = !url.hostname.toLowerCase().startsWith(`${accountName.toLowerCase()}.`) && segments[0]?.toLowerCase() === accountName.toLowerCase();
  const rest = pathStyle ? segments.slice(1) : segments;
  if (rest.length < 2) {
    throw new Error(`The capture's storage path "${storagePath}" names no blob in storage account ${accountName}.`);
  }
  return { container: rest[0], blobName: rest.slice(1).join('/') };
}
