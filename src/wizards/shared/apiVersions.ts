/**
 * The api-versions every plan's requests carry (and the CLI script and Bicep files made from a
 * plan state): for each resource type the version the extension also reads it with, i.e. the one
 * the bundled SDK sends (@azure/arm-network 39, @azure/arm-compute 25.1.1, @azure/arm-storage 21,
 * @azure/arm-resources 8). One version per type for reading and writing, so a read-modify-write
 * never echoes a field read at one version into a write at another that lacks it; the typed SDK
 * calls a plan makes (VM deallocate/start, packet-capture stop, provider registration) send these
 * same versions. The contract test checks both against what reaches the stand-in.
 */

/** Microsoft.Network: TAPs, tap configurations, peerings, watchers, flow logs, packet captures. */
export const networkApiVersion = '2026-01-01';
/** Microsoft.Compute: VM deallocate/start and VM extensions. */
export const computeApiVersion = '2026-04-01';
/** Microsoft.Resources: resource groups and provider registrations. */
export const resourcesApiVersion = '2025-04-01';
/** Microsoft.Storage: storage accounts. */
export const storageApiVersion = '2026-09-01';
/**
 * Microsoft.Authorization: role assignments, the version of RoleAssignments_Create in the newest
 * stable folder of the REST specification, which @azure/arm-authorization 9 also sends.
 */
export const authorizationApiVersion = '2022-04-01';
