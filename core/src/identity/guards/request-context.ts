import type { ParameterizedContext } from 'koa';
import { asFunction, asValue, type AwilixContainer } from 'awilix';
import type { Knex } from 'knex';
import { createTenantDb, type AuditEntry, type AuditService, type Principal, type TenantRef } from '@mpanel/sdk';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';

export function clientInfo(ctx: ParameterizedContext): { ip: string; userAgent: string | undefined; requestId: string | undefined } {
  return { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined, requestId: ctx.state.requestId as string | undefined };
}

export function auditContextOf(ctx: ParameterizedContext): AuditContext {
  return {
    tenantId: (ctx.state.tenant as TenantRef).id,
    principal: ctx.state.principal as Principal | undefined,
    impersonatedBy: ctx.state.impersonatedBy as string | null | undefined,
    ...clientInfo(ctx),
  };
}

/**
 * Registers the request's identity in its scope: `tenant`, `currentUser` (the Principal, or null
 * on a public route), `permissions`, and the services bound to them: `tenantDb` (Lock 1, on the
 * request transaction) and `audit` (written in that transaction when there is one).
 */
export function registerIdentity(ctx: ParameterizedContext, auditLog: AuditLog): void {
  const scope = ctx.scope as unknown as AwilixContainer;
  const principal = (ctx.state.principal as Principal | undefined) ?? null;
  const tenant = (ctx.state.tenant as TenantRef | undefined) ?? null;
  scope.register({
    tenant: asValue(tenant),
    currentUser: asValue(principal),
    permissions: asValue(principal?.permissions ?? new Set<string>()),
    tenantDb: asFunction(({ trx }: { trx: Knex.Transaction }) => {
      if (!tenant) throw new Error('tenantDb needs a tenant: this request has none');
      return createTenantDb(trx, tenant.id);
    }).scoped(),
    audit: asFunction((): AuditService => ({
      async record(entry: AuditEntry) {
        if (!tenant) throw new Error('audit needs a tenant: this request has none');
        const trx = scope.hasRegistration('trx') ? scope.resolve<Knex.Transaction>('trx') : undefined;
        await auditLog.write(auditContextOf(ctx), entry, trx);
        ctx.state.audited = true;
      },
    })).scoped(),
  });
}
