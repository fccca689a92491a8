import type { Knex } from 'knex';
import { UnauthorizedError } from '@mpanel/sdk';
import type { AccessTokens } from './access-tokens.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { randomToken, sha256 } from './secrets.ts';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

const INVALID = 'Invalid or expired refresh token';

/**
 * Logins as sessions: a session is the family of its refresh tokens. Each refresh token is opaque
 * (256 bits), stored as SHA-256 and used once; presenting a used one revokes the whole family.
 * These run as the platform role: the caller holds nothing but the opaque token.
 */
export class Sessions {
  constructor(private readonly knex: Knex, private readonly tokens: AccessTokens, private readonly audit: AuditLog) {}

  async start(tenantId: string, userId: string, client: ClientInfo, db: Knex | Knex.Transaction = this.knex): Promise<TokenPair & { sessionId: string }> {
    const [session] = (await db('sessions').insert({ tenant_id: tenantId, user_id: userId, ip: client.ip ?? null, user_agent: client.userAgent?.slice(0, 512) ?? null }).returning('id')) as Array<{ id: string }>;
    const pair = await this.issue(db, tenantId, userId, session!.id);
    return { ...pair, sessionId: session!.id };
  }

  /**
   * "Log in as client": a session of `userId` opened by the staff user `staffId`. It gets an access
   * token only (marked `imp`), never a refresh token: it ends when that token expires.
   */
  async startImpersonation(
    db: Knex | Knex.Transaction,
    tenantId: string,
    userId: string,
    staffId: string,
    client: ClientInfo,
  ): Promise<{ accessToken: string; expiresIn: number; sessionId: string }> {
    const [session] = (await db('sessions')
      .insert({ tenant_id: tenantId, user_id: userId, impersonated_by: staffId, ip: client.ip ?? null, user_agent: client.userAgent?.slice(0, 512) ?? null })
      .returning('id')) as Array<{ id: string }>;
    const access = this.tokens.sign({ sub: userId, tid: tenantId, sid: session!.id, imp: staffId });
    return { accessToken: access.token, expiresIn: access.expiresIn, sessionId: session!.id };
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    const outcome = await this.knex.transaction(async (trx): Promise<TokenPair | 'reused'> => {
      const row = (await trx('refresh_tokens as r')
        .join('sessions as s', 's.id', 'r.family_id')
        .join('users as u', 'u.id', 'r.user_id')
        .select('r.id', 'r.family_id', 'r.user_id', 'r.tenant_id', 'r.expires_at', 'r.used_at', 's.revoked_at', 's.impersonated_by', 'u.status', 'u.email')
        .where('r.token_hash', sha256(refreshToken))
        .forUpdate()
        .first()) as { id: string; family_id: string; user_id: string; tenant_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null; impersonated_by: string | null; status: string; email: string } | undefined;
      // Impersonation sessions are never refreshed (they get no refresh token in the first place).
      if (!row || row.revoked_at || row.impersonated_by) throw new UnauthorizedError(INVALID);
      if (row.used_at) {
        await this.revokeFamily(trx, row.family_id, 'refresh token reuse');
        await this.audit.write({ tenantId: row.tenant_id, actorEmail: row.email, ...client }, { action: 'auth.refresh_reuse', targetType: 'session', targetId: row.family_id }, trx);
        // Commit the revocation first: it must stick although this request fails.
        return 'reused';
      }
      if (row.expires_at.getTime() <= Date.now() || row.status !== 'active') throw new UnauthorizedError(INVALID);
      await trx('refresh_tokens').where({ id: row.id }).update({ used_at: new Date() });
      return this.issue(trx, row.tenant_id, row.user_id, row.family_id);
    });
    if (outcome === 'reused') throw new UnauthorizedError(INVALID);
    return outcome;
  }

  /** Logout: ends the session of this refresh token (its access tokens stop working at once). */
  async logout(refreshToken: string): Promise<{ tenantId: string; sessionId: string; userId: string } | undefined> {
    const row = (await this.knex('refresh_tokens').select('family_id', 'tenant_id', 'user_id').where('token_hash', sha256(refreshToken)).first()) as
      | { family_id: string; tenant_id: string; user_id: string }
      | undefined;
    if (!row) return undefined;
    await this.revokeFamily(this.knex, row.family_id, 'logout');
    return { tenantId: row.tenant_id, sessionId: row.family_id, userId: row.user_id };
  }

  async revokeSession(db: Knex | Knex.Transaction, sessionId: string, reason: string): Promise<void> {
    await this.revokeFamily(db, sessionId, reason);
  }

  /**
   * Disabling a user or changing a password ends every session of the user, and those it opened as
   * somebody else; `keep` spares the session making the change (turning two-factor on).
   */
  async revokeAllForUser(db: Knex | Knex.Transaction, userId: string, reason: string, keep?: string): Promise<void> {
    const query = db('sessions').where((q) => q.where({ user_id: userId }).orWhere({ impersonated_by: userId })).whereNull('revoked_at');
    if (keep) query.whereNot({ id: keep });
    await query.update({ revoked_at: new Date(), revoked_reason: reason });
  }

  private async revokeFamily(db: Knex | Knex.Transaction, familyId: string, reason: string): Promise<void> {
    await db('sessions').where({ id: familyId }).whereNull('revoked_at').update({ revoked_at: new Date(), revoked_reason: reason });
  }

  private async issue(db: Knex | Knex.Transaction, tenantId: string, userId: string, familyId: string): Promise<TokenPair> {
    const refreshToken = randomToken(32);
    await db('refresh_tokens').insert({
      tenant_id: tenantId,
      user_id: userId,
      family_id: familyId,
      token_hash: sha256(refreshToken),
      expires_at: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
    });
    const access = this.tokens.sign({ sub: userId, tid: tenantId, sid: familyId });
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn };
  }
}
