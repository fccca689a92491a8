import type { Knex } from 'knex';
import type { Branding } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { providedBranding } from './branding-source.ts';

/**
 * `ctx.branding(tenantId)`: what `GET /api/v1/ui/branding` answers for the tenant (the provider's
 * answer over the defaults), read in the caller's transaction when there is one.
 */
export async function pluginBranding(container: RootContainer, tenantId: string, trx?: Knex.Transaction): Promise<Branding> {
  const c = container.cradle;
  const tenant = (await (trx ?? c.knex)('tenants').where({ id: tenantId }).first('id', 'slug', 'name')) as { id: string; slug: string; name: string } | undefined;
  const base = { name: tenant && tenant.slug !== 'default' ? tenant.name : 'mPanel', logoUrl: null, colors: {} };
  const provided = c.pluginServices ? await providedBranding(c, tenantId, trx) : {};
  return { ...base, ...provided };
}
