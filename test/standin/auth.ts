import { ArmError } from './armErrors';

export interface TokenClaims {
  tid: string;
  oid: string;
  aud: string;
  exp: number;
  [claim: string]: unknown;
}

/** The audiences ARM accepts for its own tokens. */
export const armAudiences = ['https://management.core.windows.net/', 'https://management.core.windows.net', 'https://management.azure.com/', 'https://management.azure.com'];

/**
 * Reads the bearer token the way ARM does, minus the signature check: the stand-in accepts the
 * unsigned JWT-shaped tokens the test sign-in issues, but still checks shape, audience and expiry.
 */
export function authenticate(authorization: string | undefined, now = Date.now()): TokenClaims {
  if (authorization === undefined || authorization.trim() === '') {
    throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
      headers: challenge('The authentication failed because of missing \'Authorization\' header.'),
    });
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) {
    throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
      headers: challenge('The authentication failed because of the invalid format of the \'Authorization\' header.'),
    });
  }
  const claims = decodeClaims(match[1]);
  if (!claims) {
    throw invalidToken();
  }
  if (!armAudiences.includes(claims.aud)) {
    throw new ArmError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${armAudiences.join("','")}'.`,
      { headers: challenge('The access token has been obtained for wrong audience or resource.') },
    );
  }
  if (claims.exp * 1000 <= now) {
    throw expiredToken(claims.exp * 1000, now);
  }
  return claims;
}

export function expiredToken(expiresAt: number, now = Date.now()): ArmError {
  return new ArmError(
    401,
    'ExpiredAuthenticationToken',
    `The access token expiry UTC time '${armTime(expiresAt)}' is earlier than current UTC time '${armTime(now)}'.`,
    { headers: challenge('The access token has expired.') },
  );
}

function invalidToken(): ArmError {
  return new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
    headers: challenge('The access token is invalid.'),
  });
}

function decodeClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') {
      return undefined;
    }
    if (typeof payload.tid !== 'string' || typeof payload.oid !== 'string' || typeof payload.aud !== 'string' || typeof payload.exp !== 'number') {
      return undefined;
    }
    return payload as TokenClaims;
  } catch {
    return undefined;
  }
}

function challenge(description: string): Record<string, string> {
  return {
    'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${description}"`,
  };
}

/** ARM prints times as `11/23/2026 1:05:09 PM` (US format, UTC). */
function armTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getUTCHours();
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
