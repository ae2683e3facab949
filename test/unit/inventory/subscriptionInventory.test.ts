import assert from 'node:assert/strict';
import type { ArmProblem } from '../../../src/azure/armProblem';
import type { NetworkApi, NetworkWatcherRef } from '../../../src/azure/networkApi';
import { SubscriptionInventory } from '../../../src/inventory/subscriptionInventory';
import { flowLog, nic, subscription, vnet } from '../tree/builders';

/** A NetworkApi that counts calls, can fail a list once and can hang until aborted. */
function fakeApi(options: { failVnets?: number; hangNics?: boolean } = {}): NetworkApi & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  let failVnets = options.failVnets ?? 0;
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const watcher: NetworkWatcherRef = { id: 'w', armId: 'W', name: 'NetworkWatcher_germanywestcentral', resourceGroup: 'NetworkWatcherRG', location: 'germanywestcentral', properties: {} };
  return {
    calls,
    listTenants: async () => [],
    listSubscriptions: async () => [],
    listVnets: async () => {
      count('vnets');
      if (failVnets > 0) {
        failVnets -= 1;
        throw Object.assign(new Error('denied'), { name: 'RestError', statusCode: 403, code: 'AuthorizationFailed' });
      }
      return [vnet()];
    },
    listNics: (_subscription, signal) => {
      count('nics');
      if (!options.hangNics) {
        return Promise.resolve([nic()]);
      }
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    },
    listNsgs: async () => (count('nsgs'), []),
    listNetworkWatchers: async () => (count('watchers'), [watcher]),
    listVirtualNetworkTaps: async () => (count('taps'), []),
    listFlowLogs: async () => (count('flowLogs'), [flowLog()]),
    listPacketCaptures: async () => (count('captures'), []),
  };
}

describe('SubscriptionInventory', () => {
  it('lists each resource type once and answers later reads from the cache', async () => {
    const api = fakeApi();
    const inventory = new SubscriptionInventory(api, subscription());
    await inventory.loadAll();
    await inventory.loadAll();
    await inventory.section('vnets');
    assert.deepEqual(api.calls, { vnets: 1, nics: 1, nsgs: 1, watchers: 1, taps: 1, flowLogs: 1, captures: 1 });
    assert.ok(inventory.isLoaded);
    assert.equal(inventory.index().flowLogsFor(vnet().id).length, 1);
  });

  it('keeps a failed section as its problem, reports it once, and lists it again after invalidate', async () => {
    const api = fakeApi({ failVnets: 1 });
    const reported: ArmProblem[] = [];
    const inventory = new SubscriptionInventory(api, subscription(), (_what, problem) => reported.push(problem));
    await inventory.loadAll();
    const failed = inventory.cached('vnets');
    assert.equal(failed?.ok, false);
    assert.equal(failed && !failed.ok ? failed.problem.code : '', 'AuthorizationFailed');
    assert.equal(reported.length, 1);
    inventory.invalidate('vnets');
    const retried = await inventory.section('vnets');
    assert.equal(retried.ok, true);
    assert.equal(api.calls.nics, 1, 'refreshing one section leaves the others cached');
  });

  it('cancels a hanging load without caching the cancel, and without reporting it', async () => {
    const api = fakeApi({ hangNics: true });
    const reported: ArmProblem[] = [];
    const inventory = new SubscriptionInventory(api, subscription(), (_what, problem) => reported.push(problem));
    const loading = inventory.loadAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    inventory.cancel();
    await loading;
    assert.equal(inventory.isLoaded, false);
    assert.equal(inventory.cached('nics'), undefined);
    assert.ok(inventory.cached('vnets')?.ok, 'sections that had finished stay cached');
    assert.deepEqual(reported, []);
  });

  it('lists everything again for a redraw while the previous answers stay readable', async () => {
    const api = fakeApi();
    const inventory = new SubscriptionInventory(api, subscription());
    await inventory.loadAll();
    const before = inventory.cached('vnets');
    const refetching = inventory.refetchAll();
    assert.equal(inventory.isLoaded, true, 'the tree keeps its folders while it lists again');
    assert.equal(inventory.cached('vnets'), before, 'the previous answer until the new one arrives');
    const fresh = await inventory.section('vnets');
    assert.notEqual(fresh, before, 'a read waits for the new answer');
    await refetching;
    assert.equal(inventory.cached('vnets'), fresh);
    assert.deepEqual(api.calls, { vnets: 2, nics: 2, nsgs: 2, watchers: 2, taps: 2, flowLogs: 2, captures: 2 });
  });

  it('keeps the previous answer when a refetch is cancelled', async () => {
    const api = fakeApi();
    const inventory = new SubscriptionInventory(api, subscription());
    await inventory.loadAll();
    const before = inventory.cached('nics');
    api.listNics = (_subscription, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    const refetching = inventory.refetchAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    inventory.cancel();
    await refetching;
    assert.equal(inventory.cached('nics'), before, 'the cancel is not cached over the NICs listed before');
    assert.equal(await inventory.section('nics'), before);
    assert.equal(inventory.isLoaded, true);
  });

  it("asks a packet capture's state each time, reports a failed query once, and says nothing where the API cannot ask", async () => {
    const capture = { id: 'c', armId: '/subscriptions/s/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw/packetCaptures/pc-1', name: 'pc-1', resourceGroup: 'NetworkWatcherRG', properties: {}, watcherId: 'w', targetId: 't', targetArmId: 'T' };
    const signal = new AbortController().signal;
    assert.equal(await new SubscriptionInventory(fakeApi(), subscription()).packetCaptureStatus(capture, signal), undefined);
    const answers = [{ status: 'Running', errors: [] }, { status: 'Stopped', stopReason: 'TimeExceeded', errors: [] }];
    const reported: string[] = [];
    const api = { ...fakeApi(), packetCaptureStatus: async () => {
      const next = answers.shift();
      if (next === undefined) {
        throw Object.assign(new Error('denied'), { name: 'RestError', statusCode: 403, code: 'AuthorizationFailed' });
      }
      return next;
    } };
    const inventory = new SubscriptionInventory(api, subscription(), (what, problem) => reported.push(`${what}: ${problem.code}`));
    assert.deepEqual(await inventory.packetCaptureStatus(capture, signal), { ok: true, value: { status: 'Running', errors: [] } });
    assert.deepEqual(await inventory.packetCaptureStatus(capture, signal), { ok: true, value: { status: 'Stopped', stopReason: 'TimeExceeded', errors: [] } }, 'not cached: a capture changes while it runs');
    const failed = await inventory.packetCaptureStatus(capture, signal);
    assert.equal(failed?.ok, false);
    assert.deepEqual(reported, [`Querying the status of packet capture ${capture.armId}: AuthorizationFailed`]);
  });
});
