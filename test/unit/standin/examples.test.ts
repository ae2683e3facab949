import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { idKey, type ArmResource } from '../../standin/state';
import { importResource, typeFromId, type Topology } from '../../standin/topology';
import { examplePath, exampleBody, loadExample, shapeDifferences, valueDifferences, type Example } from './exampleShapes';
import { rawRequest, type RawResponse } from './standInHarness';

const tenantId = '00000000-0000-0000-0000-0000000000e1';
const network = 'network/resource-manager/Microsoft.Network/stable/2026-01-01/examples';
const groupPath = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}';
const networkPath = `${groupPath}/providers/Microsoft.Network`;
const networkAll = '/subscriptions/{subscriptionId}/providers/Microsoft.Network';

/** Subscriptions and resource groups named anywhere in `ids`, as a topology to start from. */
function topologyFor(ids: string[], location = 'westus'): Topology {
  const groups = new Map<string, Set<string>>();
  for (const id of ids) {
    const match = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(id);
    if (!match) {
      continue;
    }
    const set = groups.get(match[1]) ?? new Set<string>();
    if (match[2]) {
      set.add(match[2]);
    }
    groups.set(match[1], set);
  }
  return {
    tenants: [{ tenantId, displayName: 'Examples', defaultDomain: 'examples.onmicrosoft.com' }],
    subscriptions: [...groups.entries()].map(([subscriptionId, names]) => ({
      subscriptionId,
      displayName: `Subscription ${subscriptionId}`,
      tenantId,
      // The official TAP examples create TAPs in the canary region, outside the preview's published list.
      tapPreview: { extraRegions: ['centraluseuap'] },
      resourceGroups: [...names].map((name) => ({ name, location })),
    })),
  };
}

function idsIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.startsWith('/subscriptions/') ? [value] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap(idsIn);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...idsIn(key), ...idsIn(item)]);
  }
  return [];
}

/** A bare top-level parent (VNet, NIC, watcher…) so a seeded child has somewhere to live. */
function ensureParent(standIn: StandIn, childId: string): void {
  const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/([^/]+)\/([^/]+)\/([^/]+))\//i.exec(childId);
  if (!match || standIn.state.get(match[1])) {
    return;
  }
  standIn.state.put({ id: match[1], name: match[4], type: `${match[2]}/${match[3]}`, location: 'westus', properties: { provisioningState: 'Succeeded' } });
}

function seed(standIn: StandIn, resources: ArmResource[]): void {
  for (const resource of resources) {
    ensureParent(standIn, resource.id);
    importResource(standIn.state, resource);
  }
}

async function withStandIn(ids: string[], run: (standIn: StandIn) => Promise<void>, location?: string): Promise<void> {
  const standIn = await startStandIn({ topology: topologyFor(ids, location), lroCompleteAfterMs: 30000 });
  try {
    await run(standIn);
  } finally {
    await standIn.close();
  }
}

function assertShape(expected: unknown, actual: unknown, label: string, allowEmptyArrays = false): void {
  const differences = shapeDifferences(expected, actual, { allowEmptyArrays });
  assert.deepEqual(differences, [], `${label}: the answer differs in structure from the official example`);
}

async function call(standIn: StandIn, method: string, path: string, apiVersion: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(standIn, method, `${path}?api-version=${apiVersion}`, { tenantId, body });
}

