import { ComputeManagementClient } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import type { Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, errorCode, rawRequest } from './standInHarness';

const region = 'germanywestcentral';
const imagesPath = `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Compute/locations/${region}/publishers`;

function topology(): Topology {
  const estate = demoTopology();
  const hub = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId);
  assert.ok(hub);
  hub.compute = {
    images: [
      { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', versions: ['24.04.202409120', '24.04.202411030'], osType: 'Linux', hyperVGeneration: 'V2' },
      { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server-gen1', versions: ['24.04.202411030'], osType: 'Linux', hyperVGeneration: 'V1' },
      { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', versions: ['22.04.202410020', '22.04.202409090', '22.04.202411010'], osType: 'Linux', hyperVGeneration: 'V2' },
      { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', versions: ['20348.2762.241006'], osType: 'Windows', hyperVGeneration: 'V2' },
    ],
  };
  return estate;
}

describe('ARM stand-in: virtual machine images through @azure/arm-compute', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const images = () => new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn)).virtualMachineImages;

  before(async () => {
    standIn = await startStandIn({ topology: topology() });
  });

  after(async () => {
    await standIn.close();
  });

  it('lists publishers, offers and SKUs of the catalogue as plain arrays, matching names without case', async () => {
    const client = images();
    const publishers = await client.listPublishers(region);
    assert.deepEqual(publishers.map((item) => [item.name, item.location]), [['Canonical', region], ['MicrosoftWindowsServer', region]]);
    assert.equal(publishers[0].id, `/Subscriptions/${hubSubscriptionId}/Providers/Microsoft.Compute/Locations/${region}/Publishers/Canonical`);
    assert.deepEqual((await client.listOffers(region, 'canonical')).map((item) => item.name), ['ubuntu-24_04-lts', '0001-com-ubuntu-server-jammy']);
    const skus = await client.listSkus(region, 'Canonical', 'UBUNTU-24_04-LTS');
    assert.deepEqual(skus.map((item) => item.name), ['server', 'server-gen1']);
    assert.equal(skus[0].id, `/Subscriptions/${hubSubscriptionId}/Providers/Microsoft.Compute/Locations/${region}/Publishers/Canonical/ArtifactTypes/VMImage/Offers/ubuntu-24_04-lts/Skus/server`);
    const raw = await rawRequest(standIn, 'GET', `${imagesPath}?api-version=2026-04-01`, { tenantId: demoTenantId });
    assert.equal(raw.status, 200);
    assert.ok(Array.isArray(raw.body), 'the list answer is a JSON array, not { value }');
  });

  it('lists versions in version order, newest first with $orderby=name desc and $top', async () => {
    const client = images();
    assert.deepEqual((await client.list(region, 'Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2')).map((item) => item.name), ['22.04.202409090', '22.04.202410020', '22.04.202411010']);
    assert.deepEqual((await client.list(region, 'Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2', { orderby: 'name desc', top: 1 })).map((item) => item.name), ['22.04.202411010']);
    const badOrder = await rawRequest(standIn, 'GET', `${imagesPath}/Canonical/artifacttypes/vmimage/offers/ubuntu-24_04-lts/skus/server/versions?api-version=2026-04-01&$orderby=location`, { tenantId: demoTenantId });
    assert.deepEqual([badOrder.status, errorCode(badOrder)], [400, 'InvalidParameter']);
  });

  it('gets one version with its generation', async () => {
    const image = await images().get(region, 'Canonical', 'ubuntu-24_04-lts', 'server-gen1', '24.04.202411030');
    assert.deepEqual([image.name, image.location, image.hyperVGeneration, image.architecture, image.osDiskImage?.operatingSystem], ['24.04.202411030', region, 'V1', 'x64', 'Linux']);
    const windows = await images().get(region, 'MicrosoftWindowsServer', 'WindowsServer', '2022-datacenter-azure-edition', '20348.2762.241006');
    assert.equal(windows.osDiskImage?.operatingSystem, 'Windows');
  });

  it('answers 404 NotFound for an unknown publisher, offer, SKU or version', async () => {
    const cases = [
      `${imagesPath}/Nobody/artifacttypes/vmimage/offers`,
      `${imagesPath}/Canonical/artifacttypes/vmimage/offers/ubuntoserver/skus`,
      `${imagesPath}/Canonical/artifacttypes/vmimage/offers/ubuntu-24_04-lts/skus/desktop/versions`,
      `${imagesPath}/Canonical/artifacttypes/vmimage/offers/ubuntu-24_04-lts/skus/server/versions/1.0.0`,
    ];
    for (const path of cases) {
      const response = await rawRequest(standIn, 'GET', `${path}?api-version=2026-04-01`, { tenantId: demoTenantId });
      assert.deepEqual([response.status, errorCode(response)], [404, 'NotFound'], path);
    }
    await assert.rejects(images().get(region, 'Canonical', 'ubuntu-24_04-lts', 'server', 'latest'), (error: { statusCode?: number; code?: string }) => error.statusCode === 404 && error.code === 'NotFound');
  });
});
