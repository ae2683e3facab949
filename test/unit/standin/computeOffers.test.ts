import { ComputeManagementClient } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { defaultComputeCatalog } from '../../standin/computeCatalog';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, collect, errorCode, rawRequest } from './standInHarness';

/** The demo estate with a dev subscription whose catalogue restricts one size in one region. */
function topology() {
  const estate = demoTopology();
  const dev = estate.subscriptions.find((subscription) => subscription.subscriptionId === devSubscriptionId);
  assert.ok(dev);
  const sizes = defaultComputeCatalog().sizes.map((size) => (size.name === 'Standard_D2s_v5' ? { ...size, restrictedIn: ['uksouth'] } : size));
  dev.compute = { sizes, quotas: { uksouth: { totalVCpus: 10, families: { standardDSv5Family: 4 } } } };
  return estate;
}

describe('ARM stand-in: Microsoft.Compute offers (Resource SKUs) through @azure/arm-compute', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const compute = (subscriptionId: string) => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), subscriptionId, clientOptions(standIn));

  before(async () => {
    standIn = await startStandIn({ topology: topology(), pageSize: 4 });
  });

  after(async () => {
    await standIn.close();
  });

  it('lists the sizes of one region with capabilities, following nextLink, at 2021-07-01', async () => {
    const skus = await collect(compute(hubSubscriptionId).resourceSkus.list({ filter: "location eq 'germanywestcentral'" }));
    assert.deepEqual(skus.map((sku) => sku.name), defaultComputeCatalog().sizes.map((size) => size.name));
    const d2 = skus.find((sku) => sku.name === 'Standard_D2s_v5');
    assert.equal(d2?.resourceType, 'virtualMachines');
    assert.deepEqual(d2?.locations, ['germanywestcentral']);
    assert.equal(d2?.family, 'standardDSv5Family');
    assert.equal(d2?.capabilities?.find((capability) => capability.name === 'vCPUs')?.value, '2');
    assert.equal(d2?.capabilities?.find((capability) => capability.name === 'AcceleratedNetworkingEnabled')?.value, 'True');
    assert.equal(skus.find((sku) => sku.name === 'Standard_B2s')?.capabilities?.find((capability) => capability.name === 'AcceleratedNetworkingEnabled')?.value, 'False');
    assert.deepEqual(d2?.restrictions, []);
    assert.deepEqual([...(standIn.requests.apiVersions.get('GET /subscriptions/{subscriptionId}/providers/Microsoft.Compute/skus') ?? [])], ['2021-07-01']);
  });

  it('lists every region a size is offered in without a filter', async () => {
    const skus = await collect(compute(hubSubscriptionId).resourceSkus.list());
    const regionsOfD2 = skus.filter((sku) => sku.name === 'Standard_D2s_v5').map((sku) => sku.locations?.[0]);
    assert.ok(regionsOfD2.includes('germanywestcentral') && regionsOfD2.includes('uksouth'));
  });

  it('keeps a size restricted for the subscription listed, with a NotAvailableForSubscription location restriction', async () => {
    const skus = await collect(compute(devSubscriptionId).resourceSkus.list({ filter: "location eq 'uksouth'" }));
    const d2 = skus.find((sku) => sku.name === 'Standard_D2s_v5');
    assert.equal(d2?.restrictions?.length, 1);
    assert.equal(d2?.restrictions?.[0].type, 'Location');
    assert.deepEqual(d2?.restrictions?.[0].values, ['uksouth']);
    assert.deepEqual(d2?.restrictions?.[0].restrictionInfo?.locations, ['uksouth']);
    assert.equal(d2?.restrictions?.[0].reasonCode, 'NotAvailableForSubscription');
    assert.deepEqual(skus.find((sku) => sku.name === 'Standard_D4s_v5')?.restrictions, []);
  });

  it('refuses a filter other than location, and the compute api-version on the skus route', async () => {
    const wrongFilter = await rawRequest(standIn, 'GET', `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=${encodeURIComponent("name eq 'x'")}`, { tenantId: demoTenantId });
    assert.equal(wrongFilter.status, 400);
    assert.equal(errorCode(wrongFilter), 'InvalidParameter');
    const wrongVersion = await rawRequest(standIn, 'GET', `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Compute/skus?api-version=2026-04-01`, { tenantId: demoTenantId });
    assert.equal(wrongVersion.status, 400);
    assert.equal(errorCode(wrongVersion), 'NoRegisteredProviderFound');
  });
});
