import assert from 'node:assert/strict';
import { tapSupportedRegions } from '../../../src/wizards/tap/tapRegions';
import { crossTenantTapCode } from '../../standin/routes/tapConfigurations';
import { startStandIn, type StandIn } from '../../standin/server';
import { tapPreviewRegions } from '../../standin/tapPreview';
import { armIds, type Topology } from '../../standin/topology';
import { collectorNicId, collectorTapId, demoTenantId, demoTopology, hubSubscriptionId, partnerTenantId } from '../../standin/topologies/demo';
import { rawRequest } from './standInHarness';

const partnerSubscriptionId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const partnerNicId = armIds.networkInterface(partnerSubscriptionId, 'rg-partner', 'nic-partner-01');
const unenrolledSubscriptionId = '5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e';
const api = 'api-version=2026-01-01';

function topology(): Topology {
  const world = demoTopology();
  const partnerSubnet = armIds.subnet(partnerSubscriptionId, 'rg-partner', 'vnet-partner', 'snet-a');
  world.subscriptions.push(
    {
      subscriptionId: partnerSubscriptionId,
      displayName: 'Fabrikam Shared',
      tenantId: partnerTenantId,
      resourceGroups: [
        {
          name: 'rg-partner',
          location: 'germanywestcentral',
          virtualNetworks: [{ name: 'vnet-partner', addressPrefixes: ['10.60.0.0/16'], subnets: [{ name: 'snet-a', addressPrefix: '10.60.1.0/24' }] }],
          networkInterfaces: [{ name: 'nic-partner-01', subnetId: partnerSubnet, privateIpAddress: '10.60.1.4', macAddress: '00-0D-3A-60-01-04' }],
        },
      ],
    },
    {
      subscriptionId: unenrolledSubscriptionId,
      displayName: 'Not enrolled',
      tenantId: demoTenantId,
      tapPreview: { enrolled: false },
      resourceGroups: [{ name: 'rg-new', location: 'germanywestcentral' }],
    },
  );
  return world;
}

function tapBody(location: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { location, properties: { destinationNetworkInterfaceIPConfiguration: { id: armIds.ipConfiguration(collectorNicId) }, ...extra } };
}

function errorOf(response: { body: Record<string, unknown> }): { code: string; message: string; details?: Array<{ message: string }> } {
  return response.body.error as { code: string; message: string; details?: Array<{ message: string }> };
}

describe('ARM stand-in: virtual network TAP rules', function () {
  this.timeout(20_000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: topology() });
  });
  after(async () => standIn.close());

  it('offers TAP in the same regions the extension plans with', () => {
    assert.deepEqual([...tapPreviewRegions].sort(), [...tapSupportedRegions].sort());
  });

  it('refuses a TAP in a region without the preview with LocationNotAvailableForResourceType, naming the regions', async () => {
    const path = `${armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-weu')}?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body: tapBody('westeurope') });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).code, 'LocationNotAvailableForResourceType');
    assert.match(errorOf(refused).message, /'westeurope' is not available for resource type 'Microsoft\.Network\/virtualNetworkTaps'.*germanywestcentral/);
  });

  it('refuses a TAP in a subscription not enrolled in the preview', async () => {
    const path = `${armIds.virtualNetworkTap(unenrolledSubscriptionId, 'rg-new', 'vtap-1')}?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body: tapBody('germanywestcentral') });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).code, 'SubscriptionNotRegisteredForFeature');
  });

  it('refuses a destination in another region than the TAP, as it refuses a missing one', async () => {
    const path = `${armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-uks')}?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body: tapBody('uksouth') });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).code, 'InvalidResourceReference');
    assert.match(errorOf(refused).message, /both resources are in the same region/);
  });

  it('refuses a destination port outside 1–65535', async () => {
    const path = `${armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-port')}?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body: tapBody('germanywestcentral', { destinationPort: 70000 }) });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).code, 'InvalidDestinationPort');
    assert.match(errorOf(refused).message, /70000/);
  });

  it('refuses a tap configuration on a NIC of another tenant than the TAP', async () => {
    const path = `${partnerNicId}/tapConfigurations/tapcfg-partner?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, { tenantId: partnerTenantId, body: { properties: { virtualNetworkTap: { id: collectorTapId } } } });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).code, crossTenantTapCode);
    assert.match(errorOf(refused).message, /another Microsoft Entra tenant/);
  });

  it('refuses a TAP body its definition does not allow: unknown member, wrong type, bad enum, read-only value, each by path', async () => {
    const path = `${armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-bad')}?${api}`;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [tapBody('germanywestcentral', { destinationPorts: 4789 }), /Could not find member 'destinationPorts' on object of type 'VirtualNetworkTapPropertiesFormat'\. Path 'properties\.destinationPorts'/],
      [tapBody('germanywestcentral', { destinationPort: '4789' }), /Error converting value "4789" to type 'Int32'\. Path 'properties\.destinationPort'/],
      [tapBody('germanywestcentral', { provisioningState: 'Succeeded' }), /Property 'properties\.provisioningState' of VirtualNetworkTapPropertiesFormat is read-only/],
      [{ ...tapBody('germanywestcentral'), tags: { owner: 7 } }, /Error converting value 7 to type 'string'\. Path 'tags\.owner'/],
    ];
    for (const [body, message] of cases) {
      const refused = await rawRequest(standIn, 'PUT', path, { tenantId: demoTenantId, body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(errorOf(refused).code, 'InvalidRequestFormat');
      assert.match(errorOf(refused).details?.[0]?.message ?? '', message);
    }
    assert.equal(standIn.state.get(armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-bad')), undefined, 'nothing was created');
  });

  it('refuses a security rule with an access outside the enum, as the provider does', async () => {
    const path = `${armIds.networkSecurityGroup(hubSubscriptionId, 'rg-hub-network', 'nsg-collectors')}/securityRules/allow-vxlan?${api}`;
    const refused = await rawRequest(standIn, 'PUT', path, {
      tenantId: demoTenantId,
      body: { properties: { priority: 200, direction: 'Inbound', access: 'Permit', protocol: 'Udp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '4789' } },
    });
    assert.equal(refused.status, 400);
    assert.match(errorOf(refused).details?.[0]?.message ?? '', /Error converting value "Permit" to type 'SecurityRuleAccess'\. Path 'properties\.access'/);
  });
});
