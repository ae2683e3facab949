/** The Azure clouds the extension can talk to; `Custom` takes its endpoints from settings. */
export type CloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'Custom';

/** How the extension gets tokens: VS Code's Microsoft sign-in, the Azure CLI, a service principal from the environment, or unsigned test tokens for a local stand-in. */
export type AuthenticationKind = 'vscode' | 'azureCli' | 'environment' | 'test';

export interface CloudSettings {
  cloud: CloudName;
  authentication: AuthenticationKind;
  resourceManagerEndpoint?: string;
  storageEndpointSuffix?: string;
  portalUrl?: string;
}

export interface CloudEnvironment {
  name: CloudName;
  /** `https://management.azure.com`, no trailing slash. */
  resourceManagerEndpoint: string;
  /** The scope a token for Resource Manager is asked for. */
  armScope: string;
  storageEndpointSuffix: string;
  portalUrl: string;
  /** Microsoft Entra authority for the CLI and service-principal credentials. */
  authorityHost: string;
  /** VS Code's authentication provider for this cloud. */
  authProviderId: 'microsoft' | 'microsoft-sovereign-cloud';
  /** The value `microsoft-sovereign-cloud.environment` must have for this cloud, if it is a sovereign one. */
  sovereignEnvironment?: 'ChinaCloud' | 'USGovernment';
}

const known: Record<Exclude<CloudName, 'Custom'>, CloudEnvironment> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManagerEndpoint: 'https://management.azure.com',
    armScope: 'https://management.core.windows.net//.default',
    storageEndpointSuffix: 'core.windows.net',
    portalUrl: 'https://portal.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    authProviderId: 'microsoft',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.core.chinacloudapi.cn//.default',
    storageEndpointSuffix: 'core.chinacloudapi.cn',
    portalUrl: 'https://portal.azure.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    authProviderId: 'microsoft-sovereign-cloud',
    sovereignEnvironment: 'ChinaCloud',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.core.usgovcloudapi.net//.default',
    storageEndpointSuffix: 'core.usgovcloudapi.net',
    portalUrl: 'https://portal.azure.us',
    authorityHost: 'https://login.microsoftonline.us',
    authProviderId: 'microsoft-sovereign-cloud',
    sovereignEnvironment: 'USGovernment',
  },
};

export class CloudSettingsError extends Error {}

/**
 * Resolves the endpoints for the chosen cloud. Explicit endpoint settings override the cloud's
 * defaults (that is how the local stand-in is reached); `Custom` needs a resource-manager endpoint.
 * Throws `CloudSettingsError` with a message naming the setting to fix.
 */
export function resolveCloud(settings: CloudSettings): CloudEnvironment {
  const base = settings.cloud === 'Custom' ? undefined : known[settings.cloud];
  if (settings.cloud !== 'Custom' && base === undefined) {
    throw new CloudSettingsError(`Unknown cloud '${String(settings.cloud)}' in trafficLens.cloud. Use AzureCloud, AzureChinaCloud, AzureUSGovernment or Custom.`);
  }
  const endpointSetting = settings.resourceManagerEndpoint?.trim() ?? '';
  if (settings.cloud === 'Custom' && endpointSetting === '') {
    throw new CloudSettingsError('trafficLens.cloud is Custom but trafficLens.resourceManagerEndpoint is empty. Set it to your Resource Manager URL, e.g. https://management.example.com.');
  }
  const resourceManagerEndpoint = endpointSetting === '' ? base!.resourceManagerEndpoint : normalizeEndpoint(endpointSetting, 'trafficLens.resourceManagerEndpoint');
  const suffix = settings.storageEndpointSuffix?.trim().replace(/^\./, '') ?? '';
  const portal = settings.portalUrl?.trim() ?? '';
  const fallback = base ?? known.AzureCloud;
  const environment: CloudEnvironment = {
    ...fallback,
    name: settings.cloud,
    resourceManagerEndpoint,
    storageEndpointSuffix: suffix === '' ? fallback.storageEndpointSuffix : suffix,
    portalUrl: portal === '' ? fallback.portalUrl : normalizeEndpoint(portal, 'trafficLens.portalUrl'),
  };
  if (settings.authentication === 'test' && !isLoopbackUrl(resourceManagerEndpoint)) {
    throw new CloudSettingsError(
      `Test sign-in issues unsigned tokens and only works with a local stand-in, but trafficLens.resourceManagerEndpoint is ${resourceManagerEndpoint}. Point it at https://127.0.0.1:<port> or choose another trafficLens.authentication.`,
    );
  }
  return environment;
}

function normalizeEndpoint(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CloudSettingsError(`${setting} is not a URL: '${value}'.`);
  }
  if (url.protocol !== 'https:') {
    throw new CloudSettingsError(`${setting} must use https (Azure SDKs refuse to send tokens over plain http): '${value}'.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** True for `https://127.0.0.1:…`, `https://[::1]:…` and `https://localhost:…`. */
export function isLoopbackUrl(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The portal page of a resource: `https://portal.azure.com/#@<tenant>/resource/<id>`. */
export function portalResourceUrl(portalUrl: string, resourceId: string, tenantId?: string): string {
  const tenant = tenantId ? `@${tenantId}` : '';
  return `${portalUrl.replace(/\/+$/, '')}/#${tenant}/resource${resourceId}`;
}
