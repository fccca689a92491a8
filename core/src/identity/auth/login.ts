import type { Knex } from 'knex';
import { HttpError, TooManyRequestsError, UnauthorizedError } from '@mpanel/sdk';
import type { TenantRow } from '../../tenancy/tenant-resolver.ts';
import type { AuditLog, AuditContext } from '../audit/audit-log.ts';
import { burnVerify, verifyPassword } from '../passwords/hasher.ts';
import { type LoginThrottle, MAX_ACCOUNT_FAILURES, lockDurationMs } from './login-throttle.ts';
import type { ClientInfo, Sessions, TokenPair } from './sessions.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { recoveryHash, totpStep, TOTP_FIELD } from '../two-factor/totp.ts';
import { useTotpStep } from '../two-factor/totp-replay.ts';
import type { LoginOutcome } from '../../ops/metrics/auth-metrics.ts';

/** The one answer for an unknown email, a wrong password, a disabled user or an unknown tenant. */
export const INVALID_CREDENTIALS = 'Invalid email or password';

export interface LoginInput extends ClientInfo {
  email: string;
  password: string;
  tenant: TenantRow | undefined;
  /** A TOTP code or a recovery code, for users with two-factor enabled. */
  totp?: string | undefined;
}

interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  password_hash: string;
  status: string;
  failed_logins: number;
  lockouts: number;
  locked_until: Date | null;
  totp_enabled: boolean;
  totp_secret: string | null;
  recovery_codes: string[];
}

/**
 * Password login with throttling: per IP and per account, 429 with Retry-After; a locked account
 * is refused before the password is even checked, so the right password does not bypass a lock.
 */
export class LoginService {
  constructor(
    private readonly knex: Knex,
    private readonly sessions: Sessions,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
    private readonly totpBox: SecretBox,
    /** Told of every refused attempt and lock (the login metrics). */
    private readonly observe: (outcome: LoginOutcome) => void = () => undefined,
  ) {}

  async login(input: LoginInput): Promise<TokenPair & { user: { id: string; email: string; name: string | null } }> {
    const ip = input.ip ?? 'unknown';
    const ipWait = await this.throttle.ipRetryAfter(ip);
    if (ipWait) throw new TooManyRequestsError(ipWait, 'Too many failed logins, try again later');

    const tenant = input.tenant?.status === 'active' ? input.tenant : undefined;
    const user = tenant
      ? ((await this.knex('users').where({ tenant_id: tenant.id }).whereRaw('lower(email) = lower(?)', [input.email]).first()) as UserRow | undefined)
      : undefined;
    const context: AuditContext | undefined = tenant ? { tenantId: tenant.id, actorEmail: input.email, ...input } : undefined;
    const accountKey = `${tenant?.id ?? '-'}:${input.email.toLowerCase()}`;

    const lockWait = user ? await this.reserveAttempt(user) : await this.throttle.unknownAccountAttempt(accountKey);
    if (lockWait) {
      this.observe('refused_locked');
      if (context) await this.audit.write(context, { action: 'auth.login_locked', targetType: 'user', targetId: user?.id });
      throw new TooManyRequestsError(lockWait, 'Too many failed logins, try again later');
    }

    const passwordOk = user ? await verifyPassword(user.password_hash, input.password) : await burnVerify(input.password);
    if (!user || !passwordOk || user.status !== 'active') return this.fail(ip, user, context, 'auth.login_failed');

    if (user.totp_enabled) {
      if (!input.totp) {
        // The right password is no failed guess: give back the attempt counted up front.
        await this.knex('users').where({ id: user.id }).update({ failed_logins: this.knex.raw('greatest(failed_logins - 1, 0)') });
        throw new HttpError(401, 'Two-factor code required', { totp: 'is required' });
      }
      if (!(await this.secondFactorOk(user, input.totp))) return this.fail(ip, user, context, 'auth.2fa_failed');
    }

    await this.knex('users').where({ id: user.id }).update({ failed_logins: 0, lockouts: 0, locked_until: null, last_login_at: new Date() });
    const pair = await this.sessions.start(user.tenant_id, user.id, input);
    await this.audit.write(
      { tenantId: user.tenant_id, actorEmail: user.email, ...input, principal: undefined },
      { action: 'auth.login', targetType: 'user', targetId: user.id, metadata: { sessionId: pair.sessionId } },
    );
    return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresIn: pair.expiresIn, user: { id: user.id, email: user.email, name: user.name } };
  }

  /**
   * Counts this attempt as a failure before the password is checked, in one statement, so a burst
   * of parallel attempts gets at most MAX_ACCOUNT_FAILURES password checks (the rest are refused
   * as if locked, the right password included); a success resets the count. Answers seconds to
   * wait, or 0; on 0 `user` carries the counts as reserved.
   */
  private async reserveAttempt(user: UserRow): Promise<number> {
    const [row] = (await this.knex('users')
      .where({ id: user.id })
      .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', this.knex.fn.now()))
      .update({ failed_logins: this.knex.raw('failed_logins + 1') })
      .returning(['failed_logins', 'lockouts'])) as Array<{ failed_logins: number; lockouts: number }>;
    if (!row) {
      const current = (await this.knex('users').where({ id: user.id }).first('locked_until')) as { locked_until: Date | null } | undefined;
      return Math.max(1, secondsUntil(current?.locked_until ?? null));
    }
    // Over the limit: the attempt that reached it is still being checked and will set the lock.
    if (row.failed_logins > MAX_ACCOUNT_FAILURES) return Math.ceil(lockDurationMs(row.lockouts) / 1000);
    user.failed_logins = row.failed_logins;
    user.lockouts = row.lockouts;
    return 0;
  }

  private async secondFactorOk(user: UserRow, code: string): Promise<boolean> {
    const step = user.totp_secret ? totpStep(this.totpBox.open(user.totp_secret, { tenantId: user.tenant_id, field: TOTP_FIELD }), code.trim()) : null;
    // A valid code is good once: replaying it (or an older one) within its window fails.
    if (step !== null) return useTotpStep(this.knex, user.id, step);
    // A recovery code works once: it is removed as it is used.
    const hash = recoveryHash(code);
    if (!user.recovery_codes.includes(hash)) return false;
    const removed = await this.knex('users')
      .where({ id: user.id })
      .whereRaw('recovery_codes \\? ?', [hash])
      .update({ recovery_codes: this.knex.raw('recovery_codes - ?', [hash]) });
    return removed === 1;
  }

  private async fail(ip: string, user: UserRow | undefined, context: AuditContext | undefined, action: 'auth.login_failed' | 'auth.2fa_failed'): Promise<never> {
    this.observe(action === 'auth.2fa_failed' ? 'failed_2fa' : 'failed_password');
    await this.throttle.ipFailed(ip);
    // The failure itself was counted up front (reserveAttempt, unknownAccountAttempt).
    if (user && user.failed_logins >= MAX_ACCOUNT_FAILURES) {
      await this.knex('users')
        .where({ id: user.id })
        .update({ failed_logins: 0, lockouts: user.lockouts + 1, locked_until: new Date(Date.now() + lockDurationMs(user.lockouts)) });
      this.observe('lockout');
      if (context) await this.audit.write(context, { action: 'auth.lockout', targetType: 'user', targetId: user.id, metadata: { lockouts: user.lockouts + 1 } });
    }
    if (context) await this.audit.write(context, { action, targetType: user ? 'user' : undefined, targetId: user?.id });
    throw new UnauthorizedError(INVALID_CREDENTIALS);
  }
}

function secondsUntil(date: Date | null): number {
  if (!date) return 0;
  const ms = date.getTime() - Date.now();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
