import { RestError } from '@azure/storage-blob';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowLogStorage, appendStream } from '../../../src/azure/storageFlowLogs';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fetchStorageAccountKey, accountKeySecretName, parseStorageAccountId } from '../../../src/azure/storageKeys';
import { StorageAccountAccess, type KeyConsent } from '../../../src/azure/storageAccess';
import { noStorageTokenCredential, storageOrArmCredential } from '../../../src/azure/storageAccountEndpoint';
import { StorageProblemError, toStorageProblem } from '../../../src/azure/storageProblem';
import { parseFlowLogBlobName } from '../../../src/core/blobPath';
import { decodeFlowLogFile } from '../../../src/flowlogs/flowLogDecoder';
import { azuriteServiceClient, startAzurite, type Azurite } from '../../standin/azurite';
import { nsgContainer, seedTopologyFlowLogs, vnetContainer, writeFlowLogBlob, generateRecords, type SeededBlob } from '../../standin/blobSeed';
import { createTestToken, TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubFlowLogStorageId, prodSubscriptionId } from '../../standin/topologies/demo';

const accountName = 'sthubflowlogsgwc01';
// 2024-03-01 23:00, 2024-03-02 00:00 and 01:00 UTC: three hours over two days.
const lastHour = Date.UTC(2024, 2, 2, 1);
const fastRetry = { maxTries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 };

/** Tokens for Azurite's bearer check: audience as given, issuer of the demo tenant. */
class StorageTokenCredential implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(private readonly audience: string) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return createTestToken({ tenantId: demoTenantId, audience: this.audience });
  }
}

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'flowlog-storage-test-'));
}

