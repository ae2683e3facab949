/** The Azure clouds the extension can talk to; `Custom` takes its endpoints from settings. */
export type CloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'Custom';

/** How the extension gets tokens: VS Code's Microsoft sign-in, the Azure CLI, a service principal from the environment, or unsigned test tokens for a local stand-in. */
export type AuthenticationKind = 'vscode' | 'azureCli' | 'environment' | 'test';

export interface CloudSettings {
  cloud: CloudName;
  authentication: AuthenticationKind;
  /** Custom cloud only. */
  resourceManagerEndpoint?: string;
  /** Custom cloud only: the audience of its Resource Manager tokens; empty means the endpoint's own, `https://<host>/`. */
  resourceManagerAudience?: string;
  /** Custom cloud only. */
  storageEndpointSuffix?: string;
  /** Custom cloud only: the audience of its blob tokens; empty means blobs are read with account keys only. */
  storageAudience?: string;
  /** Custom cloud only. */
  portalUrl?: string;
  /** Custom cloud only: the Log Analytics query host, e.g. `https://api.loganalytics.contoso.example`; empty means the cloud has none. */
  logAnalyticsEndpoint?: string;
  /** Custom cloud only: the audience of its Log Analytics tokens; empty means the endpoint's own origin. */
  logAnalyticsAudience?: string;
}

/**
 * The settings that decide where credentials go or which identity is used. They are
 * application-scoped in package.json and read from user settings only (`readCloudSettings`), so a
 * folder's `.vscode/settings.json` cannot point tokens at a host of its choosing.
 */
export const credentialSettings = [
  'cloud',
  'authentication',
  'resourceManagerEndpoint',
  'resourceManagerAudience',
  'storageEndpointSuffix',
  'storageAudience',
  'portalUrl',
  'logAnalyticsEndpoint',
  'logAnalyticsAudience',
  'testTenantId',
] as const;

/** The part of `vscode.WorkspaceConfiguration` the settings are read through. */
export interface SettingsInspector {
  inspect<T>(section: string): { defaultValue?: T; globalValue?: T } | undefined;
}

/**
 * A string setting from user settings, else its default: workspace and folder values (which
 * `get` would prefer) are ignored on purpose, even if VS Code passed one on despite the setting's
 * scope.
 */
export function userStringSetting(config: SettingsInspector, key: string, fallback: string): string {
  const values = config.inspect<unknown>(key);
  for (const value of [values?.globalValue, values?.defaultValue]) {
    if (typeof value === 'string') {
      return value;
    }
  }
  return fallback;
}

/** The cloud settings (and the test sign-in's tenant) from user settings only; see `userStringSetting`. */
export function readCloudSettingsFrom(config: SettingsInspector): CloudSettings & { testTenantId: string } {
  return {
    cloud: userStringSetting(config, 'cloud', 'AzureCloud') as CloudName,
    authentication: userStringSetting(config, 'authentication', 'vscode') as AuthenticationKind,
    resourceManagerEndpoint: userStringSetting(config, 'resourceManagerEndpoint', ''),
    resourceManagerAudience: userStringSetting(config, 'resourceManagerAudience', ''),
    storageEndpointSuffix: userStringSetting(config, 'storageEndpointSuffix', ''),
    storageAudience: userStringSetting(config, 'storageAudience', ''),
    portalUrl: userStringSetting(config, 'portalUrl', ''),
    logAnalyticsEndpoint: userStringSetting(config, 'logAnalyticsEndpoint', ''),
    logAnalyticsAudience: userStringSetting(config, 'logAnalyticsAudience', ''),
    testTenantId: userStringSetting(config, 'testTenantId', '').trim(),
  };
}

export interface CloudEnvironment {
  name: CloudName;
  /** `https://management.azure.com`, no trailing slash. */
  resourceManagerEndpoint: string;
  /** The scope a token for Resource Manager is asked for; a Custom cloud's comes from its own endpoint or audience setting. */
  armScope: string;
  /** The scope a token for blob reads is asked for; undefined for a Custom cloud without `trafficLens.storageAudience` (account keys only). */
  storageScope: string | undefined;
  storageEndpointSuffix: string;
  portalUrl: string;
  /** Log Analytics' query host, without `/v1`; undefined for a Custom cloud without `trafficLens.logAnalyticsEndpoint`. */
  logAnalyticsEndpoint: string | undefined;
  /** The scope Log Analytics tokens are asked for; undefined with the endpoint. */
  logAnalyticsScope: string | undefined;
  /** Microsoft Entra authority for the CLI and service-principal credentials. */
  authorityHost: string;
  /** VS Code's authentication provider for this cloud. */
  authProviderId: 'microsoft' | 'microsoft-sovereign-cloud';
  /** The value `microsoft-sovereign-cloud.environment` must have for this cloud, if it is a sovereign one. */
  sovereignEnvironment?: 'ChinaCloud' | 'USGovernment';
}

