import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InventoryRow } from '../../src/tree/lensTreeProvider';
import { demoTenantId, devSubscriptionId, hubSubscriptionId, hubVnetId, prodSubscriptionId, prodVnetId, secopsHubVnetId, secopsSensorsSubnetId, secopsSubscriptionId } from '../standin/topologies/demo';
import { credentialSettings, readCloudSettingsFrom } from '../../src/azure/cloud';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { call, demoToken, faults, requestCounts, setPageSize, setSettings, standInUrl, waitForOperation } from './standInClient';
import { activateTestedExtension, type TestedApi } from './testedExtension';

const key = (id: string): string => id.toLowerCase();
const subscriptionRow = (id: string): string => `/subscriptions/${id}`;

function byId(rows: InventoryRow[], id: string): InventoryRow {
  const row = rows.find((candidate) => candidate.id === key(id));
  assert.ok(row, `no row ${id} among ${rows.map((candidate) => candidate.id).join(', ')}`);
  return row;
}

describe('inventory tree against the ARM stand-in', function () {
  this.timeout(90_000);
  let api: TestedApi;

  before(async function () {
    if (standInUrl === '') {
      throw new Error('TRAFFIC_LENS_STANDIN_URL is not set: run this suite through test/vscode/runTests.js (npm test), which starts the stand-in first.');
    }
    api = await activateTestedExtension();
    await faults();
    await setSettings(standInExtensionSettings(standInUrl, demoTenantId));
  });

  afterEach(async () => {
    await faults();
  });

  after(async () => {
    await vscode.commands.executeCommand('trafficLens.signOut');
    await setSettings(Object.fromEntries(Object.keys(standInExtensionSettings(standInUrl, demoTenantId)).map((name) => [name, undefined])));
  });

  it('signs in with the test sign-in and lists the seeded subscriptions', async () => {
    assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
    assert.equal(api.inventory.isSignedIn(), true);
    const rows = await api.inventory.children();
    assert.deepEqual(rows.map((row) => [row.id, row.label]), [
      [subscriptionRow(hubSubscriptionId), 'Contoso Security Hub'],
      [subscriptionRow(secopsSubscriptionId), 'Contoso Security Operations'],
      [subscriptionRow(devSubscriptionId), 'Contoso Workload Dev'],
      [subscriptionRow(prodSubscriptionId), 'Contoso Workload Prod'],
    ]);
    assert.match(rows[0].tooltip ?? '', /Contoso/);
  });

  it('shows the hub\'s folders, VNet, subnets, peering and NICs by id', async () => {
    const folders = await api.inventory.children(subscriptionRow(hubSubscriptionId));
    assert.deepEqual(folders.map((row) => [row.label, row.description]), [
      ['Virtual networks', '1'],
      ['Network security groups', '2'],
      ['Network watchers', '2'],
      ['Virtual network TAPs', '1'],
      ['Storage accounts', undefined],
    ]);
    const vnets = await api.inventory.children(`${subscriptionRow(hubSubscriptionId)}#vnets`);
    assert.deepEqual(vnets.map((row) => [row.id, row.description]), [[key(hubVnetId), '10.0.0.0/16 · germanywestcentral']]);
    const hubChildren = await api.inventory.children(hubVnetId.toLowerCase());
    assert.deepEqual(hubChildren.map((row) => row.label), ['AzureFirewallSubnet', 'snet-collectors', 'snet-shared', 'hub-to-prod']);
    assert.equal(byId(hubChildren, `${hubVnetId}/subnets/snet-collectors`).description, '10.0.1.0/24 · NSG nsg-collectors');
    assert.equal(byId(hubChildren, `${hubVnetId}/virtualNetworkPeerings/hub-to-prod`).description, '→ vnet-prod-spoke · Connected · in sync');
    const nics = await api.inventory.children(key(`${hubVnetId}/subnets/snet-collectors`));
    assert.deepEqual(nics.map((row) => [row.label, row.description]), [['nic-collector-01', '10.0.1.4 · VM vm-collector-01 · accelerated']]);
    assert.match(nics[0].contextValue ?? '', /^nic;/);
    const empty = await api.inventory.children(key(`${hubVnetId}/subnets/AzureFirewallSubnet`));
    assert.deepEqual(empty.map((row) => row.label), ['No network interfaces in this subnet']);
  });

  it('shows the security operations subscription ready for a set-up: a hub VNet without collectors, storage and a watcher', async () => {
    const subscription = subscriptionRow(secopsSubscriptionId);
    const folders = await api.inventory.children(subscription);
    assert.deepEqual(folders.map((row) => [row.label, row.description]), [
      ['Virtual networks', '1'],
      ['Network security groups', '1'],
      ['Network watchers', '1'],
      ['Virtual network TAPs', '0'],
      ['Storage accounts', undefined],
    ]);
    const vnets = await api.inventory.children(`${subscription}#vnets`);
    assert.deepEqual(vnets.map((row) => [row.id, row.description]), [[key(secopsHubVnetId), '10.40.0.0/16 · germanywestcentral']]);
    const subnets = await api.inventory.children(key(secopsHubVnetId));
    assert.deepEqual(subnets.map((row) => [row.label, row.description]), [['snet-mgmt', '10.40.2.0/24'], ['snet-sensors', '10.40.1.0/24 · NSG nsg-secops-sensors']]);
    assert.deepEqual((await api.inventory.children(key(secopsSensorsSubnetId))).map((row) => row.label), ['No network interfaces in this subnet']);
    assert.deepEqual((await api.inventory.children(`${subscription}#watchers`)).map((row) => row.label), ['NetworkWatcher_germanywestcentral']);
    assert.deepEqual((await api.inventory.children(`${subscription}#storageAccounts`)).map((row) => row.label), ['stsecopsflowlogs01']);
  });

  it("lists a hub TAP's source NICs from the workload subscription they are in", async () => {
    const taps = await api.inventory.children(`${subscriptionRow(hubSubscriptionId)}#taps`);
    assert.deepEqual(taps.map((row) => row.label), ['vtap-collectors']);
    assert.match(taps[0].description ?? '', /1 source$/);
    const sources = await api.inventory.children(taps[0].id);
    assert.deepEqual(sources.map((row) => [row.label, row.description]), [['nic-web-01', '10.1.1.4 · VM vm-web-01 · accelerated · TAP → vtap-collectors (Contoso Security Hub)']]);
    assert.match(sources[0].contextValue ?? '', /^nic;/);
  });

  it('shows flow logs under network watchers and as badges on the subnets and NICs they cover', async () => {
    await api.inventory.children(subscriptionRow(prodSubscriptionId));
    await api.inventory.children(`${subscriptionRow(prodSubscriptionId)}#vnets`);
    const subnets = await api.inventory.children(key(prodVnetId));
    assert.equal(byId(subnets, `${prodVnetId}/subnets/snet-web`).description, '10.1.1.0/24 · NSG nsg-prod-web · flow log (VNet)');
    const webNics = await api.inventory.children(key(`${prodVnetId}/subnets/snet-web`));
    assert.equal(webNics.find((row) => row.label === 'nic-web-01')?.description, '10.1.1.4 · VM vm-web-01 · accelerated · TAP → vtap-collectors (Contoso Security Hub)');
    const prodFolders = await api.inventory.children(subscriptionRow(prodSubscriptionId));
    assert.equal(
      prodFolders.find((row) => row.label === 'Virtual network TAPs')?.description,
      '0 here · 1 NIC mirrored to vtap-collectors in Contoso Security Hub',
      "prod's TAP folder says where its NICs are mirrored to",
    );
    assert.deepEqual(
      (await api.inventory.children(`${subscriptionRow(prodSubscriptionId)}#taps`)).map((row) => row.label),
      ['No virtual network TAPs in this subscription; 1 NIC mirrored to vtap-collectors in Contoso Security Hub'],
    );
    const watchers = await api.inventory.children(`${subscriptionRow(prodSubscriptionId)}#watchers`);
    assert.deepEqual(watchers.map((row) => row.label), ['NetworkWatcher_germanywestcentral']);
    const flowLogs = await api.inventory.children(watchers[0].id);
    assert.deepEqual(flowLogs.map((row) => [row.label, row.description]), [
      ['fl-nsg-prod-web', 'nsg-prod-web → sthubflowlogsgwc01'],
      ['fl-vnet-prod-spoke', 'vnet-prod-spoke → sthubflowlogsgwc01'],
    ]);
  });

  it('copies resource ids of several NICs, and shows a resource\'s properties as read-only JSON', async () => {
    await api.inventory.children(subscriptionRow(prodSubscriptionId));
    await api.inventory.children(`${subscriptionRow(prodSubscriptionId)}#vnets`);
    await api.inventory.children(key(prodVnetId));
    const nics = await api.inventory.children(key(`${prodVnetId}/subnets/snet-web`));
    await api.inventory.runOnRows('trafficLens.copyResourceId', nics.map((row) => row.id));
    const copied = (await vscode.env.clipboard.readText()).split('\n');
    assert.deepEqual(copied.map((id) => id.split('/').pop()), ['nic-web-01', 'nic-web-02']);
    assert.match(copied[0], /\/resourceGroups\/rg-prod-app\/providers\/Microsoft\.Network\/networkInterfaces\/nic-web-01$/, 'ids keep Azure\'s casing');

    await api.inventory.runOnRows('trafficLens.viewProperties', [nics[0].id]);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document, 'no editor opened');
    assert.equal(document.uri.scheme, 'trafficlens-properties');
    assert.equal(document.languageId, 'json');
    const properties = JSON.parse(document.getText()) as { name: string; macAddress: string; enableAcceleratedNetworking: boolean };
    assert.deepEqual([properties.name, properties.macAddress, properties.enableAcceleratedNetworking], ['nic-web-01', '00-0D-3A-7A-10-01', true]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("lists a paged subscription's NICs through Resource Graph, and page by page with the setting off", async () => {
    const nicPages = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces';
    const graphQueries = 'POST /providers/Microsoft.ResourceGraph/resources';
    const prod = subscriptionRow(prodSubscriptionId);
    const nicsOf = async (): Promise<string[]> => {
      await api.inventory.children(prod);
      await api.inventory.children(`${prod}#vnets`);
      const subnets = await api.inventory.children(key(prodVnetId));
      const rows = await Promise.all(subnets.filter((row) => row.id.includes('/subnets/')).map((row) => api.inventory.children(row.id)));
      return rows.flat().filter((row) => /^nic;/.test(row.contextValue ?? '')).map((row) => `${row.label} ${row.description ?? ''}`).sort();
    };
    const seen: Record<string, { nics: string[]; pages: number; queries: number }> = {};
    // Two items per page: prod's eight NICs take four Resource Manager pages.
    await setPageSize(2);
    try {
      for (const useResourceGraph of [true, false]) {
        await setSettings({ 'inventory.useResourceGraph': useResourceGraph });
        await call('DELETE', `${standInUrl}/_standin/requests`);
        await api.inventory.refresh(prod);
        const nics = await nicsOf();
        const counts = await requestCounts();
        seen[String(useResourceGraph)] = { nics, pages: counts[nicPages] ?? 0, queries: counts[graphQueries] ?? 0 };
      }
    } finally {
      await setPageSize();
      await setSettings({ 'inventory.useResourceGraph': undefined });
      await api.inventory.refresh(prod);
    }
    assert.equal(seen.true.nics.length, 8, seen.true.nics.join('; '));
    assert.ok(seen.true.nics.includes('nic-web-01 10.1.1.4 · VM vm-web-01 · accelerated · TAP → vtap-collectors (Contoso Security Hub)'), seen.true.nics.join('; '));
    assert.deepEqual(seen.false.nics, seen.true.nics, 'the same rows either way');
    assert.deepEqual([seen.true.pages, seen.true.queries], [1, 1], 'one page, then one Resource Graph query');
    assert.deepEqual([seen.false.pages, seen.false.queries], [4, 0], 'four pages, no Resource Graph');
  });

  it('shows a security rule added in Azure after a refresh of the NSG folder', async () => {
    await api.inventory.children(subscriptionRow(devSubscriptionId));
    const folder = `${subscriptionRow(devSubscriptionId)}#nsgs`;
    const nsgId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app`;
    const ruleUrl = `${standInUrl}${nsgId}/securityRules/allow-https-from-hub?api-version=2026-01-01`;
    assert.equal(byId(await api.inventory.children(folder), nsgId).description, '1 rule · uksouth');

    // Someone adds a rule in the portal: a long-running PUT, polled to the end as ARM clients do.
    const token = demoToken();
    const rule = { properties: { priority: 300, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.0.0/16', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' } };
    await waitForOperation(await call('PUT', ruleUrl, rule, token), token);
    try {
      assert.equal(byId(await api.inventory.children(folder), nsgId).description, '1 rule · uksouth', 'cached until refreshed');
      await api.inventory.refresh(folder);
      assert.equal(byId(await api.inventory.children(folder), nsgId).description, '2 rules · uksouth');
      const rules = await api.inventory.children(key(nsgId));
      assert.deepEqual(rules.map((row) => row.label), ['100 allow-ssh-from-hub', '300 allow-https-from-hub']);
      assert.equal(rules[1].description, 'Inbound · Allow · Tcp · 10.0.0.0/16 → * port 443');
    } finally {
      // Leave the estate as seeded for later suites and runs.
      await waitForOperation(await call('DELETE', ruleUrl, undefined, token), token);
    }
  });

  it('shows a value from Azure with its bidirectional control characters neutralised', async () => {
    await api.inventory.children(subscriptionRow(devSubscriptionId));
    const folder = `${subscriptionRow(devSubscriptionId)}#nsgs`;
    const nsgId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app`;
    const ruleUrl = `${standInUrl}${nsgId}/securityRules/deny-downloads?api-version=2026-01-01`;
    const token = demoToken();
    // U+202E makes "invoice‮gnp.exe" read as "invoiceexe.png".
    const description = 'Blocks invoice\u202Egnp.exe and \u2067report\u2069';
    const rule = { properties: { description, priority: 310, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '80' } };
    await waitForOperation(await call('PUT', ruleUrl, rule, token), token);
    try {
      await api.inventory.refresh(folder);
      await api.inventory.children(folder);
      const row = (await api.inventory.children(key(nsgId))).find((candidate) => candidate.label === '310 deny-downloads');
      assert.ok(row, 'no row of the new rule');
      assert.match(row.tooltip ?? '', /Blocks invoice\uFFFDgnp\\\.exe and \uFFFDreport\uFFFD/);
      assert.doesNotMatch(`${row.label}${row.description ?? ''}${row.tooltip ?? ''}`, /[\u202A-\u202E\u2066-\u2069]/);
      const raw = await call('GET', ruleUrl, undefined, token);
      assert.equal((raw.body as { properties: { description: string } }).properties.description, description, 'Azure keeps the raw value');
    } finally {
      await waitForOperation(await call('DELETE', ruleUrl, undefined, token), token);
      await api.inventory.refresh(folder);
    }
  });

  const injected = [
    { name: '403', fault: { kind: 'forbidden', count: 1 }, code: 'AuthorizationFailed' },
    { name: '429', fault: { kind: 'throttle', count: 4, retryAfterMs: 20 }, code: 'SubscriptionRequestsThrottled' },
    { name: '500', fault: { kind: 'serverError', count: 4, status: 500 }, code: 'InternalServerError' },
  ];
  for (const { name, fault, code } of injected) {
    it(`shows an error row with ${code} for an injected ${name} and recovers on Retry`, async () => {
      const folder = `${subscriptionRow(devSubscriptionId)}#nsgs`;
      await api.inventory.children(subscriptionRow(devSubscriptionId));
      await faults({ ...fault, match: `/subscriptions/${devSubscriptionId}/providers/Microsoft.Network/networkSecurityGroups` });
      await api.inventory.refresh(folder);
      const failed = await api.inventory.children(folder);
      assert.equal(failed.length, 1);
      assert.equal(failed[0].id, `${folder}#error`);
      assert.match(failed[0].label, new RegExp(`^${code}: `));
      assert.equal(failed[0].command, 'trafficLens.retry');
      await api.inventory.click(failed[0].id);
      const recovered = await api.inventory.children(folder);
      assert.deepEqual(recovered.map((row) => row.label), ['nsg-dev-app']);
    });
  }

  it('shows one error row when a whole subscription is refused, and recovers on Retry', async () => {
    const subscription = subscriptionRow(hubSubscriptionId);
    await faults({ kind: 'forbidden', count: 100, match: `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Network/` });
    await api.inventory.refresh(subscription);
    const failed = await api.inventory.children(subscription);
    assert.deepEqual(failed.map((row) => row.id), [`${subscription}#error`]);
    assert.match(failed[0].label, /^AuthorizationFailed: .*Microsoft\.Network\/\w+\/read/);
    await faults();
    await api.inventory.click(failed[0].id);
    assert.equal((await api.inventory.children(subscription)).length, 5, 'four folders and Storage accounts');
  });

  it('cancels a slow load, shows it as cancelled, and loads on Retry', async () => {
    const subscription = subscriptionRow(prodSubscriptionId);
    await faults({ kind: 'latency', ms: 3000 });
    await api.inventory.refresh(subscription);
    const loading = api.inventory.children(subscription);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await vscode.commands.executeCommand('trafficLens.cancelLoading');
    const cancelled = await loading;
    assert.deepEqual(cancelled.map((row) => row.id), [`${subscription}#cancelled`]);
    await faults();
    await api.inventory.click(cancelled[0].id);
    assert.deepEqual((await api.inventory.children(subscription)).map((row) => row.label), ['Virtual networks', 'Network security groups', 'Network watchers', 'Virtual network TAPs', 'Storage accounts']);
  });

  it('refuses the test sign-in against an endpoint that is not local', async () => {
    await vscode.commands.executeCommand('trafficLens.signOut');
    await setSettings({ resourceManagerEndpoint: 'https://management.contoso.example', resourceManagerAudience: undefined });
    try {
      assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), false);
      assert.equal(api.inventory.isSignedIn(), false);
    } finally {
      await setSettings(standInExtensionSettings(standInUrl, demoTenantId));
    }
  });

  it('refuses an endpoint setting with the Azure Cloud, whose tokens would go to that host', async () => {
    await vscode.commands.executeCommand('trafficLens.signOut');
    await setSettings({ cloud: 'AzureCloud' });
    try {
      assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), false);
      assert.equal(api.inventory.isSignedIn(), false);
    } finally {
      await setSettings(standInExtensionSettings(standInUrl, demoTenantId));
    }
  });

  it('ignores every credential setting in the workspace folder, and still signs in to the stand-in of the user settings', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) {
      this.skip();
    }
    await vscode.commands.executeCommand('trafficLens.signOut');
    const settingsFolder = vscode.Uri.joinPath(folder.uri, '.vscode');
    const hostile: Record<string, string> = {
      cloud: 'AzureCloud',
      authentication: 'azureCli',
      resourceManagerEndpoint: 'https://127.0.0.2:9',
      resourceManagerAudience: 'https://management.core.windows.net/',
      storageEndpointSuffix: 'attacker.example',
      storageAudience: 'https://storage.azure.com',
      portalUrl: 'https://portal.attacker.example',
      logAnalyticsEndpoint: 'https://logs.attacker.example',
      logAnalyticsAudience: 'https://api.loganalytics.io',
      testTenantId: '11111111-2222-3333-4444-555555555555',
    };
    assert.deepEqual(Object.keys(hostile).sort(), [...credentialSettings].sort(), 'the test covers every credential setting');
    const written = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('trafficLens.inventory.useResourceGraph')) {
          listener.dispose();
          resolve();
        }
      });
    });
    await vscode.workspace.fs.createDirectory(settingsFolder);
    // A window-scoped setting in the same file tells when VS Code has read it.
    const file = Object.fromEntries([...Object.entries(hostile).map(([name, value]) => [`trafficLens.${name}`, value]), ['trafficLens.inventory.useResourceGraph', false]]);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(settingsFolder, 'settings.json'), Buffer.from(JSON.stringify(file, null, 2)));
    try {
      await written;
      assert.equal(vscode.workspace.getConfiguration('trafficLens').get('inventory.useResourceGraph'), false);
      const expected = { storageEndpointSuffix: '', portalUrl: '', logAnalyticsEndpoint: '', logAnalyticsAudience: '', ...standInExtensionSettings(standInUrl, demoTenantId) };
      assert.deepEqual(readCloudSettingsFrom(vscode.workspace.getConfiguration('trafficLens')), expected);
      assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
      assert.deepEqual((await api.inventory.children()).map((row) => row.id), [hubSubscriptionId, secopsSubscriptionId, devSubscriptionId, prodSubscriptionId].map(subscriptionRow));
    } finally {
      await vscode.workspace.fs.delete(settingsFolder, { recursive: true });
    }
  });

  it('clears the tree on sign-out', async () => {
    assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
    assert.equal((await api.inventory.children()).length, 4);
    await vscode.commands.executeCommand('trafficLens.signOut');
    assert.equal(api.inventory.isSignedIn(), false);
    assert.deepEqual(await api.inventory.children(), []);
  });
});
