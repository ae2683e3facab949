import assert from 'node:assert/strict';
import type { PeeringStatus } from '../../../../src/azure/peeringReads';
import { describeStatuses, peeringsOf, watchPeerings, type PeeringEstate } from '../../../../src/wizards/peering/peeringEstate';
import { planPeering } from '../../../../src/wizards/peering/plan';
import type { ApplyReport } from '../../../../src/core/plan';
import { peeringVnet } from './builders';

describe('peering states after Apply', () => {
  const plan = planPeering({ hub: peeringVnet({ name: 'vnet-hub' }), spokes: [peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] })], allowForwardedTraffic: true, useHubGateway: false, names: {} });

  it('watches the peerings that succeeded or were kept, and none after an undo', () => {
    const applied: ApplyReport = { plan, complete: false, outcomes: [{ actionId: 'a1', status: 'succeeded', attempts: 1 }, { actionId: 'a2', status: 'failed', attempts: 3 }] };
    assert.deepEqual(peeringsOf(applied).map((id) => id.split('/').pop()), ['vnet-dev-to-vnet-hub']);
    const undone: ApplyReport = { plan, complete: false, outcomes: [{ actionId: 'a1', status: 'undone', attempts: 1 }, { actionId: 'a2', status: 'failed', attempts: 3 }] };
    assert.deepEqual(peeringsOf(undone), []);
  });

  it('describes states, with the sync level only when out of sync', () => {
    assert.equal(
      describeStatuses([
        { armId: 'x/hub-to-dev', name: 'hub-to-dev', peeringState: 'Connected', syncLevel: 'FullyInSync' },
        { armId: 'x/dev-to-hub', name: 'dev-to-hub', peeringState: 'Connected', syncLevel: 'LocalNotInSync' },
      ]),
      'hub-to-dev: Connected, dev-to-hub: Connected (LocalNotInSync)',
    );
  });

  describe('waiting until Connected', () => {
    const estate: PeeringEstate = { subscriptions: [], vnets: [] };
    const ids = ['/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/hub/virtualnetworkpeerings/hub-to-dev'];

    /** A reader that answers Initiated for the first `initiatedReads` reads, recording when it was called. */
    function reader(initiatedReads: number): { times: number[]; read(armId: string): Promise<PeeringStatus> } {
      const times: number[] = [];
      return {
        times,
        read: async (armId) => {
          times.push(Date.now());
          return { armId, name: 'hub-to-dev', peeringState: times.length > initiatedReads ? 'Connected' : 'Initiated' };
        },
      };
    }

    it('reads again with growing waits until Connected, reporting each read', async () => {
      const fake = reader(3);
      const seen: string[] = [];
      const statuses = await watchPeerings(estate, ids, { intervalMs: 20, read: fake.read, onRead: (current) => seen.push(describeStatuses(current)) });
      assert.equal(describeStatuses(statuses), 'hub-to-dev: Connected');
      assert.deepEqual(seen, ['hub-to-dev: Initiated', 'hub-to-dev: Initiated', 'hub-to-dev: Initiated', 'hub-to-dev: Connected']);
      const gaps = fake.times.slice(1).map((time, index) => time - fake.times[index]);
      assert.ok(gaps[0] >= 15 && gaps[1] >= 35 && gaps[2] >= 75, `waits grow: ${gaps.join(', ')}`);
    });

    it('stops at the time limit with the last states', async () => {
      const fake = reader(Infinity);
      const started = Date.now();
      const statuses = await watchPeerings(estate, ids, { timeoutMs: 120, intervalMs: 10, maxIntervalMs: 40, read: fake.read });
      const elapsed = Date.now() - started;
      assert.equal(statuses[0].peeringState, 'Initiated');
      assert.ok(elapsed >= 110 && elapsed < 1000, `stopped after ${elapsed} ms`);
      assert.ok(fake.times.length >= 4 && fake.times.length <= 8, `${fake.times.length} reads`);
    });

    it('stops at once when cancelled, keeping the states read before', async () => {
      const fake = reader(Infinity);
      const controller = new AbortController();
      const started = Date.now();
      const statuses = await watchPeerings(estate, ids, { intervalMs: 10_000, read: fake.read, signal: controller.signal, onRead: () => setTimeout(() => controller.abort(), 10) });
      assert.ok(Date.now() - started < 2000, 'did not wait out the interval');
      assert.equal(fake.times.length, 1);
      assert.equal(statuses[0].peeringState, 'Initiated');
    });

    it('shows a failed read as Unknown with its code', async () => {
      const statuses = await watchPeerings(estate, ids, { timeoutMs: 0, read: () => Promise.reject(Object.assign(new Error('nope'), { statusCode: 403, code: 'AuthorizationFailed' })) });
      assert.match(statuses[0].peeringState, /^Unknown \(/);
    });
  });
});
