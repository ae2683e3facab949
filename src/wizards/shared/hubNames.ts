/** Subscription names of a hub or security landing zone. */
export const hubWords = /\bhub\b|security|secops|\bsoc\b|connectivity|monitoring/i;

/** VNet names of a hub: hub, security, transit or core networks. */
export const hubVnetWords = /\bhub\b|security|secops|transit|\bcore\b|connectivity/i;
