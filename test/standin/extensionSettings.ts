/**
 * The extension's settings (names without `trafficLens.`) that point it at a local stand-in: the
 * Custom cloud at the stand-in's loopback URL with the unsigned test sign-in. The stand-in checks
 * tokens as Azure's Resource Manager does, and Azurite as Azure Storage does, so the audiences are
 * Azure's; the extension allows that only for a loopback endpoint. With `logAnalyticsUrl`, Query
 * Traffic Analytics goes to the Log Analytics stand-in (logAnalytics.ts). User settings only: the
 * extension ignores these in workspace settings.
 *
 *   await config.update(name, value, vscode.ConfigurationTarget.Global) for each entry
 */
export function standInExtensionSettings(resourceManagerUrl: string, tenantId: string, logAnalyticsUrl?: string): Record<string, string> {
  return {
    ...(logAnalyticsUrl === undefined ? {} : { logAnalyticsEndpoint: logAnalyticsUrl, logAnalyticsAudience: 'https://api.loganalytics.io' }),
    cloud: 'Custom',
    authentication: 'test',
    resourceManagerEndpoint: resourceManagerUrl,
    resourceManagerAudience: 'https://management.azure.com/',
    storageAudience: 'https://storage.azure.com',
    testTenantId: tenantId,
  };
}
