import type { AccessToken, TokenCredential } from '@azure/core-auth';
import assert from 'node:assert/strict';
import { fetchBlobEndpoint, storageOrArmCredential } from '../../../src/azure/storageAccountEndpoint';
import type { StorageProblemError } from '../../../src/azure/storageProblem';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubFlowLogStorageId } from '../../standin/topologies/demo';

/** Records which scope was asked of which credential. */
class NamedCredential implements TokenCredential {
  constructor(private readonly name: string, private readonly asked: string[]) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.asked.push(`${this.name}:${String(scopes)}`);
    return { token: this.name, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

describe('storage account endpoint from Resource Manager', function () {
  this.timeout(20000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
  });

  after(async () => {
    await standIn?.close();
  });

  it('reads the blob endpoint the account advertises (primaryEndpoints.blob), not one built from its name', async () => {
    const credential = new TestCredential({ tenantId: demoTenantId });
    assert.equal(await fetchBlobEndpoint(credential, standIn.url, hubFlowLogStorageId, { ca: standIn.caPem }), 'https://sthubflowlogsgwc01.blob.core.windows.net/');
    const account = standIn.state.get(hubFlowLogStorageId.toLowerCase());
    (account!.properties.primaryEndpoints as Record<string, unknown>).blob = 'https://127.0.0.1:10000/sthubflowlogsgwc01/';
    assert.equal(await fetchBlobEndpoint(credential, standIn.url, hubFlowLogStorageId, { ca: standIn.caPem }), 'https://127.0.0.1:10000/sthubflowlogsgwc01/');
  });

  it('says which storage account is missing', async () => {
    const missing = hubFlowLogStorageId.replace('sthubflowlogsgwc01', 'stgone');
    await assert.rejects(fetchBlobEndpoint(new TestCredential({ tenantId: demoTenantId }), standIn.url, missing, { ca: standIn.caPem }), (error: StorageProblemError) => {
      assert.equal(error.status, 404);
      assert.match(error.message, /Storage account stgone .*was not found in resource group rg-hub-logs/);
      return true;
    });
  });

  it('asks the storage credential for blob scopes and the Resource Manager credential for everything else', async () => {
    const asked: string[] = [];
    const credential = storageOrArmCredential(new NamedCredential('storage', asked), new NamedCredential('arm', asked));
    assert.equal((await credential.getToken('https://storage.azure.com/.default'))?.token, 'storage');
    assert.equal((await credential.getToken(['https://management.azure.com/.default']))?.token, 'arm');
    assert.deepEqual(asked, ['storage:https://storage.azure.com/.default', 'arm:https://management.azure.com/.default']);
  });
});
