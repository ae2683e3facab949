import { seededRandom, WriteLimiter, type WriteLimitSettings } from './writeLimits';

export type FaultKind = 'throttle' | 'serverError' | 'expiredToken' | 'forbidden' | 'failOperation';

export interface FaultRule {
  kind: FaultKind;
  /** Matched against the request path: a string matches as a case-insensitive substring. */
  match: string | RegExp;
  method?: string;
  /** Requests (or operations) still affected. */
  remaining: number;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  status?: number;
  code?: string;
  message?: string;
}

export interface FaultMatch {
  match?: string | RegExp;
  method?: string;
  count?: number;
}

export interface RandomThrottleOptions {
  /** Share of matching requests answered 429, e.g. 0.1. */
  rate: number;
  retryAfterSeconds?: number;
  match?: string | RegExp;
  method?: string;
  /** Seed of the generator that picks them (default 1), so a run repeats. */
  seed?: number;
}

interface RandomThrottle {
  rate: number;
  retryAfterSeconds: number;
  match: string | RegExp;
  method?: string;
  seed: number;
  random: () => number;
  /** 429s answered so far. */
  answered: number;
}

/** Failures that tests switch on at run time; each rule affects the next `count` matching requests. */
export class Faults {
  latencyMs = 0;
  /** ARM's write and delete token buckets per subscription; off until `limitWrites`. */
  readonly writeLimits = new WriteLimiter();
  private rules: FaultRule[] = [];
  private random: RandomThrottle | undefined;

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** 429 with `Retry-After` (seconds) or, when `retryAfterMs` is given, `x-ms-retry-after-ms`. */
  throttle(options: FaultMatch & { retryAfterSeconds?: number; retryAfterMs?: number } = {}): void {
    this.add({ kind: 'throttle', ...this.base(options), retryAfterSeconds: options.retryAfterSeconds ?? (options.retryAfterMs === undefined ? 1 : undefined), retryAfterMs: options.retryAfterMs });
  }

  serverError(options: FaultMatch & { status?: number } = {}): void {
    this.add({ kind: 'serverError', ...this.base(options), status: options.status ?? 500 });
  }

  /** 401 `ExpiredAuthenticationToken`, whatever the token says. */
  expireToken(options: FaultMatch = {}): void {
    this.add({ kind: 'expiredToken', ...this.base(options) });
  }

  /** 403 `AuthorizationFailed`, as ARM answers a caller without the RBAC action. */
  forbid(options: FaultMatch = {}): void {
    this.add({ kind: 'forbidden', ...this.base(options) });
  }

  /** The next long-running PUT or DELETE matching ends with status Failed and this error. */
  failOperation(options: FaultMatch & { code?: string; message?: string } = {}): void {
    this.add({
      kind: 'failOperation',
      ...this.base(options),
      code: options.code ?? 'InternalServerError',
      message: options.message ?? 'An error occurred.',
    });
  }

  /** Answers this share of matching requests 429 with `Retry-After`, picked by a seeded generator; rate 0 switches it off. */
  randomThrottle(options: RandomThrottleOptions): void {
    if (!(options.rate > 0)) {
      this.random = undefined;
      return;
    }
    const seed = options.seed ?? 1;
    this.random = {
      rate: Math.min(1, options.rate),
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      match: options.match ?? '',
      method: options.method?.toUpperCase(),
      seed,
      random: seededRandom(seed),
      answered: 0,
    };
  }

  /** Switches ARM's write/delete token buckets on (`armWriteBuckets` has ARM's numbers) or, with `undefined`, off. */
  limitWrites(settings: WriteLimitSettings | undefined): void {
    this.writeLimits.configure(settings);
  }

  /** True when this request is one the random throttle answers 429 (it counts it). */
  takeRandomThrottle(method: string, path: string): { retryAfterSeconds: number } | undefined {
    const random = this.random;
    if (!random || !matches({ match: random.match, method: random.method } as FaultRule, method, path) || random.random() >= random.rate) {
      return undefined;
    }
    random.answered += 1;
    return { retryAfterSeconds: random.retryAfterSeconds };
  }

  /** 429s the random throttle and the write limits answered since they were switched on. */
  throttledCount(): number {
    return (this.random?.answered ?? 0) + this.writeLimits.throttled;
  }