/** Azure Storage's audience, the same in the public and the sovereign clouds (their blob endpoints come from their own Resource Manager). */
const azureStorageScope = 'https://storage.azure.com/.default';

/**
 * A cloud's Log Analytics query host and token scope. The hosts are the audiences
 * @azure/monitor-query-logs lists as `KnownMonitorLogsQueryAudience` (public, China, US
 * Government) and the query API's documented endpoints
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/access-api); the SDK takes the host
 * with `/v1` as its `endpoint` and the scope as `credentials.scopes` (its own default is the
 * public cloud's, whatever the endpoint).
 */
function logAnalytics(endpoint: string): Pick<CloudEnvironment, 'logAnalyticsEndpoint' | 'logAnalyticsScope'> {
  return { logAnalyticsEndpoint: endpoint, logAnalyticsScope: `${endpoint}/.default` };
}

const known: Record<Exclude<CloudName, 'Custom'>, CloudEnvironment> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManagerEndpoint: 'https://management.azure.com',
    armScope: 'https://management.core.windows.net//.default',
    storageScope: azureStorageScope,
    storageEndpointSuffix: 'core.windows.net',
    portalUrl: 'https://portal.azure.com',
    ...logAnalytics('https://api.loganalytics.io'),
    authorityHost: 'https://login.microsoftonline.com',
    authProviderId: 'microsoft',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.core.chinacloudapi.cn//.default',
    storageScope: azureStorageScope,
    storageEndpointSuffix: 'core.chinacloudapi.cn',
    portalUrl: 'https://portal.azure.cn',
    ...logAnalytics('https://api.loganalytics.azure.cn'),
    authorityHost: 'https://login.chinacloudapi.cn',
    authProviderId: 'microsoft-sovereign-cloud',
    sovereignEnvironment: 'ChinaCloud',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.core.usgovcloudapi.net//.default',
    storageScope: azureStorageScope,
    storageEndpointSuffix: 'core.usgovcloudapi.net',
    portalUrl: 'https://portal.azure.us',
    ...logAnalytics('https://api.loganalytics.us'),
    authorityHost: 'https://login.microsoftonline.us',
    authProviderId: 'microsoft-sovereign-cloud',
    sovereignEnvironment: 'USGovernment',
  },
};

export class CloudSettingsError extends Error {}

/** Settings that only a Custom cloud reads; with another cloud a value is an error, never half-used. */
const customOnly = ['resourceManagerEndpoint', 'resourceManagerAudience', 'storageEndpointSuffix', 'storageAudience', 'portalUrl', 'logAnalyticsEndpoint', 'logAnalyticsAudience'] as const;

/**
 * Resolves the endpoints and token scopes of the chosen cloud, all from one definition: a known
 * cloud's own, or for `Custom` the endpoint settings, whose Resource Manager tokens are asked for
 * the endpoint's own audience (`https://<host>/`) unless `resourceManagerAudience` names another.
 * Endpoint settings with a known cloud are refused, so that cloud's tokens never go to another
 * host. Throws `CloudSettingsError` with a message naming the setting to fix.
 *
 *   resolveCloud({ cloud: 'Custom', authentication: 'azureCli', resourceManagerEndpoint: 'https://management.contoso.example' })
 *     .armScope === 'https://management.contoso.example//.default'
 */
export function resolveCloud(settings: CloudSettings): CloudEnvironment {
  const environment = settings.cloud === 'Custom' ? customCloud(settings) : knownCloud(settings);
  if (settings.authentication === 'test' && !isLoopbackUrl(environment.resourceManagerEndpoint)) {
    throw new CloudSettingsError(
      `Test sign-in issues unsigned tokens and only works with a local stand-in, but the Resource Manager endpoint is ${environment.resourceManagerEndpoint}. Set trafficLens.cloud to Custom and trafficLens.resourceManagerEndpoint to https://127.0.0.1:<port>, or choose another trafficLens.authentication.`,
    );
  }
  if (settings.authentication === 'test' && environment.logAnalyticsEndpoint !== undefined && !isLoopbackUrl(environment.logAnalyticsEndpoint)) {
    throw new CloudSettingsError(`Test sign-in issues unsigned tokens and only works with local stand-ins, but the Log Analytics endpoint is ${environment.logAnalyticsEndpoint}. Set trafficLens.logAnalyticsEndpoint to https://127.0.0.1:<port>, or clear it.`);
  }
  return environment;
}

