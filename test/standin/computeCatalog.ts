import type { JsonObject } from './state';

/**
 * What Microsoft.Compute offers one subscription: VM sizes per region (with their restrictions),
 * vCPU quotas per region and marketplace images. Topologies may declare their own; the default
 * below is what every subscription gets otherwise.
 */
export interface ComputeCatalog {
  sizes: VmSizeOffer[];
  /** vCPU limits per region (lower case); a region not listed gets `defaultQuota`. */
  quotas: Record<string, RegionQuota>;
  images: MarketplaceImage[];
}

export interface VmSizeOffer {
  name: string;
  /** e.g. `standardDSv5Family`, as Resource SKUs and usages name it. */
  family: string;
  vCPUs: number;
  memoryGB: number;
  acceleratedNetworking: boolean;
  maxNetworkInterfaces: number;
  /** Regions (lower case) that offer the size. */
  locations: string[];
  /** Regions where the size is listed but not offered to this subscription (`NotAvailableForSubscription`). */
  restrictedIn?: string[];
}

export interface RegionQuota {
  /** "Total Regional vCPUs" (usage name `cores`). */
  totalVCpus: number;
  /** Per family (`standardDSv5Family`): vCPU limit; a family not listed gets `defaultQuota.familyVCpus`. */
  families?: Record<string, number>;
}

export interface MarketplaceImage {
  publisher: string;
  offer: string;
  sku: string;
  /** Newest last. */
  versions: string[];
  osType: 'Linux' | 'Windows';
  hyperVGeneration?: 'V1' | 'V2';
}

/** Azure's default for a pay-as-you-go subscription is in this order of size. */
export const defaultQuota = { totalVCpus: 20, familyVCpus: 10 };

const regions = ['germanywestcentral', 'westeurope', 'northeurope', 'uksouth', 'eastus', 'westus'];

/** Sizes the demo offers everywhere: a D-series v5 range with accelerated networking, and B-series without. */
export function defaultComputeCatalog(): ComputeCatalog {
  const size = (name: string, family: string, vCPUs: number, memoryGB: number, acceleratedNetworking: boolean): VmSizeOffer => ({
    name, family, vCPUs, memoryGB, acceleratedNetworking, maxNetworkInterfaces: Math.max(2, Math.min(8, vCPUs)), locations: [...regions],
  });
  return {
    sizes: [
      size('Standard_B1s', 'standardBSFamily', 1, 1, false),
      size('Standard_B2s', 'standardBSFamily', 2, 4, false),
      size('Standard_D2s_v5', 'standardDSv5Family', 2, 8, true),
      size('Standard_D4s_v5', 'standardDSv5Family', 4, 16, true),
      size('Standard_D8s_v5', 'standardDSv5Family', 8, 32, true),
      size('Standard_D2as_v5', 'standardDASv5Family', 2, 8, true),
    ],
    quotas: {},
    images: [
      { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', versions: ['24.04.202409120', '24.04.202411030'], osType: 'Linux', hyperVGeneration: 'V2' },
      { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', versions: ['22.04.202410020', '22.04.202411010'], osType: 'Linux', hyperVGeneration: 'V2' },
      { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', versions: ['20348.2762.241006'], osType: 'Windows', hyperVGeneration: 'V2' },
    ],
  };
}

export function findSize(catalog: ComputeCatalog, name: string): VmSizeOffer | undefined {
  return catalog.sizes.find((size) => size.name.toLowerCase() === name.toLowerCase());
}

/** Whether `size` can be deployed in `region` by this subscription (listed there and not restricted). */
export function isOffered(size: VmSizeOffer, region: string): boolean {
  const key = region.toLowerCase();
  return size.locations.includes(key) && !(size.restrictedIn ?? []).includes(key);
}

export function quotaIn(catalog: ComputeCatalog, region: string): { totalVCpus: number; family(name: string): number } {
  const quota = catalog.quotas[region.toLowerCase()];
  return {
    totalVCpus: quota?.totalVCpus ?? defaultQuota.totalVCpus,
    family: (name: string) => {
      const families = quota?.families ?? {};
      const found = Object.entries(families).find(([family]) => family.toLowerCase() === name.toLowerCase());
      return found ? found[1] : defaultQuota.familyVCpus;
    },
  };
}

/** `Standard DSv5 Family vCPUs` from `standardDSv5Family`, as the usages API words it. */
export function familyDisplayName(family: string): string {
  const core = family.replace(/^standard/i, '').replace(/Family$/i, '');
  return `Standard ${core} Family vCPUs`;
}

/**
 * One Resource SKU entry (shape of ListAvailableResourceSkusForARegion.json, Resource SKUs
 * 2021-07-01): capabilities as strings, one `locationInfo` per region, and a `Location`
 * restriction with `NotAvailableForSubscription` where the size is not offered to the subscription.
 */
export function resourceSku(size: VmSizeOffer, region: string): JsonObject {
  const key = region.toLowerCase();
  const restricted = (size.restrictedIn ?? []).includes(key);
  return {
    resourceType: 'virtualMachines',
    locations: [key],
    capabilities: [
      { name: 'MaxResourceVolumeMB', value: '0' },
      { name: 'OSVhdSizeMB', value: '1047552' },
      { name: 'vCPUs', value: String(size.vCPUs) },
      { name: 'HyperVGenerations', value: 'V1,V2' },
      { name: 'MemoryGB', value: String(size.memoryGB) },
      { name: 'MaxDataDiskCount', value: String(Math.min(32, size.vCPUs * 4)) },
      { name: 'LowPriorityCapable', value: 'True' },
      { name: 'PremiumIO', value: 'True' },
      { name: 'vCPUsAvailable', value: String(size.vCPUs) },
      { name: 'vCPUsPerCore', value: '2' },
      { name: 'EphemeralOSDiskSupported', value: 'False' },
      { name: 'AcceleratedNetworkingEnabled', value: size.acceleratedNetworking ? 'True' : 'False' },
      { name: 'RdmaEnabled', value: 'False' },
      { name: 'MaxNetworkInterfaces', value: String(size.maxNetworkInterfaces) },
    ],
    locationInfo: [{ location: key, zones: ['1', '2', '3'] }],
    restrictions: restricted
      ? [{ type: 'Location', values: [key], restrictionInfo: { locations: [key] }, reasonCode: 'NotAvailableForSubscription' }]
      : [],
    name: size.name,
    tier: 'Standard',
    size: size.name.replace(/^Standard_/, ''),
    family: size.family,
  };
}
