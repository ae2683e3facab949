import { ArmError } from './armErrors';
import type { SubscriptionRecord } from './state';

/**
 * Where Azure offers virtual network TAP (public preview), from the overview's Supported Regions
 * section (https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview): the
 * same list the extension plans with (a unit test keeps them equal). A subscription also needs to
 * be enrolled in the preview ("ensure you've received the confirmation email that you're enrolled
 * in the preview", same page); a topology can enrol a subscription in further regions.
 */
export const tapPreviewRegions: readonly string[] = ['eastasia', 'westcentralus', 'uksouth', 'eastus', 'centralindia', 'germanywestcentral', 'centralus'];

/** The preview feature the stand-in names when a subscription is not enrolled (the name is ours). */
export const tapPreviewFeature = 'Microsoft.Network/AllowVirtualNetworkTap';

/** Refuses a TAP where the subscription cannot have one, as ARM refuses a resource type a region or subscription lacks. */
export function requireTapRegion(subscription: SubscriptionRecord, location: string): void {
  const region = location.replace(/\s+/g, '').toLowerCase();
  const enrolledElsewhere = subscription.tapPreview.extraRegions.has(region);
  if (!tapPreviewRegions.includes(region) && !enrolledElsewhere) {
    throw new ArmError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type 'Microsoft.Network/virtualNetworkTaps'. List of available regions for the resource type is '${tapPreviewRegions.join(',')}'.`,
    );
  }
  if (!subscription.tapPreview.enrolled) {
    throw new ArmError(
      400,
      'SubscriptionNotRegisteredForFeature',
      `Subscription ${subscription.subscriptionId} is not registered for feature ${tapPreviewFeature} required to carry out the requested operation.`,
    );
  }
}
