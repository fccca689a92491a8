import { ForbiddenError, ok, type Principal, type TenantDb, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import type { TenantRow } from '../../tenancy/tenant-resolver.ts';
import { clientInfo } from '../guards/request-context.ts';
import { ACCOUNT_PERMISSION } from '../guards/authorize.ts';
import { requestServices } from '../route-context.ts';
import { resyncSocketsAfterCommit } from '../socket-sync.ts';
import { toApi } from '../serialize.ts';
import { USER_COLUMNS } from '../users/user-accounts.ts';

const refreshBody = {
  type: 'object',
  required: ['refreshToken'],
  additionalProperties: false,
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** Login, refresh, logout, ending a "log in as client" session, me. Two-factor and password routes live in their own files. */
export function authRoutes(container: RootContainer): RouteDefinition[] {
  const { loginService, sessions, tenantResolver } = container.cradle;
  return [
    defineRoute<Record<string, string>, unknown, { email: string; password: string; tenant?: string; totp?: string }>({
      method: 'POST',
      path: '/api/v1/auth/login',
      public: true,
      rateLimit: 'strict',
      // Failure counters and audit entries must be written although the answer is an error.
      transaction: false,
      tags: ['auth'],
      summary: 'Log in with email and password (and a TOTP or recovery code when two-factor is on)',
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 320 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
            tenant: { type: 'string', minLength: 1, maxLength: 100 },
            totp: { type: 'string', minLength: 1, maxLength: 32 },
          },
        },
      },
      handler: async (ctx) => {
        const { email, password, tenant: slug, totp } = ctx.input.body;
        const tenant = slug ? await tenantResolver.bySlug(slug) : (ctx.state.tenantRow as TenantRow | undefined);
        const result = await loginService.login({ email, password, tenant, totp, ...clientInfo(ctx) });
        return ok({ accessToken: result.accessToken, refreshToken: result.refreshToken, expiresIn: result.expiresIn, user: result.user });
      },
    }),
    defineRoute<Record<string, string>, unknown, { refreshToken: string }>({
      method: 'POST',
      path: '/api/v1/auth/refresh',
      public: true,
      transaction: false,
      tags: ['auth'],
      summary: 'Trade a refresh token for a new pair; a used one revokes the whole login',
      schema: { body: refreshBody },
      handler: async (ctx) => ok(await sessions.refresh(ctx.input.body.refreshToken, clientInfo(ctx))),
    }),
    defineRoute<Record<string, string>, unknown, { refreshToken: string }>({
      method: 'POST',
      path: '/api/v1/auth/logout',
      public: true,
      transaction: false,
      tags: ['auth'],
      summary: 'End the login of this refresh token (its access tokens stop working too)',
      schema: { body: refreshBody },
      handler: async (ctx) => {
        const ended = await sessions.logout(ctx.input.body.refreshToken);
        if (ended) {
          // No request transaction here: the session has ended already, its sockets go now.
          await container.cradle.realtime.resyncUser(ended.userId).catch((err: unknown) => (ctx.state.log as { warn: (o: object, m: string) => void }).warn({ err }, 'realtime resync failed'));
          await container.cradle.auditLog.write(
            { tenantId: ended.tenantId, ...clientInfo(ctx) },
            { action: 'auth.logout', targetType: 'session', targetId: ended.sessionId, metadata: { userId: ended.userId } },
          );
        }
        return ok(null, 'Logged out');
      },
    }),
    {
      method: 'DELETE',
      path: '/api/v1/auth/impersonation',
      permission: ACCOUNT_PERMISSION,
      tags: ['auth'],
      summary: 'End this "log in as client" session at once (it has no refresh token to log out with); any other session: 403',
      handler: async (ctx) => {
        const sessionId = ctx.state.sessionId as string | undefined;
        // Other logins end with POST /auth/logout, which also ends their refresh tokens.
        if (!sessionId || !ctx.state.impersonatedBy) throw new ForbiddenError('This is not a "log in as client" session; log out with its refresh token');
        const { db, audit } = requestServices(ctx);
        await sessions.revokeSession(db.trx, sessionId, 'impersonation ended');
        resyncSocketsAfterCommit(container, ctx, { userId: (ctx.state.principal as Principal).userId! });
        await audit.record({ action: 'auth.impersonation_ended', targetType: 'session', targetId: sessionId });
        return ok(null, 'Session ended');
      },
    },
    {
      method: 'GET',
      path: '/api/v1/auth/me',
      permission: ACCOUNT_PERMISSION,
      tags: ['auth'],
      summary: 'The caller: user, tenant, roles and effective permissions',
      handler: async (ctx) => {
        const principal = ctx.state.principal as Principal;
        const db = ctx.scope.resolve<TenantDb>('tenantDb');
        const user = principal.userId ? await db('users').select(USER_COLUMNS).where({ id: principal.userId }).first() : null;
        // "Log in as client": who opened this session (a staff user of the same tenant).
        const staffId = ctx.state.impersonatedBy as string | null | undefined;
        const impersonatedBy = staffId ? ((await db('users').select('id', 'email').where({ id: staffId }).first()) ?? { id: staffId, email: null }) : null;
        return ok({
          user: user ? toApi(user) : null,
          tenant: ctx.state.tenant as TenantRef,
          kind: principal.kind,
          roles: principal.roles,
          level: principal.level,
          permissions: [...principal.permissions].sort(),
          twoFactorSetupRequired: ctx.state.twoFactorSetupRequired === true,
          impersonatedBy,
        });
      },
    },
  ];
}
