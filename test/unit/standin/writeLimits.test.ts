import assert from 'node:assert/strict';
import { Faults } from '../../standin/faults';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, hubSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';
import { armWriteBuckets, WriteLimiter } from '../../standin/writeLimits';
import { rawRequest } from './standInHarness';

describe('stand-in write limits', () => {
  it('refuses writes past the bucket until tokens refill, per subscription and kind', () => {
    let now = 0;
    const limiter = new WriteLimiter(() => now);
    assert.equal(limiter.take('s', 'write'), undefined, 'off by default');
    limiter.configure({ write: { bucket: 2, refillPerSecond: 0.5 }, delete: { bucket: 1, refillPerSecond: 1 } });
    assert.deepEqual(limiter.take('s', 'write'), { allowed: true, remaining: 1 });
    assert.deepEqual(limiter.take('s', 'write'), { allowed: true, remaining: 0 });
    assert.deepEqual(limiter.take('s', 'write'), { allowed: false, remaining: 0, retryAfterSeconds: 2 });
    assert.deepEqual(limiter.take('other', 'write'), { allowed: true, remaining: 1 });
    assert.deepEqual(limiter.take('s', 'delete'), { allowed: true, remaining: 0 });
    now = 2000;
    assert.deepEqual(limiter.take('s', 'write'), { allowed: true, remaining: 0 });
    assert.equal(limiter.throttled, 1);
  });

  it('has ARM\'s documented numbers at hand', () => {
    assert.deepEqual(armWriteBuckets, { write: { bucket: 200, refillPerSecond: 10 }, delete: { bucket: 200, refillPerSecond: 10 } });
  });

  it('throttles a seeded, repeatable share of requests at random', () => {
    const pick = (seed: number): boolean[] => {
      const faults = new Faults();
      faults.addFromJson({ kind: 'randomThrottle', throttleRate: 0.1, seed, retryAfterSeconds: 2 });
      return Array.from({ length: 2000 }, () => faults.takeRandomThrottle('GET', '/subscriptions/s') !== undefined);
    };
    const first = pick(7);
    assert.deepEqual(pick(7), first, 'the same seed picks the same requests');
    const share = first.filter(Boolean).length / first.length;
    assert.ok(share > 0.08 && share < 0.12, `share ${share}`);
    assert.notDeepEqual(pick(8), first);
  });

  it('reads write limits from JSON and describes them; reset switches everything off', () => {
    const faults = new Faults();
    faults.addFromJson({ kind: 'writeLimits', bucket: 200, refillPerSecond: 10 });
    faults.addFromJson({ kind: 'randomThrottle', rate: 0.5, match: '/tapConfigurations/', method: 'put' });
    assert.deepEqual(faults.describe().writeLimits, { write: { bucket: 200, refillPerSecond: 10 }, delete: { bucket: 200, refillPerSecond: 10 }, throttled: 0 });
    assert.equal(faults.describe().randomThrottle?.rate, 0.5);
    assert.equal(faults.takeRandomThrottle('GET', '/x/tapConfigurations/a'), undefined, 'method must match');
    assert.throws(() => faults.addFromJson({ kind: 'writeLimits' }), /bucket and refillPerSecond/);
    faults.reset();
    assert.deepEqual(faults.describe(), { latencyMs: 0, rules: [] });
  });

  describe('in the server', function () {
    this.timeout(20_000);
    let standIn: StandIn;
    before(async () => {
      standIn = await startStandIn({ topology: demoTopology() });
    });
    after(async () => {
      await standIn?.close();
    });
    afterEach(() => standIn.faults.reset());

    const putGroup = (subscriptionId: string, name: string) =>
      rawRequest(standIn, 'PUT', `/subscriptions/${subscriptionId}/resourcegroups/${name}?api-version=2025-04-01`, { tenantId: demoTenantId, body: { location: 'germanywestcentral' } });

    it('answers 429 SubscriptionRequestsThrottled with Retry-After and the remaining-writes header, as ARM does', async () => {
      await rawRequest(standIn, 'POST', '/_standin/faults', { body: { kind: 'writeLimits', write: { bucket: 2, refillPerSecond: 0.2 } } });
      const first = await putGroup(hubSubscriptionId, 'rg-limit-1');
      assert.equal(first.status, 201);
      assert.equal(first.headers['x-ms-ratelimit-remaining-subscription-writes'], '1');
      assert.equal((await putGroup(hubSubscriptionId, 'rg-limit-2')).status, 201);
      const refused = await putGroup(hubSubscriptionId, 'rg-limit-3');
      assert.equal(refused.status, 429);
      assert.equal((refused.body.error as { code: string }).code, 'SubscriptionRequestsThrottled');
      assert.equal(refused.headers['retry-after'], '5');
      assert.equal(refused.headers['x-ms-ratelimit-remaining-subscription-writes'], '0');
      assert.equal((await putGroup(prodSubscriptionId, 'rg-limit-4')).status, 201, 'another subscription has its own bucket');
      const reads = await rawRequest(standIn, 'GET', `/subscriptions/${hubSubscriptionId}/resourcegroups?api-version=2025-04-01`, { tenantId: demoTenantId });
      assert.equal(reads.status, 200, 'reads are not limited by the write bucket');
      assert.equal(standIn.faults.throttledCount(), 1);
    });

    it('answers a random share of requests 429 with the configured Retry-After', async () => {
      standIn.faults.randomThrottle({ rate: 1, retryAfterSeconds: 3 });
      const refused = await rawRequest(standIn, 'GET', `/subscriptions/${hubSubscriptionId}/resourcegroups?api-version=2025-04-01`, { tenantId: demoTenantId });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '3');
      assert.equal(standIn.faults.throttledCount(), 1);
    });
  });
});
