import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { randomUUID } from 'node:crypto';

export interface TestTokenOptions {
  tenantId: string;
  objectId?: string;
  audience?: string;
  /** Seconds from now; negative gives an already expired token. */
  expiresInSeconds?: number;
}

/** An unsigned JWT-shaped ARM token (`alg: none`) with `tid`, `oid`, `aud` and `exp`, as the stand-in expects. */
export function createTestToken(options: TestTokenOptions): { token: string; expiresOnTimestamp: number } {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (options.expiresInSeconds ?? 3600);
  const header = { alg: 'none', typ: 'JWT' };
  const payload = {
    aud: options.audience ?? 'https://management.azure.com/',
    iss: `https://sts.windows.net/${options.tenantId}/`,
    iat: now,
    nbf: now,
    exp,
    tid: options.tenantId,
    oid: options.objectId ?? '5f8e2a6c-3b1d-4c9e-8f7a-2d6b9c0e1a34',
    name: 'Stand-in Test User',
    upn: 'tester@contoso.example',
    uti: randomUUID(),
  };
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return { token: `${encode(header)}.${encode(payload)}.`, expiresOnTimestamp: exp * 1000 };
}

/** A `TokenCredential` for SDK clients pointed at the stand-in; counts the tokens it hands out. */
export class TestCredential implements TokenCredential {
  tokensIssued = 0;
  readonly scopesSeen: string[] = [];

  constructor(private readonly options: TestTokenOptions) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.tokensIssued += 1;
    this.scopesSeen.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return createTestToken(this.options);
  }
}
