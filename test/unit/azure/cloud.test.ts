import assert from 'node:assert/strict';
import { CloudSettingsError, credentialSettings, isLoopbackUrl, portalResourceUrl, readCloudSettingsFrom, resolveCloud, type SettingsInspector } from '../../../src/azure/cloud';

describe('resolveCloud', () => {
  it('gives each cloud its endpoint, scope, portal and sign-in provider', () => {
    const global = resolveCloud({ cloud: 'AzureCloud', authentication: 'vscode' });
    assert.equal(global.resourceManagerEndpoint, 'https://management.azure.com');
    assert.equal(global.authProviderId, 'microsoft');
    const china = resolveCloud({ cloud: 'AzureChinaCloud', authentication: 'vscode' });
    assert.deepEqual([china.resourceManagerEndpoint, china.armScope, china.portalUrl, china.authProviderId, china.sovereignEnvironment], [
      'https://management.chinacloudapi.cn',
      'https://management.core.chinacloudapi.cn//.default',
      'https://portal.azure.cn',
      'microsoft-sovereign-cloud',
      'ChinaCloud',
    ]);
    const usGov = resolveCloud({ cloud: 'AzureUSGovernment', authentication: 'azureCli' });
    assert.equal(usGov.storageEndpointSuffix, 'core.usgovcloudapi.net');
    assert.equal(usGov.sovereignEnvironment, 'USGovernment');
  });

  it('takes the endpoints of a Custom cloud and asks for tokens of its own audience', () => {
    const custom = resolveCloud({ cloud: 'Custom', authentication: 'environment', resourceManagerEndpoint: 'https://management.contoso.example/', storageEndpointSuffix: '.core.contoso.example', portalUrl: 'https://portal.contoso.example' });
    assert.equal(custom.resourceManagerEndpoint, 'https://management.contoso.example');
    assert.equal(custom.armScope, 'https://management.contoso.example//.default');
    assert.equal(custom.storageScope, undefined, 'no blob token without a storage audience');
    assert.equal(custom.storageEndpointSuffix, 'core.contoso.example');
    const stack = resolveCloud({ cloud: 'Custom', authentication: 'azureCli', resourceManagerEndpoint: 'https://management.local.azurestack.external', resourceManagerAudience: 'https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155', storageAudience: 'https://storage.local.azurestack.external' });
    assert.equal(stack.armScope, 'https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155/.default');
    assert.equal(stack.storageScope, 'https://storage.local.azurestack.external/.default');
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode' }), (error: Error) => error instanceof CloudSettingsError && /trafficLens\.resourceManagerEndpoint is empty/.test(error.message));
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode', resourceManagerEndpoint: 'http://127.0.0.1:8443' }), /must use https/);
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode', resourceManagerEndpoint: 'not a url' }), /is not a URL/);
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode', resourceManagerEndpoint: 'https://management.contoso.example', resourceManagerAudience: 'http://x' }), /must be an https URL/);
  });

  it('never gives a Custom cloud an audience of Azure itself, except at a loopback stand-in', () => {
    const endpoint = 'https://management.contoso.example';
    for (const audience of ['https://management.core.windows.net/', 'https://management.azure.com', 'https://management.core.usgovcloudapi.net/', '797f4846-ba00-4fd7-ba43-dac1f8f63013']) {
      assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode', resourceManagerEndpoint: endpoint, resourceManagerAudience: audience }), /an audience of Azure itself/, audience);
    }
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode', resourceManagerEndpoint: endpoint, storageAudience: 'https://storage.azure.com/' }), /trafficLens\.storageAudience is .*an audience of Azure itself/);
    const standIn = resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321', resourceManagerAudience: 'https://management.azure.com/', storageAudience: 'https://storage.azure.com' });
    assert.deepEqual([standIn.resourceManagerEndpoint, standIn.armScope, standIn.storageScope], ['https://127.0.0.1:44321', 'https://management.azure.com//.default', 'https://storage.azure.com/.default']);
  });

  it('refuses endpoint settings with a known cloud, so its tokens never go to another host', () => {
    for (const cloud of ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const) {
      for (const setting of ['resourceManagerEndpoint', 'resourceManagerAudience', 'storageEndpointSuffix', 'storageAudience', 'portalUrl'] as const) {
        assert.throws(
          () => resolveCloud({ cloud, authentication: 'vscode', [setting]: setting.endsWith('Suffix') ? 'attacker.example' : 'https://attacker.example' }),
          (error: Error) => error instanceof CloudSettingsError && error.message.startsWith(`trafficLens.${setting} is set, but trafficLens.cloud is ${cloud}`),
          `${cloud} with ${setting}`,
        );
      }
      assert.equal(resolveCloud({ cloud, authentication: 'vscode', resourceManagerEndpoint: '  ', portalUrl: '' }).name, cloud, 'empty settings are no override');
    }
  });

  it('allows the unsigned test sign-in only against a loopback endpoint', () => {
    assert.equal(resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321' }).resourceManagerEndpoint, 'https://127.0.0.1:44321');
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'test' }), /only works with a local stand-in.*management\.azure\.com/);
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321' }), /trafficLens\.resourceManagerEndpoint is set, but trafficLens\.cloud is AzureCloud/);
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1.example.com' }), CloudSettingsError);
    assert.deepEqual(['https://localhost:1', 'https://[::1]:2', 'https://127.4.5.6', 'https://10.0.0.1', 'nonsense'].map(isLoopbackUrl), [true, true, true, false, false]);
  });

  it('builds portal links with the tenant', () => {
    assert.equal(portalResourceUrl('https://portal.azure.us/', '/subscriptions/s/resourceGroups/g', 't1'), 'https://portal.azure.us/#@t1/resource/subscriptions/s/resourceGroups/g');
  });
});

