/**
 * Regions where virtual network TAP is available (public preview), as Azure region names.
 * Source: "Virtual network TAP", Supported Regions section,
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview (ms.date 04/21/2025):
 * Asia East, US West Central, UK South, US East, India Central, Germany West Central, US Central;
 * "coming soon": Australia East, Korea Central, Canada Central. Azure refuses a TAP elsewhere, so the
 * plan does too, unless the user lists the region in `trafficLens.tap.previewRegions` (the page
 * changes as the preview grows, and enrolments can reach further than it says).
 */
export const tapSupportedRegions: readonly string[] = ['eastasia', 'westcentralus', 'uksouth', 'eastus', 'centralindia', 'germanywestcentral', 'centralus'];

/** Announced but not yet listed as available on the same page. */
export const tapComingSoonRegions: readonly string[] = ['australiaeast', 'koreacentral', 'canadacentral'];

export const tapRegionsSource = 'https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview';

/** `West Europe` → `westeurope`. */
export function normalizeRegion(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}
