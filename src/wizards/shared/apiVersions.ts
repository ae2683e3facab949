/**
 * The api-versions every plan's requests carry (and the CLI script and Bicep files made from a
 * plan): versions Azure, Bicep, the Azure CLI and the local stand-in all know.
 */

/** Microsoft.Network: TAPs, tap configurations, peerings, watchers, flow logs, packet captures. */
export const networkApiVersion = '2025-05-01';
/** Microsoft.Compute: VM deallocate/start and VM extensions. */
export const computeApiVersion = '2024-11-01';
/** Microsoft.Resources: resource groups and provider registrations. */
export const resourcesApiVersion = '2025-04-01';
/** Microsoft.Storage: storage accounts. */
export const storageApiVersion = '2025-06-01';