describe('flow logs in storage (Azurite)', function () {
  this.timeout(20000);
  let standIn: StandIn;
  let azurite: Azurite;
  let accountKey: string;
  let seeded: SeededBlob[];
  let storage: FlowLogStorage;
  let folder: string;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    accountKey = standIn.state.storageKeys.get(hubFlowLogStorageId.toLowerCase())![0].value;
    azurite = await startAzurite({ accounts: [{ name: accountName, key: accountKey }] });
    const service = azuriteServiceClient(azurite);
    seeded = await seedTopologyFlowLogs(service, demoTopology(), { storageAccountId: hubFlowLogStorageId, lastHour, hours: 3, recordsPerBlob: 4 });
    // The same VNet flow log also written in the portal doc's layout, and one 2017-style NSG blob without a MAC segment.
    seeded.push(...await seedTopologyFlowLogs(service, demoTopology(), { storageAccountId: hubFlowLogStorageId, lastHour, hours: 1, recordsPerBlob: 2, vnetLayout: 'portal', only: 'vnet' }));
    const legacy = generateRecords({ format: 'nsg1', mac: '000D3A7A1099', privateIp: '10.1.1.9', resourceId: '/SUBSCRIPTIONS/X/RESOURCEGROUPS/OLDRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/OLD-NSG', hourStart: Date.UTC(2017, 8, 20, 20), records: 2, seed: 99 });
    await writeFlowLogBlob(service.getContainerClient(nsgContainer), 'resourceId=/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/OLDRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/OLD-NSG/y=2017/m=09/d=20/h=20/m=00/PT1H.json', legacy.records);
    storage = new FlowLogStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'key', accountKey }, retry: fastRetry });
    folder = tempFolder();
  });

  after(async () => {
    await azurite?.close();
    await standIn?.close();
    if (folder) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('seeds one blob per hour per MAC under the real layout, written block by block', async () => {
    const vnetBlobs = seeded.filter((blob) => blob.kind === 'vnet' && blob.name.includes('_FL-VNET-PROD-SPOKE/'));
    const nsgBlobs = seeded.filter((blob) => blob.kind === 'nsg');
    assert.equal(vnetBlobs.length, 8 * 3, 'eight prod NICs, three hours');
    assert.equal(nsgBlobs.length, 2 * 3, 'two NICs behind nsg-prod-web, three hours');
    for (const blob of seeded) {
      assert.equal(parseFlowLogBlobName(blob.name, blob.container).ok, true, blob.name);
    }
    const service = azuriteServiceClient(azurite);
    const blockBlob = service.getContainerClient(vnetContainer).getBlockBlobClient(vnetBlobs[0].name);
    const blocks = await blockBlob.getBlockList('committed');
    const sizes = (blocks.committedBlocks ?? []).map((block) => block.size);
    assert.equal(sizes.length, 4 + 2);
    assert.equal(sizes[0], 12);
    assert.equal(sizes[sizes.length - 1], 2);
    const text = (await blockBlob.downloadToBuffer()).toString();
    assert.ok(text.startsWith('{"records":[{') && text.endsWith('}]}'));
    assert.equal(text.length, vnetBlobs[0].bytes);
  });

  it('discovers targets of both kinds and both VNet layouts by listing', async () => {
    const vnetTargets = await storage.listTargets(vnetContainer);
    assert.deepEqual(vnetTargets.map((target) => target.name), ['FL-VNET-PROD-SPOKE', 'VNET-PROD-SPOKE-RG-PROD-NETWORK-FLOWLOGS']);
    assert.ok(vnetTargets.every((target) => target.kind === 'vnet' && target.subscriptionId === prodSubscriptionId && target.region === 'GERMANYWESTCENTRAL'));
    const nsgTargets = await storage.listTargets(nsgContainer);
    assert.deepEqual(nsgTargets.map((target) => target.name), ['NSG-PROD-WEB', 'OLD-NSG']);
    assert.equal(nsgTargets[0].pathId, `/SUBSCRIPTIONS/${prodSubscriptionId.toUpperCase()}/RESOURCEGROUPS/RG-PROD-NETWORK/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-PROD-WEB`);
    const top = await storage.listFlowLogBlobs(vnetContainer, undefined);
    assert.deepEqual(top, { prefixes: ['flowLogResourceID=/'], blobs: [] }, 'one hierarchical level, not the whole container');
  });

  it('lists one prefix per call and never a whole container', async () => {
    const calls: string[] = [];
    class CountingStorage extends FlowLogStorage {
      override listFlowLogBlobs(container: string, prefix: string | undefined, signal?: AbortSignal) {
        calls.push(`level ${prefix ?? ''}`);
        return super.listFlowLogBlobs(container, prefix, signal);
      }
      override listBlobsUnder(container: string, prefix: string, signal?: AbortSignal) {
        calls.push(`under ${prefix}`);
        return super.listBlobsUnder(container, prefix, signal);
      }
    }
    const counting = new CountingStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'key', accountKey }, retry: fastRetry });
    const targets = await counting.listTargets(vnetContainer);
    // '', 'flowLogResourceID=/', '/{SUB}_NETWORKWATCHERRG/', then one per flow-log folder.
    assert.equal(calls.length, 3 + targets.length);
    calls.length = 0;
    const days = await counting.listDays(vnetContainer, targets[0].prefix);
    assert.equal(calls.length, 1 + 1 + 1, 'y=, m= and d= levels of one year and month');
    calls.length = 0;
    await counting.listDay(vnetContainer, days[0].prefix);
    assert.deepEqual(calls, [`under ${days[0].prefix}`]);
    await assert.rejects(counting.listBlobsUnder(vnetContainer, ''), /needs a prefix/);
  });

  it('browses a target by day, hour and MAC', async () => {
    const [target] = await storage.listTargets(vnetContainer);
    const days = await storage.listDays(vnetContainer, target.prefix);
    assert.deepEqual(days.map((day) => day.day.toISOString().slice(0, 10)), ['2024-03-02', '2024-03-01']);
    const day = await storage.listDay(vnetContainer, days[0].prefix);
    assert.deepEqual(day?.hours.map((hour) => hour.time.toISOString()), ['2024-03-02T01:00:00.000Z', '2024-03-02T00:00:00.000Z']);
    const macs = day!.hours[0].macs.map((mac) => mac.mac);
    assert.deepEqual(macs, ['000D3A7A1001', '000D3A7A1002', '000D3A7A2001', '000D3A7A2002', '000D3A7A2006', '000D3A7A2007', '000D3A7A2008', '000D3A7A3001']);
    const blob = day!.hours[0].macs[0].blobs[0];
    const expected = seeded.find((candidate) => candidate.name === blob.name);
    assert.equal(blob.size, expected?.bytes);
    const legacyTarget = (await storage.listTargets(nsgContainer)).find((target) => target.name === 'OLD-NSG')!;
    const legacyDay = await storage.listDay(nsgContainer, (await storage.listDays(nsgContainer, legacyTarget.prefix))[0].prefix);
    assert.equal(legacyDay?.hours[0].macs[0].mac, undefined);
  });

  it('downloads a blob to a file that decodes into the seeded tuples, reporting progress', async () => {
    const expected = seeded.find((blob) => blob.kind === 'vnet' && blob.mac === '000D3A7A1001' && blob.hourStart === lastHour && blob.name.includes('_FL-VNET-PROD-SPOKE/'))!;
    const path = join(folder, 'one.json');
    const progress: [number, number][] = [];
    const result = await storage.downloadToFile(vnetContainer, expected.name, path, { onProgress: (bytes, total) => progress.push([bytes, total]) });
    assert.equal(result.bytes, expected.bytes);
    assert.equal(statSync(path).size, expected.bytes);
    assert.ok(progress.length >= 1);
    assert.deepEqual(progress[progress.length - 1], [expected.bytes, expected.bytes]);
    const decoded = await decodeFlowLogFile(path);
    assert.equal(decoded.problemCount, 0, decoded.problems.map((problem) => problem.message).join('\n'));
    assert.equal(decoded.records, expected.records);
    assert.equal(decoded.tuples, expected.tuples);
    assert.deepEqual(decoded.formats, ['VNet flow log v4']);
    const row = decoded.table.rowAt(0);
    assert.equal(row.context.mac, '000D3A7A1001');
    assert.match(row.context.resourceId, /\/FLOWLOGS\/FL-VNET-PROD-SPOKE$/);
    assert.ok([row.srcIp, row.dstIp].includes('10.1.1.4'), 'the NIC address of nic-web-01 appears in its own log');
  });

  it('opens a time range as one decodable file of several hours', async () => {
    const [target] = await storage.listTargets(nsgContainer);
    const blobs = await storage.listTimeRange(nsgContainer, target.prefix, new Date(Date.UTC(2024, 2, 1, 23)), new Date(Date.UTC(2024, 2, 2, 2)), { macs: ['00-0D-3A-7A-10-02'] });
    assert.deepEqual(blobs.map((blob) => blob.path.time.getUTCHours()), [23, 0, 1]);
    const expected = seeded.filter((blob) => blob.kind === 'nsg' && blob.mac === '000D3A7A1002');
    const path = join(folder, 'range.json');
    let last: [number, number] = [0, 0];
    const result = await storage.downloadTimeRange(nsgContainer, blobs, path, { onProgress: (bytes, total) => { last = [bytes, total]; } });
    assert.equal(result.blobs, 3);
    assert.equal(last[0], last[1]);
    assert.equal(last[0], statSync(path).size);
    const decoded = await decodeFlowLogFile(path);
    assert.equal(decoded.problemCount, 0, decoded.problems.map((problem) => problem.message).join('\n'));
    assert.equal(decoded.records, expected.reduce((sum, blob) => sum + blob.records, 0));
    assert.equal(decoded.tuples, expected.reduce((sum, blob) => sum + blob.tuples, 0));
    assert.deepEqual(decoded.formats, ['NSG flow log v2']);
  });

  it('writes thirty blobs one after another without piling listeners on the file (no MaxListenersExceededWarning)', async () => {
    const service = azuriteServiceClient(azurite);
    const names: string[] = [];
    for (let index = 0; index < 30; index++) {
      const name = `many/h=${String(index).padStart(2, '0')}/PT1H.json`;
      await service.getContainerClient(vnetContainer).getBlockBlobClient(name).uploadData(Buffer.from(`{"records":[{"n":${index}}]}`));
      names.push(name);
    }
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => { warnings.push(warning); };
    process.on('warning', onWarning);
    try {
      const path = join(folder, 'many.json');
      const result = await storage.downloadTimeRange(vnetContainer, names.map((name) => ({ name })), path);
      // 'warning' is emitted on the next tick: give it the chance before looking.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(result.blobs, 30);
      assert.deepEqual(warnings.map((warning) => `${warning.name}: ${warning.message}`), []);
      const lines = readFileSync(path, 'utf8').split('\n');
      assert.deepEqual(lines.map((line) => (JSON.parse(line) as { records: Array<{ n: number }> }).records[0].n), names.map((_name, index) => index));
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('leaves no partial file when a download is cancelled midway', async () => {
    const service = azuriteServiceClient(azurite);
    const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
    await service.getContainerClient(vnetContainer).getBlockBlobClient('big/PT1H.json').uploadData(big);
    const cancelFolder = tempFolder();
    try {
      const controller = new AbortController();
      let calls = 0;
      await assert.rejects(
        storage.downloadToFile(vnetContainer, 'big/PT1H.json', join(cancelFolder, 'big.json'), {
          signal: controller.signal,
          onProgress: (bytes, total) => {
            calls++;
            assert.ok(bytes < total);
            controller.abort();
          },
        }),
        (error: Error) => error.name === 'AbortError',
      );
      assert.ok(calls >= 1);
      assert.deepEqual(readdirSync(cancelFolder), []);
    } finally {
      rmSync(cancelFolder, { recursive: true, force: true });
    }
  });

  it('reports a missing blob and a missing container clearly', async () => {
    await assert.rejects(storage.downloadToFile(vnetContainer, 'nope/PT1H.json', join(folder, 'nope.json')), (error: StorageProblemError) => {
      assert.equal(error.code, 'blobNotFound');
      assert.match(error.message, /nope\/PT1H\.json is no longer in insights-logs-flowlogflowevent/);
      return true;
    });
    assert.deepEqual(readdirSync(folder).filter((name) => name.startsWith('nope')), []);
    await assert.rejects(storage.listTargets('insights-logs-missing'), (error: StorageProblemError) => error.code === 'containerNotFound' && /has no container insights-logs-missing/.test(error.message));
  });

  it('maps a rejected account key to a clear message', async () => {
    const wrong = new FlowLogStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'key', accountKey: Buffer.alloc(64, 7).toString('base64') }, retry: fastRetry });
    await assert.rejects(wrong.listTargets(vnetContainer), (error: StorageProblemError) => {
      assert.equal(error.code, 'keyRejected');
      assert.equal(error.status, 403);
      assert.match(error.message, /refused the account key of sthubflowlogsgwc01/);
      assert.ok(!error.message.includes(accountKey) && !error.toLogLine().includes(accountKey));
      return true;
    });
  });

  it('fetches the account key with listKeys from Resource Manager and reads with it', async () => {
    const credential = new TestCredential({ tenantId: demoTenantId });
    const key = await fetchStorageAccountKey(credential, standIn.url, hubFlowLogStorageId, { ca: standIn.caPem });
    assert.equal(key, accountKey);
    const withKey = new FlowLogStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'key', accountKey: key }, retry: fastRetry });
    assert.equal((await withKey.listTargets(nsgContainer)).length, 2);
    await assert.rejects(
      fetchStorageAccountKey(credential, standIn.url, hubFlowLogStorageId.replace('sthubflowlogsgwc01', 'stmissing'), { ca: standIn.caPem }),
      (error: StorageProblemError) => error.code === 'other' && /Couldn't read the keys of storage account stmissing/.test(error.message),
    );
    assert.equal(accountKeySecretName(hubFlowLogStorageId), `trafficLens.storageKey:${hubFlowLogStorageId.toLowerCase()}`);
    assert.deepEqual(parseStorageAccountId(hubFlowLogStorageId).accountName, 'sthubflowlogsgwc01');
  });
});

