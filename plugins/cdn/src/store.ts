import type { Knex } from 'knex';
import type { CdnCacheSettings } from '@mpanel/sdk';

export interface CdnSiteRow {
  id: string;
  tenant_id: string;
  website_id: string;
  account_id: string;
  client_id: string | null;
  hostname: string;
  origin: string;
  provider: string;
  provider_site_id: string | null;
  status: 'enabling' | 'pending' | 'active' | 'paused' | 'disabled' | 'error';
  status_detail: string | null;
  name_servers: string[];
  cache_settings: CdnCacheSettings | null;
  last_purge_at: Date | null;
  last_purge: { kind: 'everything' | 'urls' | 'prefixes'; count: number } | null;
  last_error: string | null;
  last_error_at: Date | null;
  checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** The API's view of a row. */
export function toView(row: CdnSiteRow) {
  return {
    id: row.id,
    websiteId: row.website_id,
    accountId: row.account_id,
    clientId: row.client_id,
    hostname: row.hostname,
    origin: row.origin,
    provider: row.provider,
    providerSiteId: row.provider_site_id,
    status: row.status,
    statusDetail: row.status_detail,
    nameServers: row.name_servers ?? [],
    cacheSettings: row.cache_settings,
    lastPurgeAt: iso(row.last_purge_at),
    lastPurge: row.last_purge,
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
    checkedAt: iso(row.checked_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export type CdnSiteView = ReturnType<typeof toView>;

export const sites = (trx: Knex.Transaction) => trx<CdnSiteRow>('cdn_sites');

/** Patches a row (JSON columns serialised) and answers it. */
export async function patchSite(trx: Knex.Transaction, id: string, changes: Partial<CdnSiteRow>): Promise<CdnSiteRow> {
  const values: Record<string, unknown> = { ...changes, updated_at: trx.fn.now() };
  for (const key of ['name_servers', 'cache_settings', 'last_purge'] as const) {
    if (key in changes) values[key] = changes[key] === null ? null : JSON.stringify(changes[key]);
  }
  const [row] = (await sites(trx).where({ id }).update(values).returning('*')) as CdnSiteRow[];
  return row!;
}
