import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '@mpanel/sdk';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'mpanel';
const AUDIENCE = 'mpanel-api';
// The only algorithm accepted on verify: `none` and asymmetric confusions are refused.
const ALGORITHMS: jwt.Algorithm[] = ['HS256'];

export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Tenant id. */
  tid: string;
  /** Session (refresh-token family) id: revoking the session ends the token at once. */
  sid: string;
  typ: 'access';
  /** Impersonation: the staff user who opened this session for the user (no refresh token). */
  imp?: string;
}

/** Short-lived JWT access tokens: sign with iss/aud/exp/sub/tid/sid/typ, verify with an allow-list. */
export class AccessTokens {
  // A KeyObject made once: given a string, jsonwebtoken builds one on every call (~1 ms each).
  private readonly secret: KeyObject;

  constructor(secret: string) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(claims: Omit<AccessClaims, 'typ'>): { token: string; expiresIn: number } {
    const token = jwt.sign({ tid: claims.tid, sid: claims.sid, typ: 'access', ...(claims.imp ? { imp: claims.imp } : {}) }, this.secret, {
      algorithm: 'HS256',
      subject: claims.sub,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    });
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** The claims of a valid access token; anything else is a 401. */
  verify(token: string): AccessClaims {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.secret, { algorithms: ALGORITHMS, issuer: ISSUER, audience: AUDIENCE });
    } catch {
      throw new UnauthorizedError('Invalid or expired token');
    }
    if (typeof payload === 'string' || payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.sid !== 'string') {
      throw new UnauthorizedError('Invalid or expired token');
    }
    return { sub: payload.sub, tid: payload.tid, sid: payload.sid, typ: 'access', ...(typeof payload.imp === 'string' ? { imp: payload.imp } : {}) };
  }
}
