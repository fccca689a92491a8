import type { Knex } from 'knex';
import { NotFoundError, list, ok, type TenantDb, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import { asTenant } from '../../tenancy/with-tenant.ts';
import { requestServices } from '../route-context.ts';
import { uuidParam } from '../serialize.ts';
import { findTenant } from './tenant-routes.ts';
import { claimDomain, domainToApi, listDomains, verifyDomain, type DomainRow } from './tenant-domains.ts';

const domainParams = {
  type: 'object',
  required: ['id', 'domainId'],
  properties: { id: { type: 'string', format: 'uuid' }, domainId: { type: 'string', format: 'uuid' } },
} as const;

type Ctx = { scope: { resolve<T>(n: string): T }; state: Record<string, unknown>; input: { params: { id: string } } };

/**
 * `/api/v1/tenants/:id/domains`: a tenant's host names. A domain is claimed (pending), then proved
 * by a DNS TXT record or an HTTP token before it routes requests to the tenant; the platform's own
 * names are never claimable and a domain verified for one tenant cannot be taken by another.
 */
export function tenantDomainRoutes(container: RootContainer): RouteDefinition[] {
  const { tenantResolver, config } = container.cradle;
  /** Runs `fn` in the visible tenant `:id` (another tenant's is a 404), switching back after. */
  const inTenant = async <T>(ctx: Ctx, fn: (db: TenantDb) => Promise<T>): Promise<T> => {
    const { principal } = requestServices(ctx as never);
    const trx = ctx.scope.resolve<Knex.Transaction>('trx');
    const tenant = await findTenant(trx, principal, ctx.input.params.id);
    return asTenant(trx, (ctx.state.tenant as TenantRef).id, tenant.id, fn);
  };
  const findDomain = async (db: TenantDb, id: string): Promise<DomainRow> => {
    const row = (await db('tenant_domains').where({ id }).first()) as DomainRow | undefined;
    if (!row) throw new NotFoundError('Domain not found');
    return row;
  };
  const invalidateAfterCommit = (ctx: Ctx) => (ctx.state.afterCommit as Array<() => void>).push(() => tenantResolver.invalidate());

  return [
    defineRoute<{ id: string }>({
      method: 'GET',
      path: '/api/v1/tenants/:id/domains',
      permission: 'tenants.read',
      tags: ['tenants'],
      summary: 'The tenant\'s domains, verified or pending (with what to publish to prove them)',
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const rows = await inTenant(ctx, listDomains);
        // At most a handful per tenant: one page.
        return list(rows.map(domainToApi), { total: rows.length, page: 1, perPage: Math.max(rows.length, 1) });
      },
    }),
    defineRoute<{ id: string }, unknown, { domain: string }>({
      method: 'POST',
      path: '/api/v1/tenants/:id/domains',
      permission: 'tenants.update',
      tags: ['tenants'],
      summary: 'Claim a domain: pending until proved by a DNS TXT record or an HTTP token',
      successStatus: 201,
      schema: { params: uuidParam, body: { type: 'object', required: ['domain'], additionalProperties: false, properties: { domain: { type: 'string', minLength: 1, maxLength: 253 } } } },
      handler: async (ctx) => {
        const row = await inTenant(ctx, (db) => claimDomain(db, ctx.input.body.domain, config));
        await requestServices(ctx).audit.record({ action: 'tenant.domain_claimed', targetType: 'tenant', targetId: ctx.input.params.id, after: { domain: row.domain } });
        return ok(domainToApi(row));
      },
    }),
    defineRoute<{ id: string; domainId: string }, unknown, { method?: 'dns' | 'http' }>({
      method: 'POST',
      path: '/api/v1/tenants/:id/domains/:domainId/verify',
      permission: 'tenants.update',
      tags: ['tenants'],
      summary: 'Check the proof of a claimed domain (DNS TXT record, else HTTP token); verified, it routes to the tenant',
      schema: { params: domainParams, body: { type: 'object', additionalProperties: false, properties: { method: { enum: ['dns', 'http'] } } } },
      handler: async (ctx) => {
        const method = ctx.input.body?.method;
        const row = await inTenant(ctx, async (db) => verifyDomain(db, await findDomain(db, ctx.input.params.domainId), container.cradle.domainVerifier, config, method ? [method] : undefined));
        await requestServices(ctx).audit.record({ action: 'tenant.domain_verified', targetType: 'tenant', targetId: ctx.input.params.id, after: { domain: row.domain } });
        invalidateAfterCommit(ctx);
        return ok(domainToApi(row));
      },
    }),
    defineRoute<{ id: string; domainId: string }>({
      method: 'DELETE',
      path: '/api/v1/tenants/:id/domains/:domainId',
      permission: 'tenants.update',
      tags: ['tenants'],
      summary: 'Release a domain',
      schema: { params: domainParams },
      handler: async (ctx) => {
        const row = await inTenant(ctx, async (db) => {
          const found = await findDomain(db, ctx.input.params.domainId);
          await db('tenant_domains').where({ id: found.id }).delete();
          return found;
        });
        await requestServices(ctx).audit.record({ action: 'tenant.domain_released', targetType: 'tenant', targetId: ctx.input.params.id, before: { domain: row.domain } });
        invalidateAfterCommit(ctx);
        return ok(null, 'Domain released');
      },
    }),
  ];
}
