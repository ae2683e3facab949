import { ArmError } from './armErrors';

/**
 * The api-versions the stand-in accepts: for each family the one the current SDK sends (found by
 * running @azure/arm-network 39, arm-compute 25.1.1, arm-resources 8, arm-resources-subscriptions 3,
 * arm-storage 21, arm-operationalinsights 11 and arm-resourcegraph 5 against it), which is also the
 * one every plan writes with. Only versions whose REST definitions are vendored under
 * test/fixtures/rest are accepted, since every body is checked against them; Azure accepts older
 * versions too, and a request at one of them gets the provider's unknown-version answer here
 * instead of passing unchecked.
 */
export const apiVersions = {
  /** Microsoft.Resources: resource groups and providers. */
  resources: ['2025-04-01'],
  /** Microsoft.Resources: subscriptions and tenants. */
  subscriptions: ['2022-12-01'],
  network: ['2026-01-01'],
  /** Microsoft.Compute virtual machines, extensions, availability sets, usages and VM images. */
  compute: ['2026-04-01'],
  /**
   * Microsoft.Compute Resource SKUs (`providers/Microsoft.Compute/skus`) keep their own version:
   * @azure/arm-compute 25.1.1 sends 2021-07-01 there (dist/commonjs/api/resourceSkus/operations.js).
   */
  computeSkus: ['2021-07-01'],
  /**
   * Microsoft.Authorization role assignments: 2022-04-01, the newest stable folder of
   * RoleAssignmentsCalls in Azure/azure-rest-api-specs (specification/authorization/.../stable/2022-04-01),
   * and the version @azure/arm-authorization 9.0.0 (the latest on npm, read from its packed
   * src/models/parameters.ts and operations/roleAssignments.ts, not installed here) sends for
   * RoleAssignments_Create, Get, Delete and the lists, and for RoleDefinitions_Get.
   */
  authorization: ['2022-04-01'],
  /** Microsoft.OperationalInsights workspaces. */
  operationalinsights: ['2025-07-01'],
  /** Microsoft.ResourceGraph queries. */
  resourcegraph: ['2024-04-01'],
  storage: ['2026-09-01'],
} as const;

export type ApiFamily = keyof typeof apiVersions;

const supportedLocations = 'eastus, eastus2, westus, westus2, westus3, centralus, northcentralus, southcentralus, westcentralus, canadacentral, northeurope, westeurope, uksouth, francecentral, germanywestcentral, swedencentral, switzerlandnorth, japaneast, australiaeast, southeastasia, eastasia, centralindia';

/**
 * Checks `?api-version=` the way ARM does. Microsoft.Resources answers `InvalidApiVersionParameter`;
 * a resource provider's type answers `NoRegisteredProviderFound`, naming the type and location.
 */
export function checkApiVersion(family: ApiFamily, apiVersion: string | null, resourceType: string, location: string): string {
  if (apiVersion === null || apiVersion === '') {
    throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
  const supported: readonly string[] = apiVersions[family];
  if (supported.includes(apiVersion.toLowerCase())) {
    return apiVersion;
  }
  if (family === 'resources' || family === 'subscriptions') {
    throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(',')}'.`);
  }
  throw new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${resourceType}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are '${supportedLocations}'.`,
  );
}
