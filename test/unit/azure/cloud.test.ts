import assert from 'node:assert/strict';
import { CloudSettingsError, isLoopbackUrl, portalResourceUrl, resolveCloud } from '../../../src/azure/cloud';

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

  it('lets endpoint settings override the cloud and requires one for Custom', () => {
    const custom = resolveCloud({ cloud: 'Custom', authentication: 'environment', resourceManagerEndpoint: 'https://management.contoso.example/', storageEndpointSuffix: '.core.contoso.example', portalUrl: 'https://portal.contoso.example' });
    assert.equal(custom.resourceManagerEndpoint, 'https://management.contoso.example');
    assert.equal(custom.storageEndpointSuffix, 'core.contoso.example');
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'vscode' }), (error: Error) => error instanceof CloudSettingsError && /trafficLens\.resourceManagerEndpoint is empty/.test(error.message));
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'vscode', resourceManagerEndpoint: 'http://127.0.0.1:8443' }), /must use https/);
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'vscode', resourceManagerEndpoint: 'not a url' }), /is not a URL/);
  });

  it('allows the unsigned test sign-in only against a loopback endpoint', () => {
    assert.equal(resolveCloud({ cloud: 'AzureCloud', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1:44321' }).resourceManagerEndpoint, 'https://127.0.0.1:44321');
    assert.throws(() => resolveCloud({ cloud: 'AzureCloud', authentication: 'test' }), /only works with a local stand-in.*management\.azure\.com/);
    assert.throws(() => resolveCloud({ cloud: 'Custom', authentication: 'test', resourceManagerEndpoint: 'https://127.0.0.1.example.com' }), CloudSettingsError);
    assert.deepEqual(['https://localhost:1', 'https://[::1]:2', 'https://127.4.5.6', 'https://10.0.0.1', 'nonsense'].map(isLoopbackUrl), [true, true, true, false, false]);
  });

  it('builds portal links with the tenant', () => {
    assert.equal(portalResourceUrl('https://portal.azure.us/', '/subscriptions/s/resourceGroups/g', 't1'), 'https://portal.azure.us/#@t1/resource/subscriptions/s/resourceGroups/g');
  });
});
