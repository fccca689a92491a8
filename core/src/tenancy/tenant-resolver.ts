import type { Knex } from 'knex';
import type { TenantRef } from '@mpanel/sdk';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  parent_tenant_id: string | null;
  status: 'active' | 'suspended';
  is_reseller: boolean;
  settings: Record<string, unknown>;
}

export const DEFAULT_TENANT_SLUG = 'default';
const TENANT_COLUMNS = ['id', 'slug', 'name', 'parent_tenant_id', 'status', 'is_reseller', 'settings'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Public routes resolve the tenant on every call; a few seconds of caching keeps that off the database.
const CACHE_MS = 5_000;

export function toTenantRef(row: TenantRow): TenantRef {
  return { id: row.id, slug: row.slug, name: row.name, parentTenantId: row.parent_tenant_id };
}

/**
 * Finds tenants by id, slug, or the Host header's mapped domain, as the platform (owner) role:
 * this runs before any tenant context exists.
 */
export class TenantResolver {
  private readonly cache = new Map<string, { at: number; row: TenantRow | undefined }>();

  constructor(private readonly knex: Knex) {}

  byId(id: string): Promise<TenantRow | undefined> {
    if (!UUID.test(id)) return Promise.resolve(undefined);
    return this.cached(`id:${id}`, () => this.knex('tenants').select(TENANT_COLUMNS).where({ id }).first());
  }

  bySlug(slug: string): Promise<TenantRow | undefined> {
    return this.cached(`slug:${slug}`, () => this.knex('tenants').select(TENANT_COLUMNS).where({ slug }).first());
  }

  /** The tenant whose verified domain is the request's host (port ignored); a pending claim maps nothing. */
  byHost(host: string): Promise<TenantRow | undefined> {
    const domain = host.replace(/:\d+$/, '').toLowerCase();
    if (!domain) return Promise.resolve(undefined);
    return this.cached(`host:${domain}`, () =>
      this.knex('tenant_domains as d')
        .join('tenants as t', 't.id', 'd.tenant_id')
        .select(TENANT_COLUMNS.map((c) => `t.${c}`))
        .whereRaw('lower(d.domain) = ?', [domain])
        .where('d.status', 'verified')
        .first(),
    );
  }

  /** Host's mapped domain, else `default`. */
  async forHost(host: string): Promise<TenantRow | undefined> {
    return (await this.byHost(host)) ?? (await this.bySlug(DEFAULT_TENANT_SLUG));
  }

  /** Forget cached lookups after a tenant or domain changes. */
  invalidate(): void {
    this.cache.clear();
  }

  private async cached(key: string, load: () => Promise<TenantRow | undefined>): Promise<TenantRow | undefined> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
    const row = await load();
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), row });
    return row;
  }
}
