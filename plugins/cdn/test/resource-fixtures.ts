import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * One CDN site of the walked tenant. Its website is made here through hosting's and billing's own
 * API (the walker runs the plugins' fixtures in discovery order, so hosting's may not have run yet),
 * on a server in maintenance so no provisioning run talks to a real server. The CDN row itself is
 * written directly: enabling it through the API would call a CDN provider, and the walker only needs
 * a real row whose id another tenant (and another client) must get a 404 for.
 */
export default defineResourceFixtures(async ({ request, transaction, tenantId }) => {
  const group = await request<{ id: string }>('POST', '/api/v1/server-groups', { name: 'CDN walked group', placement: 'least_full' });
  await request('POST', '/api/v1/servers', { name: 'cdnwalked1', hostname: 'cdnwalked1.example.test', groupId: group.id, status: 'maintenance', maxAccounts: 10, credentials: { token: 'walked-secret' } });
  const plan = await request<{ id: string }>('POST', '/api/v1/hosting-plans', {
    name: 'CDN walked plan', serverGroupId: group.id,
    limits: { diskMb: 1000, sites: 5, databases: 5, cronJobs: 5, phpVersions: ['8.2'], phpMaxChildren: 5, memoryMb: 256 },
  });
  const product = await request<{ id: string }>('POST', '/api/v1/products', { name: 'CDN walked hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 500 }], provisioning: { module: 'hosting', config: { planId: plan.id } } });
  const client = await request<{ id: string }>('POST', '/api/v1/clients', { email: 'cdn-walked@client.test', firstName: 'Cdn', lastName: 'Walked', country: 'US', currency: 'USD' });
  const order = await request<{ services: Array<{ id: string }> }>('POST', '/api/v1/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly', domain: 'cdn-walked.example.test' }] });
  const account = await request<{ id: string }>('POST', '/api/v1/hosting-accounts', { serviceId: order.services[0]!.id, planId: plan.id, domain: 'cdn-walked.example.test' });
  const website = await request<{ id: string }>('POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: 'cdn-walked.example.test' });
  const id = await transaction(async (trx) => {
    const [row] = (await trx('cdn_sites').insert({
      tenant_id: tenantId, website_id: website.id, account_id: account.id, client_id: client.id,
      hostname: 'cdn-walked.example.test', origin: '203.0.113.9', provider: 'cloudflare', provider_site_id: `${'a'.repeat(32)}:${'b'.repeat(32)}`, status: 'active',
    }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  return { sites: id };
});
