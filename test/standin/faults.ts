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

/** Failures that tests switch on at run time; each rule affects the next `count` matching requests. */
export class Faults {
  latencyMs = 0;
  private rules: FaultRule[] = [];

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

  reset(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  describe(): { latencyMs: number; rules: Array<Omit<FaultRule, 'match'> & { match: string }> } {
    return {
      latencyMs: this.latencyMs,
      rules: this.rules.map((rule) => ({ ...rule, match: String(rule.match) })),
    };
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
      default:
        throw new Error(`Unknown fault kind ${JSON.stringify(input.kind)}: use latency, throttle, serverError, expiredToken, forbidden or failOperation.`);
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
