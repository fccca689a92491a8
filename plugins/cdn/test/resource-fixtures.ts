import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * One CDN site of the walked tenant, on hosting's walked website. Written directly: enabling it
 * through the API would call a CDN provider, and the walker only needs a real row whose id another
 * tenant (and another client) must get a 404 for.
 */
export default defineResourceFixtures(async ({ transaction, ids, tenantId }) => {
  const id = await transaction(async (trx) => {
    const account = (await trx('hosting_accounts').where({ id: ids['hosting-accounts'] }).first('client_id')) as { client_id: string | null } | undefined;
    const [row] = (await trx('cdn_sites').insert({
      tenant_id: tenantId, website_id: ids.websites, account_id: ids['hosting-accounts'], client_id: account?.client_id ?? null,
      hostname: 'walked.example.test', origin: '203.0.113.9', provider: 'cloudflare', provider_site_id: `${'a'.repeat(32)}:${'b'.repeat(32)}`, status: 'active',
    }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  return { sites: id };
});
