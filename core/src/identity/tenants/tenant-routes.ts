import type { Knex } from 'knex';
import { ConflictError, ForbiddenError, NotFoundError, ok, paginationQuery, type Principal, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import type { TenantRow } from '../../tenancy/tenant-resolver.ts';
import { asTenant } from '../../tenancy/with-tenant.ts';
import { createUser, isUniqueViolation } from '../users/user-accounts.ts';
import { requestServices } from '../route-context.ts';
import { paginate } from '../pagination.ts';
import { toApi, uuidParam } from '../serialize.ts';
import { syncDomainNames } from './tenant-domains.ts';
import { resyncSocketsAfterCommit } from '../socket-sync.ts';
import { MANAGE_ALL_TENANTS } from '../permissions.ts';

const slug = { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' } as const;
const domains = { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,253}$' } } as const;
const settings = { type: 'object', properties: { requireTwoFactorForStaff: { type: 'boolean' } } } as const;

/**
 * Which tenants the caller may see: a platform super admin every one; anybody else their own
 * tenant and its sub-tenants. Anything else is a 404.
 */
function visibleTenants(trx: Knex.Transaction, principal: Principal) {
  const query = trx('tenants');
  if (principal.permissions.has(MANAGE_ALL_TENANTS)) return query;
  return query.where((q) => q.where('id', principal.tenantId).orWhere('parent_tenant_id', principal.tenantId));
}

export async function findTenant(trx: Knex.Transaction, principal: Principal, id: string): Promise<TenantRow> {
  const row = (await visibleTenants(trx, principal).where({ id }).first()) as TenantRow | undefined;
  if (!row) throw new NotFoundError('Tenant not found');
  return row;
}

/** The old `domains` list, through the claim rule: new names are pending until proved (see tenant-domain-routes). */
function replaceDomains(trx: Knex.Transaction, from: string, tenantId: string, list: string[], config: RootContainer['cradle']['config']): Promise<void> {
  return asTenant(trx, from, tenantId, (db) => syncDomainNames(db, list, config));
}

async function tenantToApi(trx: Knex.Transaction, from: string, row: TenantRow): Promise<Record<string, unknown>> {
  const list = await asTenant(trx, from, row.id, (db) => db('tenant_domains').pluck('domain'));
  return { ...toApi(row), domains: list };
}

interface TenantBody {
  name: string;
  slug: string;
  parentTenantId?: string;
  isReseller?: boolean;
  settings?: Record<string, unknown>;
  domains?: string[];
  admin: { email: string; password: string; name?: string };
}

/** `/api/v1/tenants`: the platform's tenants for a super admin, a reseller's sub-tenants for its admins. */
export function tenantRoutes(container: RootContainer): RouteDefinition[] {
  const { tenantResolver, config } = container.cradle;
  const trxOf = (ctx: { scope: { resolve<T>(n: string): T } }) => ctx.scope.resolve<Knex.Transaction>('trx');
  return [
    defineRoute<Record<string, string>, { page: number; perPage: number; q?: string; parentTenantId?: string; isReseller?: boolean }>({
      method: 'GET',
      path: '/api/v1/tenants',
      permission: 'tenants.read',
      tags: ['tenants'],
      summary: 'Every tenant (super admin) or the caller\'s sub-tenants',
      schema: { query: { type: 'object', properties: { ...paginationQuery, q: { type: 'string', maxLength: 200 }, parentTenantId: { type: 'string', format: 'uuid' }, isReseller: { type: 'boolean' } } } },
      handler: async (ctx) => {
        const { principal } = requestServices(ctx);
        const query = visibleTenants(trxOf(ctx), principal).select('*').orderBy([{ column: 'created_at' }, { column: 'id' }]);
        if (!principal.permissions.has(MANAGE_ALL_TENANTS)) query.whereNot('id', principal.tenantId);
        if (ctx.input.query.q) query.whereRaw('(name ilike ? or slug ilike ?)', [`%${ctx.input.query.q}%`, `%${ctx.input.query.q}%`]);
        if (ctx.input.query.parentTenantId) query.where('parent_tenant_id', ctx.input.query.parentTenantId);
        if (ctx.input.query.isReseller !== undefined) query.where('is_reseller', ctx.input.query.isReseller);
        return paginate(query, ctx.input.query, (row) => toApi(row));
      },
    }),
    defineRoute<Record<string, string>, unknown, TenantBody>({
      method: 'POST',
      path: '/api/v1/tenants',
      permission: 'tenants.create',
      tags: ['tenants'],
      summary: 'Create a tenant with its first admin (resellers: a sub-tenant of their own)',
      successStatus: 201,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'slug', 'admin'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            slug,
            parentTenantId: { type: 'string', format: 'uuid' },
            isReseller: { type: 'boolean' },
            settings,
            domains,
            admin: {
              type: 'object',
              required: ['email', 'password'],
              additionalProperties: false,
              properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', minLength: 1, maxLength: 1024 }, name: { type: 'string', maxLength: 200 } },
            },
          },
        },
      },
      handler: async (ctx) => {
        const { principal, audit } = requestServices(ctx);
        const trx = trxOf(ctx);
        const body = ctx.input.body;
        const current = (ctx.state.tenant as TenantRef).id;
        const platform = principal.permissions.has(MANAGE_ALL_TENANTS);
        let parent = body.parentTenantId ?? (platform ? null : principal.tenantId);
        if (!platform) {
          const own = (await trx('tenants').where({ id: principal.tenantId }).first()) as TenantRow;
          if (!own.is_reseller) throw new ForbiddenError('Only reseller tenants can create sub-tenants');
          if (parent !== principal.tenantId) throw new NotFoundError('Parent tenant not found');
          if (body.isReseller) throw new ForbiddenError('Only the platform can create reseller tenants');
        } else if (parent) {
          parent = (await findTenant(trx, principal, parent)).id;
        }
        let row: TenantRow;
        try {
          [row] = (await trx('tenants')
            .insert({ name: body.name, slug: body.slug, parent_tenant_id: parent, is_reseller: body.isReseller ?? false, settings: JSON.stringify(body.settings ?? {}) })
            .returning('*')) as [TenantRow];
        } catch (err) {
          if (isUniqueViolation(err)) throw new ConflictError('A tenant with this slug already exists', { slug: 'is already taken' });
          throw err;
        }
        // The first admin lives in the new tenant: an explicit, audited switch of tenant context.
        const admin = await asTenant(trx, current, row.id, (db) => createUser(db, { ...body.admin, roles: ['admin'] }));
        if (body.domains) await replaceDomains(trx, current, row.id, body.domains, config);
        await audit.record({ action: 'tenant.created', targetType: 'tenant', targetId: row.id, after: { ...row, adminId: admin.id, adminEmail: admin.email } });
        (ctx.state.afterCommit as Array<() => void>).push(() => tenantResolver.invalidate());
        return ok({ ...(await tenantToApi(trx, current, row)), admin: { id: admin.id, email: admin.email } });
      },
    }),
    defineRoute<{ id: string }>({
      method: 'GET',
      path: '/api/v1/tenants/:id',
      permission: 'tenants.read',
      tags: ['tenants'],
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { principal } = requestServices(ctx);
        const trx = trxOf(ctx);
        return ok(await tenantToApi(trx, (ctx.state.tenant as TenantRef).id, await findTenant(trx, principal, ctx.input.params.id)));
      },
    }),
    defineRoute<{ id: string }, unknown, { name?: string; status?: 'active' | 'suspended'; isReseller?: boolean; settings?: Record<string, unknown>; domains?: string[] }>({
      method: 'PATCH',
      path: '/api/v1/tenants/:id',
      permission: 'tenants.update',
      tags: ['tenants'],
      summary: 'Rename, suspend, change settings or mapped domains',
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, status: { enum: ['active', 'suspended'] }, isReseller: { type: 'boolean' }, settings, domains },
        },
      },
      handler: async (ctx) => {
        const { principal, audit } = requestServices(ctx);
        const trx = trxOf(ctx);
        const current = (ctx.state.tenant as TenantRef).id;
        const before = await findTenant(trx, principal, ctx.input.params.id);
        const patch = ctx.input.body;
        const platform = principal.permissions.has(MANAGE_ALL_TENANTS);
        if (patch.isReseller !== undefined && !platform) throw new ForbiddenError('Only the platform can make a tenant a reseller');
        if (patch.status !== undefined && before.id === principal.tenantId) throw new ForbiddenError('You cannot change the status of your own tenant');
        const changes: Record<string, unknown> = { updated_at: new Date() };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.status !== undefined) changes.status = patch.status;
        if (patch.isReseller !== undefined) changes.is_reseller = patch.isReseller;
        if (patch.settings !== undefined) changes.settings = JSON.stringify({ ...before.settings, ...patch.settings });
        const [after] = (await trx('tenants').where({ id: before.id }).update(changes).returning('*')) as [TenantRow];
        if (patch.domains) await replaceDomains(trx, current, before.id, patch.domains, config);
        await audit.record({ action: 'tenant.updated', targetType: 'tenant', targetId: before.id, before, after });
        // A suspended tenant's sockets go at once; a reactivated one's were never kept.
        if (patch.status !== undefined) resyncSocketsAfterCommit(container, ctx, { tenantId: before.id });
        (ctx.state.afterCommit as Array<() => void>).push(() => tenantResolver.invalidate());
        return ok(await tenantToApi(trx, current, after));
      },
    }),
  ];
}
