import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { randomUUID } from 'node:crypto';

/** Refresh a cached token this long before it expires. */
const refreshMarginMs = 5 * 60_000;
/** Lifetime assumed for a token that is not a JWT (its expiry cannot be read). */
const opaqueTokenLifetimeMs = 5 * 60_000;

/** Reads `exp` (seconds) from a JWT's payload, as milliseconds; undefined when the token is not a JWT or has no `exp`. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length < 2) {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Gets a bearer token for one tenant (undefined: the account's home tenant) from some sign-in, e.g. a VS Code authentication session. */
export type AccessTokenSource = (tenantId: string | undefined, signal: AbortSignal | undefined) => Promise<string>;

/**
 * Adapts a source of raw access tokens (VS Code's `authentication.getSession`) to the
 * `TokenCredential` the Azure SDKs take. The token's own `exp` becomes `expiresOnTimestamp`, so
 * the SDK reuses it until shortly before it expires instead of asking again for every request.
 */
export class AccessTokenCredential implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();

  constructor(
    private readonly source: AccessTokenSource,
    private readonly tenantId?: string,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const tenant = options?.tenantId ?? this.tenantId;
    const key = tenant ?? '';
    const cached = this.cache.get(key);
    if (cached && cached.expiresOnTimestamp - refreshMarginMs > this.now()) {
      return cached;
    }
    const token = await this.source(tenant, options?.abortSignal as AbortSignal | undefined);
    const expiresOnTimestamp = jwtExpiry(token) ?? this.now() + opaqueTokenLifetimeMs;
    const accessToken: AccessToken = { token, expiresOnTimestamp, refreshAfterTimestamp: expiresOnTimestamp - refreshMarginMs, tokenType: 'Bearer' };
    this.cache.set(key, accessToken);
    return accessToken;
  }

  /** Forgets cached tokens (after a 401 or a sign-out). */
  clear(): void {
    this.cache.clear();
  }
}

/**
 * Asks an inner credential for the cloud's Resource Manager scope and a fixed tenant, whatever
 * scope the SDK requests: new-generation ARM clients always ask for the public-cloud scope, which
 * a sovereign cloud's sign-in cannot issue.
 */
export class ScopedCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly scope: string,
    private readonly tenantId?: string,
  ) {}

  getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const tenantId = this.tenantId ?? options?.tenantId;
    return this.inner.getToken(this.scope, tenantId === undefined ? options : { ...options, tenantId });
  }
}

/**
 * Unsigned JWT-shaped tokens (`alg: none`) for the local stand-in: it checks shape, audience,
 * tenant and expiry but not the signature. Refused by real Azure; `resolveCloud` only allows it for
 * a loopback endpoint.
 */
export class UnsignedTestCredential implements TokenCredential {
  constructor(
    private readonly homeTenantId: string,
    private readonly objectId = '5f8e2a6c-3b1d-4c9e-8f7a-2d6b9c0e1a34',
    private readonly lifetimeSeconds = 3600,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes[0] : scopes;
    return createUnsignedToken(options?.tenantId ?? this.homeTenantId, this.objectId, this.lifetimeSeconds, audienceOf(scope));
  }
}

/** The audience a token for a scope carries: `https://storage.azure.com/.default` → `https://storage.azure.com`; ARM's `//.default` keeps its slash. */
export function audienceOf(scope: string | undefined): string {
  if (scope === undefined || scope === '') {
    return 'https://management.azure.com/';
  }
  return scope.replace(/\/\.default$/, '') || 'https://management.azure.com/';
}

export function createUnsignedToken(tenantId: string, objectId: string, lifetimeSeconds: number, audience = 'https://management.azure.com/'): AccessToken {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + lifetimeSeconds;
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    aud: audience,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: now,
    nbf: now,
    exp,
    tid: tenantId,
    oid: objectId,
    name: 'Test User',
    upn: 'tester@stand-in.local',
    uti: randomUUID(),
  };
  return { token: `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`, expiresOnTimestamp: exp * 1000, tokenType: 'Bearer' };
}
