import assert from 'node:assert/strict';
import { AccessTokenCredential, audienceOf, jwtExpiry, ScopedCredential, UnsignedTestCredential } from '../../../src/azure/credentials';

function jwt(payload: object): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}.c2ln`;
}

describe('AccessTokenCredential', () => {
  it('returns the JWT\'s exp as expiresOnTimestamp and reuses the token until shortly before it', async () => {
    let now = 1_700_000_000_000;
    const exp = now / 1000 + 3600;
    const asked: (string | undefined)[] = [];
    const credential = new AccessTokenCredential(async (tenantId) => {
      asked.push(tenantId);
      return jwt({ exp, tid: tenantId ?? 'home' });
    }, undefined, () => now);
    const first = await credential.getToken('https://management.azure.com/.default');
    assert.equal(first.expiresOnTimestamp, exp * 1000);
    now += 50 * 60_000;
    await credential.getToken('https://management.azure.com/.default');
    assert.equal(asked.length, 1, 'a token valid for 10 more minutes is reused');
    now += 6 * 60_000;
    await credential.getToken('https://management.azure.com/.default');
    assert.equal(asked.length, 2, 'a token within 5 minutes of expiry is replaced');
  });

  it('keeps one token per tenant', async () => {
    const asked: (string | undefined)[] = [];
    const credential = new AccessTokenCredential(async (tenantId) => {
      asked.push(tenantId);
      return jwt({ exp: Date.now() / 1000 + 3600 });
    }, 'tenant-a');
    await credential.getToken('scope');
    await credential.getToken('scope', { tenantId: 'tenant-b' });
    await credential.getToken('scope');
    assert.deepEqual(asked, ['tenant-a', 'tenant-b']);
  });

  it('gives a token that is not a JWT a short lifetime instead of asking on every request', async () => {
    const credential = new AccessTokenCredential(async () => 'opaque-token', undefined, () => 1000);
    const token = await credential.getToken('scope');
    assert.equal(token.expiresOnTimestamp, 1000 + 5 * 60_000);
    assert.equal(jwtExpiry('opaque-token'), undefined);
    assert.equal(jwtExpiry(jwt({ exp: 42 })), 42_000);
    assert.equal(jwtExpiry('a.%%%.c'), undefined);
  });
});

describe('ScopedCredential and UnsignedTestCredential', () => {
  it('asks for the cloud\'s scope and tenant whatever the SDK requested', async () => {
    const seen: { scopes: string | string[]; tenantId?: string }[] = [];
    const inner = { getToken: async (scopes: string | string[], options?: { tenantId?: string }) => (seen.push({ scopes, tenantId: options?.tenantId }), { token: 't', expiresOnTimestamp: 0 }) };
    await new ScopedCredential(inner, 'https://management.core.chinacloudapi.cn//.default', 'tenant-cn').getToken('https://management.azure.com/.default');
    assert.deepEqual(seen, [{ scopes: 'https://management.core.chinacloudapi.cn//.default', tenantId: 'tenant-cn' }]);
  });

  it('issues unsigned ARM-audience tokens for the requested tenant', async () => {
    const token = await new UnsignedTestCredential('home-tenant').getToken('https://management.core.windows.net//.default', { tenantId: 'other-tenant' });
    const [header, payload, signature] = token.token.split('.');
    assert.equal(JSON.parse(Buffer.from(header, 'base64url').toString()).alg, 'none');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { tid: string; aud: string; exp: number };
    assert.equal(claims.tid, 'other-tenant');
    assert.equal(claims.aud, 'https://management.core.windows.net/');
    assert.equal(signature, '');
    assert.equal(token.expiresOnTimestamp, claims.exp * 1000);
    const storage = await new UnsignedTestCredential('home-tenant').getToken('https://storage.azure.com/.default');
    assert.equal((JSON.parse(Buffer.from(storage.token.split('.')[1], 'base64url').toString()) as { aud: string }).aud, 'https://storage.azure.com');
    assert.equal(audienceOf('https://management.azure.com/.default'), 'https://management.azure.com');
  });
});
