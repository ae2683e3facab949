import assert from 'node:assert/strict';
import { toArmProblem } from '../../../src/azure/armProblem';
import { startStandIn, type StandIn } from '../../standin/server';
import { types } from '../../standin/types';
import { demoTenantId, demoTopology, devSubscriptionId } from '../../standin/topologies/demo';
import { rawRequest, sdkClients, type RawResponse } from './standInHarness';

const api = 'api-version=2026-01-01';
const group = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network`;
const vnetPath = (name: string) => `${group}/virtualNetworks/${name}?${api}`;
const rulePath = (name: string) => `${group}/networkSecurityGroups/nsg-dev-app/securityRules/${name}?${api}`;
const vnetBody = { location: 'uksouth', properties: { addressSpace: { addressPrefixes: ['10.2.0.0/16'] } } };
const ruleBody = { properties: { priority: 300, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.2.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' } };

function preconditionDetail(response: RawResponse): { code: string; message: string } {
  const error = response.body.error as { code: string; message: string; details: Array<{ code: string; message: string }> };
  assert.equal(response.status, 412);
  assert.equal(error.code, 'PreconditionFailed');
  assert.equal(error.message, 'Precondition failed.');
  return error.details[0];
}

describe('ARM stand-in: etags, If-Match and If-None-Match on network resources', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => rawRequest(standIn, method, path, { tenantId: demoTenantId, headers, ...(body === undefined ? {} : { body }) });

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  /** Polls a long-running PUT to its end: the VNet takes another write only then (AnotherOperationInProgress before). */
  async function settled(response: RawResponse): Promise<RawResponse> {
    const operation = String(response.headers['azure-asyncoperation'] ?? '');
    for (let poll = 0; operation !== '' && poll < 10; poll += 1) {
      const status = await rawRequest(standIn, 'GET', operation.replace(standIn.url, ''), { tenantId: demoTenantId });
      if (status.body.status !== 'InProgress') {
        break;
      }
    }
    return response;
  }

  after(async () => {
    await standIn.close();
  });

  it('gives every network resource of the demo an etag', () => {
    const networkTypes = Object.values(types).filter((type) => type.startsWith('Microsoft.Network/'));
    const missing = networkTypes.flatMap((type) => standIn.state.list(type)).filter((resource) => !/^W\/"[^"]+"$/.test(String(resource.etag))).map((resource) => resource.id);
    assert.deepEqual(missing, []);
    assert.ok(networkTypes.reduce((sum, type) => sum + standIn.state.count(type), 0) > 20);
  });

  it('returns the same etag on GET, in the list and on the PUT that set it', async () => {
    const read = await call('GET', vnetPath('vnet-dev-spoke'));
    assert.match(String(read.body.etag), /^W\/"[0-9a-f-]{36}"$/);
    const listed = await call('GET', `${group}/virtualNetworks?${api}`);
    assert.equal((listed.body.value as Array<{ name: string; etag: string }>).find((vnet) => vnet.name === 'vnet-dev-spoke')?.etag, read.body.etag);
    const put = await call('PUT', vnetPath('vnet-dev-spoke'), { 'If-Match': String(read.body.etag) }, vnetBody);
    assert.equal(put.status, 200);
    assert.notEqual(put.body.etag, read.body.etag, 'a change gives a new etag');
    assert.equal((await call('GET', vnetPath('vnet-dev-spoke'))).body.etag, put.body.etag);
    await settled(put);
  });

  it('refuses a PUT whose If-Match does not match, with ARM\'s 412 shape naming both etags', async () => {
    const current = String((await call('GET', vnetPath('vnet-dev-spoke'))).body.etag);
    const stale = 'W/"00000000-0000-0000-0000-000000000000"';
    const refused = await call('PUT', vnetPath('vnet-dev-spoke'), { 'If-Match': stale }, vnetBody);
    const detail = preconditionDetail(refused);
    assert.equal(detail.code, 'PreconditionFailedEtagMismatch');
    assert.equal(detail.message, `Etag provided in if-match header ${stale} does not match etag ${current} of resource /subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/virtualNetworks/vnet-dev-spoke.`);
    assert.equal((await call('GET', vnetPath('vnet-dev-spoke'))).body.etag, current, 'nothing changed');
    assert.equal((await settled(await call('PUT', vnetPath('vnet-dev-spoke'), { 'If-Match': `${stale}, ${current}` }, vnetBody))).status, 200, 'one of several matches');
  });

  it('matches any existing resource with If-Match: *, and no absent one', async () => {
    assert.equal((await settled(await call('PUT', vnetPath('vnet-dev-spoke'), { 'If-Match': '*' }, vnetBody))).status, 200);
    assert.equal(preconditionDetail(await call('PUT', vnetPath('vnet-dev-new'), { 'If-Match': '*' }, { ...vnetBody, properties: { addressSpace: { addressPrefixes: ['10.9.0.0/16'] } } })).code, 'PreconditionFailedResourceNotFound');
    assert.equal((await call('GET', vnetPath('vnet-dev-new'))).status, 404);
  });

  it('creates only what does not exist with If-None-Match: *', async () => {
    assert.equal(preconditionDetail(await call('PUT', rulePath('allow-ssh-from-hub'), { 'If-None-Match': '*' }, { properties: { ...ruleBody.properties, priority: 100, destinationPortRange: '22' } })).code, 'PreconditionFailedResourceExists');
    const created = await call('PUT', rulePath('allow-https-in'), { 'If-None-Match': '*' }, ruleBody);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(String(created.body.etag), /^W\/"/);
  });

  it('reaches the extension through the SDK as a problem that names the etags and says what to do (SDK poller)', async () => {
    const { network } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    network.pipeline.addPolicy({
      name: 'staleIfMatch',
      sendRequest: (request, next) => {
        if (request.method === 'PUT') {
          request.headers.set('If-Match', 'W/"stale"');
        }
        return next(request);
      },
    });
    const error = await network.virtualNetworks.beginCreateOrUpdateAndWait('rg-dev-network', 'vnet-dev-spoke', { location: 'uksouth', addressSpace: { addressPrefixes: ['10.2.0.0/16'] } }, { updateIntervalInMs: 5 })
      .then(() => undefined, (failure: unknown) => failure);
    const problem = toArmProblem(error);
    assert.deepEqual([problem.code, problem.status], ['PreconditionFailed', 412]);
    // The SDK's long-running poller keeps only ARM's code and message, not the details.
    assert.equal(problem.message, 'Precondition failed. The resource changed since it was read: refresh the view and try again.');
  });

  it('honours If-Match on DELETE: a stale etag is refused, the current one deletes', async () => {
    const rule = await call('GET', rulePath('allow-ssh-from-hub'));
    const stale = await call('DELETE', rulePath('allow-ssh-from-hub'), { 'If-Match': 'W/"stale"' });
    assert.equal(preconditionDetail(stale).code, 'PreconditionFailedEtagMismatch');
    assert.equal((await call('GET', rulePath('allow-ssh-from-hub'))).status, 200);
    assert.equal((await call('DELETE', rulePath('allow-ssh-from-hub'), { 'If-Match': String(rule.body.etag) })).status, 202);
    assert.equal(preconditionDetail(await call('DELETE', rulePath('absent-rule'), { 'If-Match': '*' })).code, 'PreconditionFailedResourceNotFound');
    assert.equal((await call('DELETE', rulePath('absent-rule'))).status, 204, 'without a condition, deleting nothing is still 204');
  });
});
