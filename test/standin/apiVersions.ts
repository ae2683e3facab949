import { ArmError } from './armErrors';

/**
 * The api-versions the stand-in accepts, newest first. Each list holds the version the current SDK
 * sends (found by running @azure/arm-network 39, arm-resources 8, arm-resources-subscriptions 3 and
 * arm-storage 21 against the stand-in) plus older stable versions whose shapes are the same for the
 * fields served here.
 */
export const apiVersions = {
  /** Microsoft.Resources: subscriptions, tenants, resource groups, providers. */
  resources: ['2025-04-01', '2025-03-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-07-01', '2022-12-01', '2022-09-01', '2021-04-01', '2021-01-01', '2020-01-01'],
  subscriptions: ['2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2016-06-01'],
  network: ['2026-01-01', '2025-10-01', '2025-07-01', '2025-05-01', '2025-03-01', '2024-10-01', '2024-07-01', '2024-05-01', '2024-03-01', '2024-01-01', '2023-11-01'],
  /** Microsoft.Compute virtual machines and extensions: @azure/arm-compute 25.1.1 sends 2026-04-01. */
  compute: ['2026-04-01', '2025-11-01', '2025-04-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-09-01', '2023-07-01', '2023-03-01'],
  /** Microsoft.OperationalInsights workspaces: @azure/arm-operationalinsights 11 sends 2025-07-01. */
  operationalinsights: ['2025-07-01', '2025-02-01', '2023-09-01', '2022-10-01', '2021-06-01', '2020-08-01'],
  /** Microsoft.ResourceGraph queries: @azure/arm-resourcegraph 5 sends 2024-04-01. */
  resourcegraph: ['2024-04-01', '2022-10-01', '2021-03-01', '2019-04-01'],
  storage: ['2026-09-01', '2026-06-01', '2026-04-01', '2025-08-01', '2025-06-01', '2025-01-01', '2024-01-01', '2023-05-01', '2023-01-01'],
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