/** A stand-in for `vscode.WorkspaceConfiguration.inspect`: user, workspace and folder values per key. */
function configuration(values: Record<string, { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown }>): SettingsInspector {
  return { inspect: <T>(key: string) => values[key] as { defaultValue?: T; globalValue?: T } | undefined };
}

describe('readCloudSettingsFrom', () => {
  it('ignores a workspace or folder value of every credential setting', () => {
    const hostile = 'https://attacker.example';
    const values: Record<string, { defaultValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }> = Object.fromEntries(credentialSettings.map((key) => [key, { defaultValue: '', workspaceValue: hostile, workspaceFolderValue: hostile }]));
    values.cloud = { defaultValue: 'AzureCloud', workspaceValue: 'Custom', workspaceFolderValue: 'Custom' };
    values.authentication = { defaultValue: 'vscode', workspaceValue: 'test', workspaceFolderValue: 'azureCli' };
    const settings = readCloudSettingsFrom(configuration(values));
    assert.deepEqual(settings, {
      cloud: 'AzureCloud',
      authentication: 'vscode',
      resourceManagerEndpoint: '',
      resourceManagerAudience: '',
      storageEndpointSuffix: '',
      storageAudience: '',
      portalUrl: '',
      logAnalyticsEndpoint: '',
      logAnalyticsAudience: '',
      testTenantId: '',
    });
    assert.equal(resolveCloud(settings).resourceManagerEndpoint, 'https://management.azure.com');
    assert.equal(resolveCloud(settings).armScope, 'https://management.core.windows.net//.default');
  });

  it('reads user values over the defaults, and the default when a value has the wrong type', () => {
    const settings = readCloudSettingsFrom(configuration({
      cloud: { defaultValue: 'AzureCloud', globalValue: 'Custom', workspaceValue: 'AzureCloud' },
      resourceManagerEndpoint: { defaultValue: '', globalValue: 'https://management.contoso.example', workspaceValue: 'https://attacker.example' },
      testTenantId: { defaultValue: '', globalValue: ' t1 ' },
      portalUrl: { defaultValue: '', globalValue: 42 },
    }));
    assert.deepEqual([settings.cloud, settings.authentication, settings.resourceManagerEndpoint, settings.testTenantId, settings.portalUrl], ['Custom', 'vscode', 'https://management.contoso.example', 't1', '']);
    assert.equal(resolveCloud(settings).armScope, 'https://management.contoso.example//.default');
  });
});

describe('resolveCloud: Log Analytics', () => {
  it('queries each known cloud’s own Log Analytics host with its own audience', () => {
    const hosts = (['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const).map((cloud) => {
      const environment = resolveCloud({ cloud, authentication: 'vscode' });
      return [environment.logAnalyticsEndpoint, environment.logAnalyticsScope];
    });
    assert.deepEqual(hosts, [
      ['https://api.loganalytics.io', 'https://api.loganalytics.io/.default'],
      ['https://api.loganalytics.azure.cn', 'https://api.loganalytics.azure.cn/.default'],
      ['https://api.loganalytics.us', 'https://api.loganalytics.us/.default'],
    ]);
  });

  it('gives a Custom cloud Log Analytics only from its settings, never Azure’s audience away from a local stand-in', () => {
    const base = { cloud: 'Custom' as const, authentication: 'azureCli' as const, resourceManagerEndpoint: 'https://management.contoso.example' };
    assert.equal(resolveCloud(base).logAnalyticsEndpoint, undefined);
    const own = resolveCloud({ ...base, logAnalyticsEndpoint: 'https://logs.contoso.example/' });
    assert.deepEqual([own.logAnalyticsEndpoint, own.logAnalyticsScope], ['https://logs.contoso.example', 'https://logs.contoso.example/.default']);
    assert.throws(() => resolveCloud({ ...base, logAnalyticsEndpoint: 'https://logs.contoso.example', logAnalyticsAudience: 'https://api.loganalytics.io' }), /trafficLens\.logAnalyticsAudience is .*an audience of Azure itself/);
    const standIn = resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321', logAnalyticsEndpoint: 'https://127.0.0.1:44322', logAnalyticsAudience: 'https://api.loganalytics.io' });
    assert.equal(standIn.logAnalyticsScope, 'https://api.loganalytics.io/.default');
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321', logAnalyticsEndpoint: 'https://logs.contoso.example' }), /Log Analytics endpoint is https:\/\/logs\.contoso\.example/);
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'vscode', logAnalyticsEndpoint: 'https://attacker.example' }), /trafficLens\.logAnalyticsEndpoint is set, but trafficLens\.cloud is AzureCloud/);
  });
});