function knownCloud(settings: CloudSettings): CloudEnvironment {
  const base = (known as Partial<Record<string, CloudEnvironment>>)[settings.cloud];
  if (base === undefined) {
    throw new CloudSettingsError(`Unknown cloud '${String(settings.cloud)}' in trafficLens.cloud. Use AzureCloud, AzureChinaCloud, AzureUSGovernment or Custom.`);
  }
  const overridden = customOnly.find((key) => (settings[key]?.trim() ?? '') !== '');
  if (overridden !== undefined) {
    throw new CloudSettingsError(
      `trafficLens.${overridden} is set, but trafficLens.cloud is ${settings.cloud}: endpoint settings apply only to the Custom cloud, so ${settings.cloud} tokens never go to another host. Clear trafficLens.${overridden} in your user settings, or set trafficLens.cloud to Custom.`,
    );
  }
  return { ...base };
}

function customCloud(settings: CloudSettings): CloudEnvironment {
  const endpointSetting = settings.resourceManagerEndpoint?.trim() ?? '';
  if (endpointSetting === '') {
    throw new CloudSettingsError('trafficLens.cloud is Custom but trafficLens.resourceManagerEndpoint is empty. Set it to your Resource Manager URL, e.g. https://management.example.com.');
  }
  const resourceManagerEndpoint = normalizeEndpoint(endpointSetting, 'trafficLens.resourceManagerEndpoint');
  const isLocal = isLoopbackUrl(resourceManagerEndpoint);
  const armAudienceSetting = settings.resourceManagerAudience?.trim() ?? '';
  const armAudience = armAudienceSetting === '' ? `${new URL(resourceManagerEndpoint).origin}/` : checkAudience(armAudienceSetting, 'trafficLens.resourceManagerAudience', isLocal);
  const storageAudienceSetting = settings.storageAudience?.trim() ?? '';
  const storageAudience = storageAudienceSetting === '' ? undefined : checkAudience(storageAudienceSetting, 'trafficLens.storageAudience', isLocal);
  const suffix = settings.storageEndpointSuffix?.trim().replace(/^\./, '') ?? '';
  const portal = settings.portalUrl?.trim() ?? '';
  const logAnalyticsSetting = settings.logAnalyticsEndpoint?.trim() ?? '';
  const logAnalyticsEndpoint = logAnalyticsSetting === '' ? undefined : normalizeEndpoint(logAnalyticsSetting, 'trafficLens.logAnalyticsEndpoint');
  const logAnalyticsAudienceSetting = settings.logAnalyticsAudience?.trim() ?? '';
  const logAnalyticsAudience = logAnalyticsEndpoint === undefined
    ? undefined
    : logAnalyticsAudienceSetting === '' ? new URL(logAnalyticsEndpoint).origin : checkAudience(logAnalyticsAudienceSetting, 'trafficLens.logAnalyticsAudience', isLoopbackUrl(logAnalyticsEndpoint)).replace(/\/+$/, '');
  return {
    ...known.AzureCloud,
    name: 'Custom',
    resourceManagerEndpoint,
    armScope: `${armAudience}/.default`,
    storageScope: storageAudience === undefined ? undefined : `${storageAudience}/.default`,
    storageEndpointSuffix: suffix === '' ? known.AzureCloud.storageEndpointSuffix : suffix,
    portalUrl: portal === '' ? known.AzureCloud.portalUrl : normalizeEndpoint(portal, 'trafficLens.portalUrl'),
    logAnalyticsEndpoint,
    logAnalyticsScope: logAnalyticsAudience === undefined ? undefined : `${logAnalyticsAudience}/.default`,
  };
}

/** The audiences of the known clouds' Resource Manager and of Azure Storage (URLs without a trailing slash, and their application ids). */
const knownAudiences = new Set([
  ...[...Object.values(known).flatMap((cloud) => [cloud.armScope, ...(cloud.logAnalyticsScope === undefined ? [] : [cloud.logAnalyticsScope])]), azureStorageScope, 'https://management.azure.com/.default'].map((scope) => scope.replace(/\/*\.default$/, '').toLowerCase()),
  '797f4846-ba00-4fd7-ba43-dac1f8f63013',
  'e406a681-f3d4-42a8-90b6-c2b029497af1',
]);

/**
 * A Custom cloud's audience: an https URL or an application id. A known cloud's audience is only
 * allowed with a loopback endpoint (a local stand-in that checks tokens as Azure does): anywhere
 * else it would hand an Azure token to another host.
 */
function checkAudience(value: string, setting: string, isLocal: boolean): string {
  const isAppId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  if (!isAppId) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new CloudSettingsError(`${setting} is neither a URL nor an application id: '${value}'.`);
    }
    if (url.protocol !== 'https:') {
      throw new CloudSettingsError(`${setting} must be an https URL: '${value}'.`);
    }
  }
  if (!isLocal && knownAudiences.has(value.replace(/\/+$/, '').toLowerCase())) {
    throw new CloudSettingsError(`${setting} is ${value}, an audience of Azure itself: a Custom cloud gets tokens for its own audience, never Azure's. Set the audience your cloud documents, or clear ${setting}.`);
  }
  return value;
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
