import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, prodSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest } from './standInHarness';

const nsgPath = `${armIds.networkSecurityGroup(prodSubscriptionId, 'rg-prod-network', 'nsg-prod-web')}`;

describe('ARM stand-in: security rules checked as the network provider checks them', function () {
  this.timeout(20000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  const base = { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '443', sourceAddressPrefix: '*', destinationAddressPrefix: '*', access: 'Allow', priority: 300, direction: 'Inbound' };

  async function putRule(properties: Record<string, unknown>) {
    return rawRequest(standIn, 'PUT', `${nsgPath}/securityRules/checked?api-version=2026-01-01`, { tenantId: demoTenantId, body: { properties: { ...base, ...properties } } });
  }

  async function putNsg(properties: Record<string, unknown>) {
    return rawRequest(standIn, 'PUT', `${nsgPath}?api-version=2026-01-01`, { tenantId: demoTenantId, body: { location: 'germanywestcentral', properties: { securityRules: [{ name: 'checked', properties: { ...base, ...properties } }] } } });
  }

  it('refuses port ranges that are not a port, a low-high range within 0–65535, or *', async () => {
    for (const destinationPortRange of ['70000', '443,80', '90-80', 'any']) {
      const answer = await putRule({ destinationPortRange });
      assert.equal(errorCode(answer), 'SecurityRuleInvalidPortRange', destinationPortRange);
      assert.match(JSON.stringify(answer.body), new RegExp(`Value provided: ${destinationPortRange}\\.`));
    }
    assert.equal(errorCode(await putNsg({ destinationPortRange: undefined, destinationPortRanges: ['443', '8080-8090', '99999'] })), 'SecurityRuleInvalidPortRange');
  });

  it('refuses a prefix with host bits set, or that is no address, and a tag or * in an address list', async () => {
    const misaligned = await putRule({ sourceAddressPrefix: '50.206.209.68/27' });
    assert.equal(errorCode(misaligned), 'SecurityRuleInvalidAddressPrefix');
    assert.match(JSON.stringify(misaligned.body), /has invalid Address prefix\. Value provided: 50\.206\.209\.68\/27/);
    assert.equal(errorCode(await putRule({ sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.0.0/33'] })), 'SecurityRuleInvalidAddressPrefix');
    const tagged = await putNsg({ destinationAddressPrefix: undefined, destinationAddressPrefixes: ['10.1.1.4', 'VirtualNetwork'] });
    assert.equal(errorCode(tagged), 'SecurityRuleParameterContainsUnsupportedValue');
    assert.match(JSON.stringify(tagged.body), /Unsupported value used: VirtualNetwork/);
  });

  it('accepts tags and * in the single fields, addresses, aligned IPv4 and IPv6 blocks, and port lists', async () => {
    for (const properties of [
      { sourceAddressPrefix: 'AzureLoadBalancer' },
      { sourceAddressPrefix: 'Storage.WestEurope', destinationAddressPrefix: '10.1.1.4' },
      { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'], destinationPortRange: undefined, destinationPortRanges: ['80', '8000-8100'] },
    ]) {
      const answer = await putRule(properties);
      assert.ok(answer.status === 200 || answer.status === 201, `${JSON.stringify(properties)}: ${JSON.stringify(answer.body)}`);
    }
  });
});
