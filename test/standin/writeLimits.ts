/**
 * Azure Resource Manager's throttling, for tests and the bench: a token bucket per subscription for
 * writes (PUT, PATCH, POST) and one for deletes, off until configured. ARM (2024 token buckets) has
 * 200 tokens refilled at 10 per second for each, per subscription, principal and region:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * Past the limit ARM answers 429 `SubscriptionRequestsThrottled` with `Retry-After`, and every
 * write answer carries `x-ms-ratelimit-remaining-subscription-writes` (`…-deletes` for deletes).
 */

export type LimitedKind = 'write' | 'delete';

export interface WriteBucket {
  bucket: number;
  refillPerSecond: number;
}

export interface WriteLimitSettings {
  write?: WriteBucket;
  delete?: WriteBucket;
}

export type WriteLimitResult =
  | { allowed: true; remaining: number }
  | { allowed: false; remaining: 0; retryAfterSeconds: number };

/** Azure Resource Manager's documented limits. */
export const armWriteBuckets: Required<WriteLimitSettings> = {
  write: { bucket: 200, refillPerSecond: 10 },
  delete: { bucket: 200, refillPerSecond: 10 },
};

export class WriteLimiter {
  private settings: WriteLimitSettings = {};
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  /** Requests refused with 429 since the limits were configured. */
  throttled = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Switches the limits on (full buckets) or, with `undefined`, off. */
  configure(settings: WriteLimitSettings | undefined): void {
    this.settings = settings ?? {};
    this.buckets.clear();
    this.throttled = 0;
  }

  isEnabled(kind: LimitedKind): boolean {
    return this.settings[kind] !== undefined;
  }

  describe(): WriteLimitSettings {
    return { ...this.settings };
  }

  /** Takes a token for one request of `kind`, or says how long to wait; undefined when that kind is not limited. */
  take(subscriptionId: string, kind: LimitedKind): WriteLimitResult | undefined {
    const limit = this.settings[kind];
    if (!limit) {
      return undefined;
    }
    const key = `${subscriptionId.toLowerCase()}|${kind}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.bucket, updatedAt: now };
    bucket.tokens = Math.min(limit.bucket, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    this.throttled += 1;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.refillPerSecond)) };
  }
}

/** The request kind ARM counts a method against: `read`, `write` or `delete`. */
export function requestKind(method: string): 'read' | LimitedKind {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' ? 'read' : upper === 'DELETE' ? 'delete' : 'write';
}

/** The header ARM sends with the tokens left for this kind of request. */
export function remainingHeader(kind: LimitedKind): string {
  return kind === 'delete' ? 'x-ms-ratelimit-remaining-subscription-deletes' : 'x-ms-ratelimit-remaining-subscription-writes';
}

/** A small seeded generator (mulberry32), so a run with random faults repeats exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
