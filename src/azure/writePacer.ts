/**
 * Client-side pacing of ARM writes, so a large plan (500 tap configurations) stays inside Azure
 * Resource Manager's throttling limits instead of collecting 429s. Pure TS, no `vscode`.
 *
 * ARM throttles with token buckets per subscription, principal and region (since 2024): writes and
 * deletes each have a bucket of 200 refilled at 10 per second, reads 250 refilled at 25 per second.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * One extension instance is one principal, and a plan's writes mostly go to one region, so a bucket
 * per (subscription, kind) is the closest match we can keep on the client.
 */
import { sleep } from './bounded';

export type WriteKind = 'write' | 'delete';

export interface BucketLimit {
  /** Tokens when full: the burst allowed at once. */
  bucket: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/**
 * Tokens of ARM's bucket the pacer leaves unused: requests it lets go together reach ARM out of
 * step (network latency, the SDK re-sending after a 429 or a 5xx), and without headroom ARM's
 * bucket is empty exactly when they arrive. One second of refill costs one second on a long run.
 */
export const defaultHeadroomTokens = 10;

/** Azure Resource Manager's documented limits per subscription and principal (see the link above). */
export const armWriteLimits: Readonly<Record<WriteKind, BucketLimit>> = {
  write: { bucket: 200, refillPerSecond: 10 },
  delete: { bucket: 200, refillPerSecond: 10 },
};

/** The time source a pacer uses; tests pass a fake one. */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface WritePacer {
  /** Waits until a `kind` request to `subscriptionId` fits the limits, and takes a token for it. */
  take(subscriptionId: string, kind: WriteKind, signal?: AbortSignal): Promise<void>;
  /** Azure answered 429 anyway (another client shares the bucket): send nothing more of `kind` there for `retryAfterMs`. */
  throttled(subscriptionId: string, kind: WriteKind, retryAfterMs: number): void;
  /**
   * ARM said how many tokens its bucket had left (`x-ms-ratelimit-remaining-subscription-writes`
   * or `…-deletes`): requests reach ARM later than the pacer lets them go (connection set-up,
   * latency, SDK retries), so its own count can run ahead of ARM's; this pulls it back.
   */
  observeRemaining?(subscriptionId: string, kind: WriteKind, remaining: number): void;
}

export const systemClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** No request before this time (after a 429). */
  notBefore: number;
}

/**
 * A token bucket per (subscription, kind). A request that finds no token reserves the next one
 * (the count goes negative) and sleeps until it is due, so waiting requests are served in order.
 */
export class TokenBucketPacer implements WritePacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Readonly<Record<WriteKind, BucketLimit>> = armWriteLimits,
    private readonly clock: PacerClock = systemClock,
    /** Tokens of each bucket never used (see `defaultHeadroomTokens`); 0 in tests that count exactly. */
    private readonly headroom = 0,
  ) {}

  async take(subscriptionId: string, kind: WriteKind, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const limit = this.limits[kind];
    const bucket = this.refill(subscriptionId, kind);
    bucket.tokens -= 1;
    const now = this.clock.now();
    const tokenWait = bucket.tokens >= 0 ? 0 : (-bucket.tokens / limit.refillPerSecond) * 1000;
    const wait = Math.max(tokenWait, bucket.notBefore - now);
    if (wait <= 0) {
      return;
    }
    try {
      await this.clock.sleep(Math.ceil(wait), signal);
    } catch (error) {
      // The reserved token was never used.
      this.refill(subscriptionId, kind).tokens += 1;
      throw error;
    }
  }

  throttled(subscriptionId: string, kind: WriteKind, retryAfterMs: number): void {
    const bucket = this.refill(subscriptionId, kind);
    bucket.tokens = Math.min(bucket.tokens, 0);
    bucket.notBefore = Math.max(bucket.notBefore, this.clock.now() + Math.max(0, retryAfterMs));
  }

  observeRemaining(subscriptionId: string, kind: WriteKind, remaining: number): void {
    if (!Number.isFinite(remaining)) {
      return;
    }
    const bucket = this.refill(subscriptionId, kind);
    bucket.tokens = Math.min(bucket.tokens, remaining - this.headroom);
  }

  /** Tokens left now (negative: requests are waiting); for tests and logs. */
  available(subscriptionId: string, kind: WriteKind): number {
    return this.refill(subscriptionId, kind).tokens;
  }

  private refill(subscriptionId: string, kind: WriteKind): Bucket {
    const key = `${subscriptionId.toLowerCase()}|${kind}`;
    const limit = this.limits[kind];
    const size = Math.max(1, limit.bucket - this.headroom);
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: size, updatedAt: now, notBefore: 0 };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(size, bucket.tokens + (elapsed / 1000) * limit.refillPerSecond);
    bucket.updatedAt = now;
    return bucket;
  }
}

/** A pacer with Azure Resource Manager's documented write and delete limits, less the headroom. */
export function armWritePacer(clock: PacerClock = systemClock, headroom = defaultHeadroomTokens): WritePacer {
  return new TokenBucketPacer(armWriteLimits, clock, headroom);
}
