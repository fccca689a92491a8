import { ForbiddenError, HttpError, SYSTEM_ROLES, ok, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import { requestServices } from '../route-context.ts';
import { clientInfo } from '../guards/request-context.ts';
import { uuidParam } from '../serialize.ts';
import { findUser } from './user-queries.ts';

/**
 * "Log in as client" (WHMCS staff feature): a short-lived access token for a client user of the
 * caller's own tenant, marked as opened by the staff user, with no refresh token. Staff users are
 * never impersonated (403); another tenant's user is not found (404).
 */
export function impersonationRoute(container: RootContainer): RouteDefinition {
  const { sessions } = container.cradle;
  return defineRoute<{ id: string }>({
    method: 'POST',
    path: '/api/v1/users/:id/impersonate',
    permission: 'users.impersonate',
    tags: ['users'],
    summary: 'Log in as a client user of your tenant: a short-lived access token (no refresh), audited',
    schema: { params: uuidParam },
    handler: async (ctx) => {
      const { db, audit, principal } = requestServices(ctx);
      if (principal.kind !== 'user' || !principal.userId) throw new ForbiddenError('Only a staff user can log in as a client');
      // Acting on another tenant (x-tenant-id) is for managing it, not for opening its clients' sessions.
      if (principal.tenantId !== (ctx.state.tenant as TenantRef).id) throw new ForbiddenError('Log in as a client of your own tenant only');
      const target = await findUser(db, ctx.input.params.id);
      if (target.level !== SYSTEM_ROLES.client) throw new ForbiddenError('Only client users can be impersonated');
      if (target.status !== 'active') throw new HttpError(409, 'This user is disabled');
      const session = await sessions.startImpersonation(db.trx, target.tenant_id, target.id, principal.userId, clientInfo(ctx));
      await audit.record({
        action: 'user.impersonate',
        targetType: 'user',
        targetId: target.id,
        metadata: { sessionId: session.sessionId, targetEmail: target.email, expiresIn: session.expiresIn },
      });
      return ok(
        { accessToken: session.accessToken, expiresIn: session.expiresIn, user: { id: target.id, email: target.email }, impersonatedBy: { id: principal.userId, email: principal.email } },
        `Logged in as ${target.email}`,
      );
    },
  });
}