  reset(): void {
    this.rules = [];
    this.latencyMs = 0;
    this.random = undefined;
    this.writeLimits.configure(undefined);
  }

  describe(): {
    latencyMs: number;
    rules: Array<Omit<FaultRule, 'match'> & { match: string }>;
    randomThrottle?: { rate: number; retryAfterSeconds: number; match: string; method?: string; seed: number; answered: number };
    writeLimits?: WriteLimitSettings & { throttled: number };
  } {
    const described: ReturnType<Faults['describe']> = {
      latencyMs: this.latencyMs,
      rules: this.rules.map((rule) => ({ ...rule, match: String(rule.match) })),
    };
    if (this.random) {
      const { random: _generator, ...rest } = this.random;
      described.randomThrottle = { ...rest, match: String(rest.match) };
    }
    if (this.writeLimits.isEnabled('write') || this.writeLimits.isEnabled('delete')) {
      described.writeLimits = { ...this.writeLimits.describe(), throttled: this.writeLimits.throttled };
    }
    return described;
  }

  /** Uses up one matching rule of this kind, if any. */
  take(kind: FaultKind, method: string, path: string): FaultRule | undefined {
    const index = this.rules.findIndex((rule) => rule.kind === kind && rule.remaining > 0 && matches(rule, method, path));
    if (index < 0) {
      return undefined;
    }
    const rule = this.rules[index];
    rule.remaining -= 1;
    if (rule.remaining <= 0) {
      this.rules.splice(index, 1);
    }
    return rule;
  }

  /** Adds a rule described as JSON (the HTTP control endpoint). */
  addFromJson(value: unknown): void {
    const input = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const options = {
      match: typeof input.match === 'string' ? (input.regex === true ? new RegExp(input.match, 'i') : input.match) : undefined,
      method: typeof input.method === 'string' ? input.method : undefined,
      count: typeof input.count === 'number' ? input.count : undefined,
    };
    const num = (key: string): number | undefined => (typeof input[key] === 'number' ? (input[key] as number) : undefined);
    const text = (key: string): string | undefined => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
    switch (input.kind) {
      case 'latency':
        this.setLatency(num('ms') ?? 0);
        return;
      case 'throttle':
        this.throttle({ ...options, retryAfterSeconds: num('retryAfterSeconds'), retryAfterMs: num('retryAfterMs') });
        return;
      case 'serverError':
        this.serverError({ ...options, status: num('status') });
        return;
      case 'expiredToken':
        this.expireToken(options);
        return;
      case 'forbidden':
        this.forbid(options);
        return;
      case 'failOperation':
        this.failOperation({ ...options, code: text('code'), message: text('message') });
        return;
      case 'randomThrottle':
        this.randomThrottle({ rate: num('throttleRate') ?? num('rate') ?? 0, retryAfterSeconds: num('retryAfterSeconds'), seed: num('seed'), match: options.match, method: options.method });
        return;
      case 'writeLimits': {
        if (input.off === true) {
          this.limitWrites(undefined);
          return;
        }
        const bucketOf = (value: unknown): WriteLimitSettings['write'] => {
          const item = (value && typeof value === 'object' ? value : input) as Record<string, unknown>;
          return typeof item.bucket === 'number' && typeof item.refillPerSecond === 'number' ? { bucket: item.bucket, refillPerSecond: item.refillPerSecond } : undefined;
        };
        const write = bucketOf(input.write);
        const del = bucketOf(input.delete);
        if (!write && !del) {
          throw new Error('writeLimits needs bucket and refillPerSecond (numbers), at the top or under write/delete, or off: true.');
        }
        this.limitWrites({ write, delete: del });
        return;
      }
      default:
        throw new Error(`Unknown fault kind ${JSON.stringify(input.kind)}: use latency, throttle, serverError, expiredToken, forbidden, failOperation, randomThrottle or writeLimits.`);
    }
  }

  private base(options: FaultMatch): Pick<FaultRule, 'match' | 'method' | 'remaining'> {
    return { match: options.match ?? '', method: options.method?.toUpperCase(), remaining: options.count ?? 1 };
  }

  private add(rule: FaultRule): void {
    this.rules.push(rule);
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method !== method.toUpperCase()) {
    return false;
  }
  if (typeof rule.match === 'string') {
    return path.toLowerCase().includes(rule.match.toLowerCase());
  }
  return rule.match.test(path);
}
