import type { AccessToken, TokenCredential } from '@azure/core-auth';
import assert from 'node:assert/strict';
import { FlowLogStorage } from '../../../src/azure/storageFlowLogs';
import { nsgFlowLogContainer, vnetFlowLogContainer } from '../../../src/core/blobPath';
import { azuriteServiceClient } from '../../standin/azurite';
import { startFlowLogAzurite, type FlowLogAzurite } from '../../standin/azuriteFlowLogs';
import { createTestToken } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubFlowLogStorageId, hubFlowLogStorageUkSouthId, secopsFlowLogStorageId } from '../../standin/topologies/demo';

class StorageCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return createTestToken({ tenantId: demoTenantId, audience: 'https://storage.azure.com/' });
  }
}

describe('Azurite seeded from a topology', function () {
  this.timeout(20000);
  let standIn: StandIn;
  let storage: FlowLogAzurite;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    storage = await startFlowLogAzurite({ topology: demoTopology(), standIn, https: true, hours: 2, recordsPerBlob: 2 });
  });

  after(async () => {
    await storage?.close();
    await standIn?.close();
  });

  it("serves the flow logs' storage account over HTTPS with the demo's flow logs, readable with a storage token", async () => {
    assert.deepEqual([...storage.blobEndpoints.keys()].sort(), [hubFlowLogStorageId, hubFlowLogStorageUkSouthId, secopsFlowLogStorageId].map((id) => id.toLowerCase()).sort(), 'every storage account of the demo');
    const endpoint = storage.blobEndpoints.get(hubFlowLogStorageId.toLowerCase())!;
    assert.match(endpoint, /^https:\/\/127\.0\.0\.1:\d+\/sthubflowlogsgwc01$/);
    assert.equal(storage.seeded.filter((blob) => blob.kind === 'vnet').length, 8 * 2);
    assert.equal(storage.seeded.filter((blob) => blob.kind === 'nsg').length, 2 * 2);
    const reader = new FlowLogStorage({ blobEndpoint: endpoint, accountName: 'sthubflowlogsgwc01', auth: { kind: 'token', credential: new StorageCredential() }, ca: storage.azurite.caPem!, retry: { maxTries: 1 } });
    assert.deepEqual((await reader.listTargets(vnetFlowLogContainer)).map((target) => target.name), ['FL-VNET-PROD-SPOKE']);
    const [nsg] = await reader.listTargets(nsgFlowLogContainer);
    assert.equal(nsg.name, 'NSG-PROD-WEB');
    const days = await reader.listDays(nsgFlowLogContainer, nsg.prefix);
    const newest = Math.max(...storage.seeded.map((blob) => blob.hourStart));
    assert.equal(days[0].day.getTime(), Math.floor(newest / 86400000) * 86400000, 'seeded up to the current hour');
  });

  it('serves a storage account no flow log writes to yet, empty, with the key the stand-in hands out', async () => {
    assert.match(storage.blobEndpoints.get(secopsFlowLogStorageId.toLowerCase()) ?? '', /^https:\/\/127\.0\.0\.1:\d+\/stsecopsflowlogs01$/);
    const service = azuriteServiceClient(storage.azurite, 'stsecopsflowlogs01');
    const containers: string[] = [];
    for await (const container of service.listContainers()) {
      containers.push(container.name);
    }
    assert.deepEqual(containers, []);
    const key = standIn.state.storageKeys.get(secopsFlowLogStorageId.toLowerCase())?.[0]?.value;
    assert.equal(storage.azurite.accounts.find((account) => account.name === 'stsecopsflowlogs01')?.key, key);
  });
});