describe('flow logs in storage with a sign-in token (Azurite over HTTPS)', function () {
  this.timeout(20000);
  let azurite: Azurite;
  let standIn: StandIn;
  let key: string;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    key = standIn.state.storageKeys.get(hubFlowLogStorageId.toLowerCase())![0].value;
    azurite = await startAzurite({ https: true, accounts: [{ name: accountName, key }] });
    const service = azuriteServiceClient(azurite);
    const container = service.getContainerClient(vnetContainer);
    await container.createIfNotExists();
    const records = generateRecords({ format: 'vnet', mac: '000D3A4C217E', privateIp: '10.0.1.4', resourceId: '/SUBSCRIPTIONS/X/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_GERMANYWESTCENTRAL/FLOWLOGS/FL-HUB', hourStart: lastHour, records: 2, seed: 5 });
    await writeFlowLogBlob(container, `flowLogResourceID=/${prodSubscriptionId.toUpperCase()}_NETWORKWATCHERRG/NETWORKWATCHER_GERMANYWESTCENTRAL_FL-HUB/y=2024/m=03/d=02/h=01/m=00/macAddress=000D3A4C217E/PT1H.json`, records.records);
  });

  after(async () => {
    await azurite?.close();
    await standIn?.close();
  });

  function access(keyStore: Map<string, string>, consent: KeyConsent, asked: StorageProblemError[]): StorageAccountAccess {
    return new StorageAccountAccess({
      storageAccountId: hubFlowLogStorageId,
      accountName,
      blobEndpoint: azurite.blobEndpoint,
      // ARM tokens: accepted by the stand-in for listKeys, refused by storage (as for a user without a data role).
      credential: new TestCredential({ tenantId: demoTenantId }),
      resourceManagerEndpoint: standIn.url,
      keyStore: {
        get: async (id) => keyStore.get(id),
        store: async (id, value) => { keyStore.set(id, value); },
        delete: async (id) => { keyStore.delete(id); },
      },
      askToUseKey: async (problem) => {
        asked.push(problem);
        return consent;
      },
      ca: [standIn.caPem, azurite.caPem!].join('\n'),
      retry: fastRetry,
    });
  }

  it('falls back to the account key only when the user agrees, and keeps it only when asked to', async () => {
    const saved = new Map<string, string>();
    const asked: StorageProblemError[] = [];
    const remembering = access(saved, 'remember', asked);
    const targets = await remembering.run((storage) => storage.listTargets(vnetContainer));
    assert.deepEqual(targets.map((target) => target.name), ['FL-HUB']);
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, /Storage Blob Data Reader on account sthubflowlogsgwc01/);
    assert.equal(remembering.isUsingAccountKey, true);
    assert.deepEqual([...saved.entries()], [[hubFlowLogStorageId.toLowerCase(), key]]);
    // A new session with the saved key does not ask again.
    const later: StorageProblemError[] = [];
    assert.equal((await access(saved, undefined, later).run((storage) => storage.listTargets(vnetContainer))).length, 1);
    assert.equal(later.length, 0);

    const once = new Map<string, string>();
    const onceAccess = access(once, 'once', []);
    assert.equal((await onceAccess.run((storage) => storage.listTargets(vnetContainer))).length, 1);
    assert.equal(once.size, 0, "'once' never stores the key");

    const declined = new Map<string, string>();
    await assert.rejects(access(declined, undefined, []).run((storage) => storage.listTargets(vnetContainer)), (error: StorageProblemError) => error.code === 'missingRole');
    assert.equal(declined.size, 0);
  });

  it('does not ask from a tree listing, and reads with the key once the user chose it from the row', async () => {
    const saved = new Map<string, string>();
    const asked: StorageProblemError[] = [];
    const tree = access(saved, 'remember', asked);
    await assert.rejects(tree.run((storage) => storage.listTargets(vnetContainer), undefined, false), (error: StorageProblemError) => error.code === 'missingRole' && error.canUseAccountKey);
    assert.equal(asked.length, 0, 'no question while listing');
    assert.equal(tree.isUsingAccountKey, false);
    await tree.switchToAccountKey('once');
    assert.equal(tree.isUsingAccountKey, true);
    assert.deepEqual((await tree.run((storage) => storage.listTargets(vnetContainer), undefined, false)).map((target) => target.name), ['FL-HUB']);
    assert.equal(saved.size, 0, "'once' never stores the key");
    await access(saved, undefined, []).switchToAccountKey('remember');
    assert.deepEqual([...saved.entries()], [[hubFlowLogStorageId.toLowerCase(), key]]);
  });

  it('offers the account key, and asks for no storage token, in a Custom cloud without a storage audience', async () => {
    const saved = new Map<string, string>();
    const asked: StorageProblemError[] = [];
    const armCredential = new TestCredential({ tenantId: demoTenantId });
    const custom = new StorageAccountAccess({
      storageAccountId: hubFlowLogStorageId,
      accountName,
      blobEndpoint: azurite.blobEndpoint,
      credential: storageOrArmCredential(noStorageTokenCredential(accountName), armCredential),
      resourceManagerEndpoint: standIn.url,
      keyStore: { get: async (id) => saved.get(id), store: async (id, value) => { saved.set(id, value); }, delete: async (id) => { saved.delete(id); } },
      askToUseKey: async (problem) => {
        asked.push(problem);
        return 'once';
      },
      ca: [standIn.caPem, azurite.caPem!].join('\n'),
      retry: fastRetry,
    });
    assert.deepEqual((await custom.run((storage) => storage.listTargets(vnetContainer))).map((target) => target.name), ['FL-HUB']);
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, /names no audience for storage tokens \(trafficLens\.storageAudience\).*account sthubflowlogsgwc01/);
    assert.equal(custom.isUsingAccountKey, true);
  });

  it('forgets a saved key that Azure refuses', async () => {
    const saved = new Map([[hubFlowLogStorageId.toLowerCase(), Buffer.alloc(64, 9).toString('base64')]]);
    const stale = access(saved, 'remember', []);
    await assert.rejects(stale.run((storage) => storage.listTargets(vnetContainer)), (error: StorageProblemError) => error.code === 'keyRejected');
    assert.equal(saved.size, 0);
    assert.equal(stale.isUsingAccountKey, false);
  });

  it('lists with a token for Azure Storage', async () => {
    const credential = new StorageTokenCredential('https://storage.azure.com');
    const storage = new FlowLogStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'token', credential }, ca: azurite.caPem!, retry: fastRetry });
    const targets = await storage.listTargets(vnetContainer);
    assert.deepEqual(targets.map((target) => target.name), ['FL-HUB']);
    assert.ok(credential.scopes.every((scope) => scope === 'https://storage.azure.com/.default'), credential.scopes.join());
  });

  it('turns a 403 for the token into the missing role and offers the account key', async () => {
    const storage = new FlowLogStorage({ blobEndpoint: azurite.blobEndpoint, accountName, auth: { kind: 'token', credential: new StorageTokenCredential('https://management.azure.com/') }, ca: azurite.caPem!, retry: fastRetry });
    await assert.rejects(storage.listTargets(vnetContainer), (error: StorageProblemError) => {
      assert.equal(error.code, 'missingRole');
      assert.equal(error.status, 403);
      assert.equal(error.canUseAccountKey, true);
      assert.match(error.message, /Storage Blob Data Reader on account sthubflowlogsgwc01/);
      assert.ok(!/eyJ/.test(error.message + error.toLogLine()), 'no token in the message');
      return true;
    });
  });

  it('maps AuthorizationPermissionMismatch (a user without a data role) the same way', () => {
    const rest = new RestError('This request is not authorized to perform this operation using this permission.', { statusCode: 403, code: 'AuthorizationPermissionMismatch' });
    const problem = toStorageProblem(rest, { accountName: 'stlogs', auth: 'token', action: 'list flow logs in insights-logs-flowlogflowevent' }) as StorageProblemError;
    assert.equal(problem.code, 'missingRole');
    assert.equal(problem.azureCode, 'AuthorizationPermissionMismatch');
    assert.match(problem.message, /refused to list flow logs in insights-logs-flowlogflowevent on account stlogs with your sign-in \(AuthorizationPermissionMismatch\)/);
    const cancel = new Error('cancelled');
    cancel.name = 'AbortError';
    assert.equal(toStorageProblem(cancel, { accountName: 'stlogs', auth: 'token', action: 'x' }), cancel);
  });
});

describe('appending a blob to the download file', () => {
  it('fails with the file\'s error when a write fails between chunks (disk full), instead of waiting for a drain that never comes', async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        setImmediate(() => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
      },
    });
    out.on('error', () => undefined);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let index = 0; index < 3; index++) {
        yield Buffer.from('{"records":[]}');
        await delay(20);
      }
    }
    const outcome = await Promise.race([
      appendStream(chunks() as unknown as NodeJS.ReadableStream, out, undefined, () => undefined).then(
        () => 'finished',
        (error: Error) => error.message,
      ),
      delay(2000).then(() => 'still waiting after 2 s'),
    ]);
    assert.equal(outcome, 'ENOSPC: no space left on device, write');
  });
});