/** GET examples: the example's resource is seeded, read back, and must come back unchanged. */
const getExamples: Array<{ file: string; template: string }> = [
  { file: 'VirtualNetworkGet.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}` },
  { file: 'SubnetGet.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}` },
  { file: 'VirtualNetworkPeeringGet.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}` },
  { file: 'NetworkInterfaceGet.json', template: `${networkPath}/networkInterfaces/{networkInterfaceName}` },
  { file: 'NetworkInterfaceTapConfigurationGet.json', template: `${networkPath}/networkInterfaces/{networkInterfaceName}/tapConfigurations/{tapConfigurationName}` },
  { file: 'NetworkSecurityGroupGet.json', template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}` },
  { file: 'NetworkWatcherGet.json', template: `${networkPath}/networkWatchers/{networkWatcherName}` },
  { file: 'NetworkWatcherFlowLogGet.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}` },
  { file: 'NetworkWatcherPacketCaptureGet.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures/{packetCaptureName}` },
  { file: 'LoadBalancerGet.json', template: `${networkPath}/loadBalancers/{loadBalancerName}` },
  { file: 'VirtualNetworkTapGet.json', template: `${networkPath}/virtualNetworkTaps/{tapName}` },
  { file: 'VirtualHubGet.json', template: `${networkPath}/virtualHubs/{virtualHubName}` },
];

/** List examples: every listed resource is seeded; each one the route covers must come back unchanged. */
const listExamples: Array<{ file: string; template: string; reparent?: boolean }> = [
  { file: 'VirtualNetworkList.json', template: `${networkPath}/virtualNetworks` },
  { file: 'VirtualNetworkListAll.json', template: `${networkAll}/virtualNetworks` },
  { file: 'SubnetList.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}/subnets` },
  { file: 'VirtualNetworkPeeringList.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings` },
  { file: 'NetworkInterfaceList.json', template: `${networkPath}/networkInterfaces` },
  { file: 'NetworkInterfaceListAll.json', template: `${networkAll}/networkInterfaces` },
  { file: 'NetworkInterfaceTapConfigurationList.json', template: `${networkPath}/networkInterfaces/{networkInterfaceName}/tapConfigurations` },
  { file: 'NetworkSecurityGroupList.json', template: `${networkPath}/networkSecurityGroups` },
  { file: 'NetworkSecurityGroupListAll.json', template: `${networkAll}/networkSecurityGroups` },
  { file: 'NetworkWatcherList.json', template: `${networkPath}/networkWatchers` },
  { file: 'NetworkWatcherListAll.json', template: `${networkAll}/networkWatchers` },
  // Its items' ids name other watchers than the one listed; they are stored under the listed one.
  { file: 'NetworkWatcherFlowLogList.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs`, reparent: true },
  { file: 'NetworkWatcherPacketCapturesList.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures` },
  { file: 'VirtualNetworkTapList.json', template: `${networkPath}/virtualNetworkTaps` },
  { file: 'VirtualNetworkTapListAll.json', template: `${networkAll}/virtualNetworkTaps` },
];

describe('ARM stand-in against the official REST examples', function () {
  this.timeout(20000);

  for (const { file, template } of getExamples) {
    it(`GET ${file.replace('.json', '')}`, async () => {
      const example = loadExample(`${network}/${file}`);
      const path = examplePath(template, example.parameters);
      // NetworkWatcherFlowLogGet's id names another watcher than its request; the resource is stored where the request looks.
      const expected = { ...(example.responses['200'].body as ArmResource), id: decodeURIComponent(path) };
      await withStandIn([...idsIn(expected), ...idsIn(example.parameters), examplePath(groupPath, example.parameters)], async (standIn) => {
        seed(standIn, [expected]);
        const response = await call(standIn, 'GET', path, String(example.parameters['api-version']));
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assertShape(expected, response.body, file);
        assert.deepEqual(valueDifferences(expected, response.body), [], `${file}: values read back differ from the seeded example`);
      });
    });
  }

  for (const { file, template, reparent } of listExamples) {
    it(`GET ${file.replace('.json', '')}`, async () => {
      const example = loadExample(`${network}/${file}`);
      const path = examplePath(template, example.parameters);
      const listedItems = (example.responses['200'].body as { value: ArmResource[] }).value;
      const expected = reparent ? listedItems.map((item) => ({ ...item, id: `${decodeURIComponent(path)}/${item.name}` })) : listedItems;
      await withStandIn([...idsIn(expected), ...idsIn(example.parameters), `/subscriptions/${String(example.parameters.subscriptionId)}`], async (standIn) => {
        seed(standIn, expected);
        ensureParent(standIn, `${decodeURIComponent(path)}/`);
        const response = await call(standIn, 'GET', path, String(example.parameters['api-version']));
        assert.equal(response.status, 200, JSON.stringify(response.body));
        const listed = response.body.value as ArmResource[];
        // An item is covered when it lives under the listed scope (one example lists an id under another watcher).
        const scope = idKey(decodeURIComponent(path).replace(/\/providers\/Microsoft\.Network\/[^/]+$/i, '').replace(/\/[^/]+$/, ''));
        const covered = expected.filter((item) => idKey(item.id).startsWith(scope));
        assert.ok(covered.length > 0, `${file}: no listed item falls under ${path}`);
        for (const item of covered) {
          const answer = listed.find((candidate) => idKey(candidate.id) === idKey(item.id));
          assert.ok(answer, `${file}: ${item.id} is missing from the list`);
          assertShape(item, answer, `${file} ${item.name}`);
          assert.deepEqual(valueDifferences(item, answer), [], `${file} ${item.name}: values differ`);
        }
        assert.equal(listed.length, covered.length);
      });
    });
  }

  it('GET StorageAccountList and POST StorageAccountListKeys', async () => {
    const list = loadExample('storage/resource-manager/Microsoft.Storage/stable/2025-06-01/examples/StorageAccountList.json');
    const accounts = (list.responses['200'].body as { value: ArmResource[] }).value;
    await withStandIn([...idsIn(accounts), '/subscriptions/{subscription-id}/resourceGroups/res418'], async (standIn) => {
      seed(standIn, accounts);
      const response = await call(standIn, 'GET', examplePath('/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts', list.parameters), '2026-09-01');
      assert.equal(response.status, 200);
      const listed = response.body.value as ArmResource[];
      assert.equal(listed.length, accounts.length);
      accounts.forEach((account, index) => {
        assertShape(account, listed[index], `StorageAccountList ${account.name}`);
        assert.deepEqual(valueDifferences(account, listed[index]), []);
      });

      const keysExample = loadExample('storage/resource-manager/Microsoft.Storage/stable/2025-06-01/examples/StorageAccountListKeys.json');
      const accountId = `/subscriptions/{subscription-id}/resourceGroups/res418/providers/Microsoft.Storage/storageAccounts/sto2220`;
      seed(standIn, [{ id: accountId, name: 'sto2220', type: 'Microsoft.Storage/storageAccounts', location: 'eastus', properties: {} }]);
      standIn.state.storageKeys.set(accountId.toLowerCase(), [
        { keyName: 'key1', permissions: 'Full', value: 'a'.repeat(88), creationTime: '2025-01-01T00:00:00Z' },
        { keyName: 'key2', permissions: 'Full', value: 'b'.repeat(88), creationTime: '2025-01-01T00:00:00Z' },
      ]);
      const keys = await call(standIn, 'POST', `${examplePath(`${groupPath}/providers/Microsoft.Storage/storageAccounts/{accountName}`, keysExample.parameters)}/listKeys`, '2026-09-01');
      assert.equal(keys.status, 200);
      assertShape(keysExample.responses['200'].body, keys.body, 'StorageAccountListKeys');
    });
  });

  it('GET GetSubscriptions, GetSubscription, GetProviders and GetProvider', async () => {
    const root = 'resources/resource-manager/Microsoft.Resources/stable';
    const many = loadExample(`${root}/2022-12-01/examples/GetSubscriptions.json`);
    const one = loadExample(`${root}/2022-12-01/examples/GetSubscription.json`);
    const subscriptionId = String(one.parameters.subscriptionId);
    await withStandIn([`/subscriptions/${subscriptionId}/resourceGroups/rg1`], async (standIn) => {
      const subscription = standIn.state.subscription(subscriptionId);
      assert.ok(subscription);
      subscription.tags = { tagKey1: 'tagValue1', tagKey2: 'tagValue2' };
      const listed = await call(standIn, 'GET', '/subscriptions', '2022-12-01');
      assert.equal(listed.status, 200);
      const expectedList = many.responses['200'].body as { value: unknown[] };
      assertShape({ value: expectedList.value }, listed.body, 'GetSubscriptions', true);
      const single = await call(standIn, 'GET', `/subscriptions/${subscriptionId}`, '2022-12-01');
      assertShape(one.responses['200'].body, single.body, 'GetSubscription', true);
      assert.equal(single.body.subscriptionId, subscriptionId);

      const providers = loadExample(`${root}/2025-04-01/examples/GetProviders.json`);
      const provider = loadExample(`${root}/2025-04-01/examples/GetProvider.json`);
      const allProviders = await call(standIn, 'GET', `/subscriptions/${subscriptionId}/providers`, '2025-04-01');
      assertShape(providers.responses['200'].body, allProviders.body, 'GetProviders', true);
      // The example reads a test namespace; the same shape is checked on Microsoft.Network.
      const network = await call(standIn, 'GET', `/subscriptions/${subscriptionId}/providers/Microsoft.Network`, '2025-04-01');
      assertShape(provider.responses['200'].body, network.body, 'GetProvider', true);
      assert.equal(network.body.registrationState, 'Registered');
    });
  });

  it('PUT CreateResourceGroup answers 201, then 200', async () => {
    const example = loadExample('resources/resource-manager/Microsoft.Resources/stable/2025-04-01/examples/CreateResourceGroup.json');
    await withStandIn([`/subscriptions/${String(example.parameters.subscriptionId)}`], async (standIn) => {
      const path = examplePath('/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}', example.parameters);
      const created = await call(standIn, 'PUT', path, '2025-04-01', exampleBody(example));
      assert.equal(created.status, 201);
      assertShape(example.responses['201'].body, created.body, 'CreateResourceGroup 201');
      assert.deepEqual(valueDifferences(example.responses['201'].body, created.body), []);
      const again = await call(standIn, 'PUT', path, '2025-04-01', exampleBody(example));
      assert.equal(again.status, 200);
    });
  });

  /** PUT examples: the prerequisites are seeded, the example's body is sent, and the answer has the example's structure. */
  const putExamples: Array<{ file: string; template: string; prerequisites: (parameters: Example['parameters']) => ArmResource[]; status: number }> = [
    {
      file: 'VirtualNetworkPeeringCreate.json',
      template: `${networkPath}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}`,
      status: 201,
      prerequisites: () => [
        vnet('/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1', ['10.0.0.0/16']),
        vnet('/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet2', ['12.0.0.0/8']),
      ],
    },
    {
      file: 'NetworkInterfaceTapConfigurationCreate.json',
      template: `${networkPath}/networkInterfaces/{networkInterfaceName}/tapConfigurations/{tapConfigurationName}`,
      status: 201,
      prerequisites: () => [
        nic('/subscriptions/subid/resourceGroups/testrg/providers/Microsoft.Network/networkInterfaces/mynic'),
        nic('/subscriptions/subid/resourceGroups/testrg/providers/Microsoft.Network/networkInterfaces/collector'),
        {
          id: '/subscriptions/subid/resourceGroups/testrg/providers/Microsoft.Network/virtualNetworkTaps/testvtap',
          name: 'testvtap',
          type: 'Microsoft.Network/virtualNetworkTaps',
          // The NICs' region: a TAP mirrors only NICs of its own region.
          location: 'centraluseuap',
          properties: { provisioningState: 'Succeeded', destinationNetworkInterfaceIPConfiguration: { id: '/subscriptions/subid/resourceGroups/testrg/providers/Microsoft.Network/networkInterfaces/collector/ipConfigurations/ipconfig1' }, destinationPort: 4789, networkInterfaceTapConfigurations: [] },
        },
      ],
    },
    {
      // New NSG flow logs are blocked since June 30, 2025, so the example runs as an update of an existing one (its 200 answer).
      file: 'NetworkWatcherFlowLogCreate.json',
      template: `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}`,
      status: 200,
      prerequisites: () => [
        {
          id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1/flowLogs/fl',
          name: 'fl',
          type: 'Microsoft.Network/networkWatchers/FlowLogs',
          location: 'centraluseuap',
          properties: { provisioningState: 'Succeeded', targetResourceId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/desmondcentral-nsg', storageId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/nwtest1mgvbfmqsigdxe', enabled: false },
        },
        { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1', name: 'nw1', type: 'Microsoft.Network/networkWatchers', location: 'centraluseuap', properties: { provisioningState: 'Succeeded' } },
        { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/desmondcentral-nsg', name: 'desmondcentral-nsg', type: 'Microsoft.Network/networkSecurityGroups', location: 'centraluseuap', properties: { provisioningState: 'Succeeded', resourceGuid: '00000000-0000-0000-0000-000000000000' } },
        { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/nwtest1mgvbfmqsigdxe', name: 'nwtest1mgvbfmqsigdxe', type: 'Microsoft.Storage/storageAccounts', location: 'centraluseuap', properties: {} },
      ],
    },
    {
      file: 'NetworkWatcherPacketCaptureCreate.json',
      template: `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures/{packetCaptureName}`,
      status: 201,
      prerequisites: () => [
        { id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1', name: 'nw1', type: 'Microsoft.Network/networkWatchers', location: 'eastus', properties: { provisioningState: 'Succeeded' } },
        { id: '/subscriptions/subid/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/pcstore', name: 'pcstore', type: 'Microsoft.Storage/storageAccounts', location: 'eastus', properties: {} },
        { id: '/subscriptions/subid/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm1', name: 'vm1', type: 'Microsoft.Compute/virtualMachines', location: 'eastus', properties: { storageProfile: { osDisk: { osType: 'Windows' } } } },
        { id: '/subscriptions/subid/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm1/extensions/AzureNetworkWatcherExtension', name: 'AzureNetworkWatcherExtension', type: 'Microsoft.Compute/virtualMachines/extensions', location: 'eastus', properties: { publisher: 'Microsoft.Azure.NetworkWatcher', type: 'NetworkWatcherAgentWindows', typeHandlerVersion: '1.4', provisioningState: 'Succeeded' } },
      ],
    },
    {
      file: 'NetworkWatcherCreate.json',
      template: `${networkPath}/networkWatchers/{networkWatcherName}`,
      status: 201,
      prerequisites: () => [],
    },
    {
      file: 'NetworkSecurityGroupRuleCreate.json',
      template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}`,
      status: 201,
      prerequisites: () => [{ id: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/testnsg', name: 'testnsg', type: 'Microsoft.Network/networkSecurityGroups', location: 'westus', properties: { provisioningState: 'Succeeded' } }],
    },
  ];

  for (const { file, template, prerequisites, status } of putExamples) {
    it(`PUT ${file.replace('.json', '')}`, async () => {
      const example = loadExample(`${network}/${file}`);
      const extra = prerequisites(example.parameters);
      await withStandIn([...idsIn(example.parameters), ...extra.map((item) => item.id), examplePath(groupPath, example.parameters)], async (standIn) => {
        seed(standIn, extra);
        const path = examplePath(template, example.parameters);
        const body = exampleBody(example);
        const response = await call(standIn, 'PUT', path, String(example.parameters['api-version']), body);
        assert.equal(response.status, status, JSON.stringify(response.body));
        assertShape(example.responses[String(status)].body, response.body, `${file} ${status}`, true);
        assert.equal(response.body.id, decodeURIComponent(path), 'the id is the request URL, with its casing');
        const requestProperties = (body?.properties ?? {}) as Record<string, unknown>;
        assert.deepEqual(valueDifferences(requestProperties, response.body.properties), [], `${file}: the answer does not echo the request's properties`);
        const polling = response.headers['azure-asyncoperation'];
        if (file !== 'NetworkWatcherCreate.json') {
          assert.equal(typeof polling, 'string', 'long-running PUTs carry Azure-AsyncOperation');
          const operation = await rawRequest(standIn, 'GET', String(polling).replace(standIn.url, ''), { tenantId });
          assert.ok(['InProgress', 'Succeeded'].includes(String(operation.body.status)));
        }
      });
    });
  }

  it('PUT VirtualNetworkTapCreate answers 201, and 200 with the tap configurations that use it', async () => {
    const example = loadExample(`${network}/VirtualNetworkTapCreate.json`);
    const nicId = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/testNetworkInterface';
    await withStandIn(['/subscriptions/subid/resourceGroups/rg1'], async (standIn) => {
      seed(standIn, [nic(nicId), nic(`${nicId}2`)]);
      const path = examplePath(`${networkPath}/virtualNetworkTaps/{tapName}`, example.parameters);
      const body = exampleBody(example);
      const created = await call(standIn, 'PUT', path, '2026-01-01', body);
      assert.equal(created.status, 201);
      assertShape(example.responses['201'].body, created.body, 'VirtualNetworkTapCreate 201', true);
      const tapConfigurationPath = `/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/testNetworkInterface2/tapConfigurations/testtapConfiguration`;
      const configured = await call(standIn, 'PUT', tapConfigurationPath, '2026-01-01', { properties: { virtualNetworkTap: { id: decodeURIComponent(path) } } });
      assert.equal(configured.status, 201);
      await rawRequest(standIn, 'GET', String(configured.headers['azure-asyncoperation']).replace(standIn.url, ''), { tenantId });
      await rawRequest(standIn, 'GET', String(configured.headers['azure-asyncoperation']).replace(standIn.url, ''), { tenantId });
      const updated = await call(standIn, 'PUT', path, '2026-01-01', body);
      assert.equal(updated.status, 200);
      assertShape(example.responses['200'].body, updated.body, 'VirtualNetworkTapCreate 200');
    });
  });

  const deleteExamples: Array<{ file: string; template: string; seedId: string }> = [
    { file: 'VirtualNetworkPeeringDelete.json', template: `${networkPath}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}`, seedId: '/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1/virtualNetworkPeerings/peer' },
    { file: 'VirtualNetworkTapDelete.json', template: `${networkPath}/virtualNetworkTaps/{tapName}`, seedId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworkTaps/test-vtap' },
    { file: 'NetworkInterfaceTapConfigurationDelete.json', template: `${networkPath}/networkInterfaces/{networkInterfaceName}/tapConfigurations/{tapConfigurationName}`, seedId: '/subscriptions/subid/resourceGroups/testrg/providers/Microsoft.Network/networkInterfaces/mynic/tapConfigurations/tapconfiguration1' },
    { file: 'NetworkWatcherFlowLogDelete.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}`, seedId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1/flowLogs/fl' },
    { file: 'NetworkWatcherPacketCaptureDelete.json', template: `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures/{packetCaptureName}`, seedId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1/packetCaptures/pc1' },
    { file: 'NetworkSecurityGroupDelete.json', template: `${networkPath}/networkSecurityGroups/{networkSecurityGroupName}`, seedId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/testnsg' },
    { file: 'NetworkInterfaceDelete.json', template: `${networkPath}/networkInterfaces/{networkInterfaceName}`, seedId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/test-nic' },
  ];

  for (const { file, template, seedId } of deleteExamples) {
    it(`DELETE ${file.replace('.json', '')}: 202 with Location until done, then gone; 204 when absent`, async () => {
      const example = loadExample(`${network}/${file}`);
      await withStandIn([seedId], async (standIn) => {
        ensureParent(standIn, seedId);
        standIn.state.put({ id: seedId, name: seedId.split('/').at(-1) ?? '', type: typeFromId(seedId) ?? '', properties: { provisioningState: 'Succeeded' } });
        const path = examplePath(template, example.parameters);
        const apiVersion = String(example.parameters['api-version']);
        const accepted = await call(standIn, 'DELETE', path, apiVersion);
        assert.ok(example.responses['202'], `${file} declares 202`);
        assert.equal(accepted.status, 202);
        const location = String(accepted.headers.location);
        assert.ok(location.startsWith(standIn.url), 'Location points back at the stand-in');
        const pending = await rawRequest(standIn, 'GET', location.replace(standIn.url, ''), { tenantId });
        assert.equal(pending.status, 202);
        const done = await rawRequest(standIn, 'GET', location.replace(standIn.url, ''), { tenantId });
        assert.equal(done.status, 204);
        const read = await call(standIn, 'GET', path, apiVersion);
        assert.equal(read.status, 404);
        const again = await call(standIn, 'DELETE', path, apiVersion);
        assert.equal(again.status, 204);
        assert.ok(example.responses['204'], `${file} declares 204`);
      });
    });
  }
});

function vnet(id: string, prefixes: string[]): ArmResource {
  return { id, name: id.split('/').at(-1) ?? '', type: 'Microsoft.Network/virtualNetworks', location: 'westus', properties: { provisioningState: 'Succeeded', addressSpace: { addressPrefixes: prefixes } } };
}

function nic(id: string): ArmResource {
  return {
    id,
    name: id.split('/').at(-1) ?? '',
    type: 'Microsoft.Network/networkInterfaces',
    location: 'centraluseuap',
    properties: { provisioningState: 'Succeeded', ipConfigurations: [{ id: `${id}/ipConfigurations/ipconfig1`, name: 'ipconfig1', properties: { privateIPAddress: '10.0.0.4' } }] },
  };
}
