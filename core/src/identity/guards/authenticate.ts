import type { Middleware, ParameterizedContext } from 'koa';
import { ForbiddenError, NotFoundError, SYSTEM_ROLES, UnauthorizedError, type Principal } from '@mpanel/sdk';
import type { RouteStage } from '../../http/route-pipeline.ts';
import type { RegisteredRoute } from '../../http/route-registry.ts';
import type { RootContainer } from '../../container.ts';
import { toTenantRef } from '../../tenancy/tenant-resolver.ts';
import { API_KEY_PATTERN, type LoadedPrincipal } from '../principal/principal-loader.ts';
import { auditContextOf, clientInfo, registerIdentity } from './request-context.ts';
import { requestTransaction } from '../../http/route-pipeline.ts';
import { tenantContextStatement } from '../../tenancy/context.ts';
import { MANAGE_ALL_TENANTS } from '../permissions.ts';

/** Header a platform super admin sends to act on another tenant explicitly (audited). */
export const ACT_AS_HEADER = 'x-tenant-id';

/**
 * Guard 1: who is calling and for which tenant. Public routes get a tenant (the `:tenantId`
 * param, else the Host's mapped domain, else `default`) and no principal; other routes need a
 * bearer access token or API key. Successful staff writes that did not write their own audit
 * entry get a generic one.
 */
export function authenticate(container: RootContainer): RouteStage {
  const { tenantResolver, principalLoader, accessTokens, auditLog, appKnex } = container.cradle;

  const publicTenant = async (ctx: ParameterizedContext, route: RegisteredRoute) => {
    const param = route.path.includes(':tenantId') ? (ctx.params as Record<string, string>).tenantId : undefined;
    const row = param ? await tenantResolver.byId(param) : await tenantResolver.forHost(ctx.host);
    if (param && !row) throw new NotFoundError();
    return row;
  };

  const loadPrincipal = async (ctx: ParameterizedContext, route: RegisteredRoute): Promise<LoadedPrincipal> => {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new UnauthorizedError();
    if (API_KEY_PATTERN.test(token)) return principalLoader.fromApiKey(token);
    const claims = accessTokens.verify(token);
    ctx.state.sessionId = claims.sid;
    const statement = mayBeginEarly(ctx, route) ? principalLoader.sessionStatement(claims.sub, claims.tid, claims.sid) : undefined;
    if (!statement) return principalLoader.fromSession(claims.sub, claims.tid, claims.sid);
    // One round trip for BEGIN, the token tenant's context and the session check (as the app role
    // in that tenant: the session, its user and roles are that tenant's rows): the request
    // transaction starts here and the transaction stage takes it over. A 401 or any later
    // failure rolls it back (request scope).
    const tx = requestTransaction(ctx, appKnex, claims.tid, () => `BEGIN; ${tenantContextStatement(claims.tid)}; ${statement}`);
    const results = await tx.start();
    return principalLoader.fromSessionRow(results[2]?.rows[0], tx.transaction);
  };

  /** A super admin may name another tenant; anybody else naming one gets 403. */
  const actAs = async (ctx: ParameterizedContext, loaded: LoadedPrincipal) => {
    const wanted = ctx.get(ACT_AS_HEADER);
    if (!wanted || wanted === loaded.tenant.id) return;
    if (!loaded.principal.permissions.has(MANAGE_ALL_TENANTS)) throw new ForbiddenError('Acting on another tenant is not permitted');
    const row = await tenantResolver.byId(wanted);
    if (!row) throw new NotFoundError('Tenant not found');
    ctx.state.tenant = toTenantRef(row);
    ctx.state.actingAcrossTenants = true;
    await auditLog.write(auditContextOf(ctx), { action: 'tenant.act_as', targetType: 'tenant', targetId: row.id, metadata: { method: ctx.method, path: ctx.path, homeTenantId: loaded.tenant.id } });
  };

  return (route) => {
    const middleware: Middleware = async (ctx, next) => {
      if (route.public) {
        const row = await publicTenant(ctx, route);
        if (row) ctx.state.tenant = toTenantRef(row);
        ctx.state.tenantRow = row;
      } else {
        const loaded = await loadPrincipal(ctx, route);
        ctx.state.principal = loaded.principal;
        ctx.state.tenant = loaded.tenant;
        ctx.state.twoFactorSetupRequired = mustSetUpTwoFactor(loaded);
        // "Log in as client": the staff user's id, from the session row (me, audit entries).
        ctx.state.impersonatedBy = loaded.impersonatedBy;
        await actAs(ctx, loaded);
      }
      registerIdentity(ctx, auditLog);
      await next();
      const principal = ctx.state.principal as Principal | undefined;
      if (principal && ctx.method !== 'GET' && ctx.status < 400 && !ctx.state.audited) {
        await auditLog.write(auditContextOf(ctx), {
          action: `request.${ctx.method.toLowerCase()}`,
          targetId: (ctx.params as Record<string, string>).id,
          metadata: { route: `${route.method} ${route.path}`, owner: route.owner, path: ctx.path, status: ctx.status },
        }).catch((err: unknown) => (ctx.state.log as { error: (o: object, m: string) => void }).error({ err, ...clientInfo(ctx) }, 'audit write failed'));
      }
    };
    return middleware;
  };
}

/**
 * The request transaction may begin with the session check when the route runs in one, reads
 * (no request body to wait for while holding a connection) and stays in the token's tenant.
 */
function mayBeginEarly(ctx: ParameterizedContext, route: RegisteredRoute): boolean {
  return route.transaction !== false && (ctx.method === 'GET' || ctx.method === 'HEAD') && !ctx.get(ACT_AS_HEADER);
}

/**
 * A tenant can require two-factor for its staff: until they enrol, only account routes work. An API
 * key answers to its creator's two-factor, so a key cannot outlive the rule being switched on.
 */
function mustSetUpTwoFactor(loaded: LoadedPrincipal): boolean {
  return loaded.tenantSettings.requireTwoFactorForStaff === true && loaded.principal.kind !== 'system' && loaded.principal.level < SYSTEM_ROLES.client && !loaded.totpEnabled;
}
