import assert from 'node:assert/strict';
import { createTestToken } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubSubscriptionId, partnerTenantId, prodSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest } from './standInHarness';

const hubNetwork = `/subscriptions/${hubSubscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network`;
const api = 'api-version=2026-01-01';

describe('ARM stand-in: errors, headers and control endpoint as ARM answers them', function () {
  this.timeout(10000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn.close();
  });

  afterEach(() => standIn.faults.reset());

  const get = (path: string, options: Parameters<typeof rawRequest>[3] = {}) => rawRequest(standIn, 'GET', path, { tenantId: demoTenantId, ...options });

  it('refuses a missing, malformed, expired or wrongly addressed token with ARM\'s 401 codes', async () => {
    const path = `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Network/virtualNetworks?${api}`;
    const missing = await get(path, { token: null });
    assert.equal(missing.status, 401);
    assert.equal(errorCode(missing), 'AuthenticationFailed');
    assert.match(String(missing.headers['www-authenticate']), /^Bearer /);
    assert.equal(errorCode(await get(path, { token: 'not-a-jwt' })), 'InvalidAuthenticationToken');
    const expired = await get(path, { token: createTestToken({ tenantId: demoTenantId, expiresInSeconds: -120 }).token });
    assert.equal(expired.status, 401);
    assert.equal(errorCode(expired), 'ExpiredAuthenticationToken');
    assert.match(String((expired.body.error as { message: string }).message), /is earlier than current UTC time/);
    const storageToken = createTestToken({ tenantId: demoTenantId, audience: 'https://storage.azure.com/' }).token;
    assert.equal(errorCode(await get(path, { token: storageToken })), 'InvalidAuthenticationTokenAudience');
    const otherTenant = await get(path, { token: createTestToken({ tenantId: partnerTenantId }).token });
    assert.equal(otherTenant.status, 401);
    assert.equal(errorCode(otherTenant), 'InvalidAuthenticationTokenTenant');
  });

  it('answers missing things with the code ARM uses for each kind, plus request and correlation ids', async () => {
    const subscription = await get(`/subscriptions/00000000-0000-0000-0000-00000000dead/providers/Microsoft.Network/virtualNetworks?${api}`);
    assert.equal(subscription.status, 404);
    assert.equal(errorCode(subscription), 'SubscriptionNotFound');
    assert.equal(errorCode(await get(`/subscriptions/${hubSubscriptionId}/resourceGroups/rg-missing/providers/Microsoft.Network/virtualNetworks?${api}`)), 'ResourceGroupNotFound');
    const vnet = await get(`${hubNetwork}/virtualNetworks/vnet-missing?${api}`);
    assert.equal(errorCode(vnet), 'ResourceNotFound');
    assert.match(String((vnet.body.error as { message: string }).message), /Microsoft\.Network\/virtualNetworks\/vnet-missing' under resource group 'rg-hub-network' was not found/);
    const subnet = await get(`${hubNetwork}/virtualNetworks/vnet-hub/subnets/snet-missing?${api}`);
    assert.equal(subnet.status, 404);
    assert.equal(errorCode(subnet), 'NotFound');
    assert.match(String(subnet.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
    assert.match(String(subnet.headers['x-ms-correlation-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('checks api-version: missing, unknown for a provider type, unknown for Microsoft.Resources', async () => {
    assert.equal(errorCode(await get(`${hubNetwork}/virtualNetworks/vnet-hub`)), 'MissingApiVersionParameter');
    const network = await get(`${hubNetwork}/virtualNetworks/vnet-hub?api-version=2030-01-01`);
    assert.equal(network.status, 400);
    assert.equal(errorCode(network), 'NoRegisteredProviderFound');
    assert.match(String((network.body.error as { message: string }).message), /for location 'germanywestcentral' and API version '2030-01-01' for type 'virtualNetworks'\. The supported api-versions are '2026-01-01/);
    const groups = await get(`/subscriptions/${hubSubscriptionId}/resourcegroups?api-version=2030-01-01`);
    assert.equal(errorCode(groups), 'InvalidApiVersionParameter');
  });

  it('matches ids case-insensitively and answers with the casing the resource was created with', async () => {
    const lower = await get(`${hubNetwork}/virtualNetworks/vnet-hub?${api}`.toLowerCase());
    assert.equal(lower.status, 200);
    assert.equal(lower.body.id, `${hubNetwork}/virtualNetworks/vnet-hub`);
  });

  it('refuses any request to a namespace the subscription has not registered', async () => {
    const subscription = standIn.state.subscription(prodSubscriptionId);
    assert.ok(subscription);
    subscription.registeredProviders.delete('microsoft.network');
    try {
      const refused = await get(`/subscriptions/${prodSubscriptionId}/providers/Microsoft.Network/networkInterfaces?${api}`);
      assert.equal(refused.status, 409);
      assert.equal(errorCode(refused), 'MissingSubscriptionRegistration');
    } finally {
      subscription.registeredProviders.add('microsoft.network');
    }
  });

  it('takes faults over HTTP at /_standin/faults and reports request counts at /_standin/requests', async () => {
    const added = await rawRequest(standIn, 'POST', '/_standin/faults', { token: null, body: { kind: 'throttle', match: '/loadBalancers', retryAfterMs: 250, count: 1 } });
    assert.equal(added.status, 200);
    const throttled = await get(`/subscriptions/${hubSubscriptionId}/providers/Microsoft.Network/loadBalancers?${api}`);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['x-ms-retry-after-ms'], '250');
    assert.equal(errorCode(throttled), 'SubscriptionRequestsThrottled');
    const next = await get(`/subscriptions/${hubSubscriptionId}/providers/Microsoft.Network/loadBalancers?${api}`);
    assert.equal(next.status, 200, 'the fault applied to one request only');
    const bad = await rawRequest(standIn, 'POST', '/_standin/faults', { token: null, body: { kind: 'meteor' } });
    assert.equal(bad.status, 400);
    assert.match(String((bad.body.error as { message: string }).message), /Unknown fault kind "meteor"/);
    const counts = await rawRequest(standIn, 'GET', '/_standin/requests', { token: null });
    assert.equal((counts.body.byRoute as Record<string, number>)['GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/loadBalancers'], 2);
  });
});
