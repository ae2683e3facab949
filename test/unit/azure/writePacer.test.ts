import assert from 'node:assert/strict';
import { armWriteLimits, TokenBucketPacer, type PacerClock } from '../../../src/azure/writePacer';

/** A clock that moves only when a request sleeps: each sleep advances time by its own length. */
class FakeClock implements PacerClock {
  time = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }
}

describe('TokenBucketPacer', () => {
  it('uses Azure Resource Manager\'s documented write and delete limits by default', () => {
    assert.deepEqual(armWriteLimits, { write: { bucket: 200, refillPerSecond: 10 }, delete: { bucket: 200, refillPerSecond: 10 } });
  });

  it('lets a burst of the bucket size through at once, then one token per refill interval', async () => {
    const clock = new FakeClock();
    const pacer = new TokenBucketPacer({ write: { bucket: 3, refillPerSecond: 10 }, delete: { bucket: 1, refillPerSecond: 1 } }, clock);
    for (let index = 0; index < 3; index++) {
      await pacer.take('sub', 'write');
    }
    assert.deepEqual(clock.sleeps, [], 'the burst does not wait');
    await pacer.take('sub', 'write');
    assert.deepEqual(clock.sleeps, [100]);
    await pacer.take('sub', 'write');
    assert.deepEqual(clock.sleeps, [100, 100]);
  });

  it('reserves tokens in order, so concurrent requests wait one interval more each', async () => {
    const clock: PacerClock & { sleeps: number[] } = { sleeps: [], now: () => 0, sleep: async (ms) => void clock.sleeps.push(ms) };
    const pacer = new TokenBucketPacer({ write: { bucket: 1, refillPerSecond: 10 }, delete: { bucket: 1, refillPerSecond: 10 } }, clock);
    await Promise.all([pacer.take('s', 'write'), pacer.take('s', 'write'), pacer.take('s', 'write')]);
    assert.deepEqual(clock.sleeps, [100, 200]);
    assert.equal(pacer.available('s', 'write'), -2);
  });

  it('keeps a bucket per subscription and per kind', async () => {
    const clock = new FakeClock();
    const pacer = new TokenBucketPacer({ write: { bucket: 1, refillPerSecond: 1 }, delete: { bucket: 1, refillPerSecond: 1 } }, clock);
    await pacer.take('a', 'write');
    await pacer.take('b', 'write');
    await pacer.take('A', 'delete');
    assert.deepEqual(clock.sleeps, []);
    await pacer.take('A', 'write');
    assert.deepEqual(clock.sleeps, [1000], 'subscription ids compare case-insensitively');
  });

  it('holds requests for the Retry-After of a 429 and empties the bucket', async () => {
    const clock = new FakeClock();
    const pacer = new TokenBucketPacer(armWriteLimits, clock);
    pacer.throttled('s', 'write', 3000);
    await pacer.take('s', 'write');
    assert.deepEqual(clock.sleeps, [3000]);
    await pacer.take('s', 'delete');
    assert.deepEqual(clock.sleeps, [3000], 'deletes have their own bucket');
  });

  it('pulls its count back to what ARM says is left, less the headroom', async () => {
    const clock = new FakeClock();
    const pacer = new TokenBucketPacer(armWriteLimits, clock, 10);
    assert.equal(pacer.available('s', 'write'), 190, 'the headroom is never used');
    pacer.observeRemaining('s', 'write', 50);
    assert.equal(pacer.available('s', 'write'), 40);
    pacer.observeRemaining('s', 'write', 150);
    assert.equal(pacer.available('s', 'write'), 40, 'a higher count from an older answer changes nothing');
    pacer.observeRemaining('s', 'write', 5);
    await pacer.take('s', 'write');
    assert.deepEqual(clock.sleeps, [600], 'six tenths of a second until ARM has the token and the headroom');
  });

  it('gives the token back when the wait is cancelled', async () => {
    const controller = new AbortController();
    const clock: PacerClock = { now: () => 0, sleep: async () => { controller.abort(); controller.signal.throwIfAborted(); } };
    const pacer = new TokenBucketPacer({ write: { bucket: 1, refillPerSecond: 1 }, delete: { bucket: 1, refillPerSecond: 1 } }, clock);
    await pacer.take('s', 'write');
    await assert.rejects(pacer.take('s', 'write', controller.signal));
    assert.equal(pacer.available('s', 'write'), 0);
  });
});
