import { ForbiddenError, HttpError, SYSTEM_ROLES, ValidationError, ok, type Principal, type TenantDb } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import { ACCOUNT_PERMISSION } from '../guards/authorize.ts';
import { requestServices } from '../route-context.ts';
import { resyncSocketsAfterCommit } from '../socket-sync.ts';
import { revokeApiKeysOf } from '../api-keys/api-key-revocation.ts';
import { hashPassword, verifyPassword } from '../passwords/hasher.ts';
import { assertPasswordAcceptable } from '../passwords/policy.ts';
import { newRecoveryCodes, newTotpSecret, totpStep, TOTP_FIELD, TOTP_PENDING_FIELD } from '../two-factor/totp.ts';

interface OwnRow {
  id: string;
  tenant_id: string;
  email: string;
  password_hash: string;
  totp_enabled: boolean;
  totp_pending_secret: string | null;
}

/** The caller's own user row; API keys have no account to manage. */
async function ownUser(db: TenantDb, principal: Principal): Promise<OwnRow> {
  if (principal.kind !== 'user' || !principal.userId) throw new ForbiddenError('Only users have an account to manage');
  return (await db('users').where({ id: principal.userId }).first()) as OwnRow;
}

const codeBody = { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', pattern: '^\\d{6}$' } } } as const;
const passwordBody = { type: 'object', required: ['password'], additionalProperties: false, properties: { password: { type: 'string', minLength: 1, maxLength: 1024 } } } as const;

/** Self-service: password change, TOTP enrol / confirm / disable. */
export function accountRoutes(container: RootContainer): RouteDefinition[] {
  const { totpBox, sessions } = container.cradle;
  return [
    defineRoute<Record<string, string>, unknown, { currentPassword: string; newPassword: string }>({
      method: 'POST',
      path: '/api/v1/auth/password',
      permission: ACCOUNT_PERMISSION,
      rateLimit: 'strict',
      tags: ['auth'],
      summary: 'Change your password; every session (this one too) ends',
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 1024 }, newPassword: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const user = await ownUser(db, principal);
        if (!(await verifyPassword(user.password_hash, ctx.input.body.currentPassword))) throw new ValidationError({ currentPassword: 'is wrong' });
        assertPasswordAcceptable(ctx.input.body.newPassword, user.email, 'newPassword');
        await db('users').where({ id: user.id }).update({ password_hash: await hashPassword(ctx.input.body.newPassword), password_changed_at: new Date(), updated_at: new Date() });
        await sessions.revokeAllForUser(db.trx, user.id, 'password changed');
        resyncSocketsAfterCommit(container, ctx, { userId: user.id });
        await audit.record({ action: 'auth.password_changed', targetType: 'user', targetId: user.id });
        return ok(null, 'Password changed; log in again');
      },
    }),
    {
      method: 'POST',
      path: '/api/v1/auth/2fa/enroll',
      permission: ACCOUNT_PERMISSION,
      tags: ['auth'],
      summary: 'Start two-factor enrolment: a TOTP secret and otpauth:// URL to confirm with a code',
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const user = await ownUser(db, principal);
        if (user.totp_enabled) throw new HttpError(409, 'Two-factor authentication is already on');
        const { secret, otpauthUrl } = newTotpSecret(user.email);
        await db('users').where({ id: user.id }).update({ totp_pending_secret: totpBox.seal(secret, { tenantId: user.tenant_id, field: TOTP_PENDING_FIELD }), updated_at: new Date() });
        await audit.record({ action: 'auth.2fa_enroll_started', targetType: 'user', targetId: user.id });
        return ok({ secret, otpauthUrl });
      },
    },
    defineRoute<Record<string, string>, unknown, { code: string }>({
      method: 'POST',
      path: '/api/v1/auth/2fa/confirm',
      permission: ACCOUNT_PERMISSION,
      tags: ['auth'],
      summary: 'Confirm enrolment with a current code; answers the recovery codes, once',
      schema: { body: codeBody },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const user = await ownUser(db, principal);
        if (!user.totp_pending_secret) throw new HttpError(409, 'Start enrolment first');
        const secret = totpBox.open(user.totp_pending_secret, { tenantId: user.tenant_id, field: TOTP_PENDING_FIELD });
        const step = totpStep(secret, ctx.input.body.code);
        if (step === null) throw new ValidationError({ code: 'is not valid' });
        const { codes, hashes } = newRecoveryCodes();
        await db('users').where({ id: user.id }).update({
          // The confirming code is spent: it cannot then be replayed to log in.
          totp_last_step: step,
          totp_secret: totpBox.seal(secret, { tenantId: user.tenant_id, field: TOTP_FIELD }),
          totp_pending_secret: null,
          totp_enabled: true,
          recovery_codes: JSON.stringify(hashes),
          updated_at: new Date(),
        });
        // Sessions opened with the password alone end: from now on only this one and two-factor logins.
        await sessions.revokeAllForUser(db.trx, user.id, 'two-factor enabled', ctx.state.sessionId as string | undefined);
        resyncSocketsAfterCommit(container, ctx, { userId: user.id });
        await audit.record({ action: 'auth.2fa_enabled', targetType: 'user', targetId: user.id });
        return ok({ recoveryCodes: codes }, 'Two-factor authentication is on; keep the recovery codes somewhere safe');
      },
    }),
    defineRoute<Record<string, string>, unknown, { password: string }>({
      method: 'POST',
      path: '/api/v1/auth/2fa/disable',
      permission: ACCOUNT_PERMISSION,
      tags: ['auth'],
      summary: 'Turn your two-factor off (password required)',
      schema: { body: passwordBody },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const user = await ownUser(db, principal);
        if (!(await verifyPassword(user.password_hash, ctx.input.body.password))) throw new ValidationError({ password: 'is wrong' });
        await db('users').where({ id: user.id }).update({ totp_enabled: false, totp_secret: null, totp_pending_secret: null, recovery_codes: '[]', updated_at: new Date() });
        // Where staff must use two-factor, turning it off is losing access: the user's keys go too.
        const tenant = (await db.trx('tenants').where({ id: principal.tenantId }).first('settings')) as { settings: { requireTwoFactorForStaff?: boolean } } | undefined;
        if (tenant?.settings.requireTwoFactorForStaff === true && principal.level < SYSTEM_ROLES.client) await revokeApiKeysOf(db, user.id);
        await audit.record({ action: 'auth.2fa_disabled', targetType: 'user', targetId: user.id });
        return ok(null, 'Two-factor authentication is off');
      },
    }),
  ];
}
