import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * One certificate of the walked tenant, issued to one of its clients. The row is written directly:
 * requesting one through the API would start an ACME order, and the walker only needs a real row
 * whose id another tenant (and another client) must get a 404 for.
 */
export default defineResourceFixtures(async ({ request, transaction, tenantId }) => {
  const client = await request<{ id: string }>('POST', '/api/v1/clients', { email: 'ssl-walked@client.test', firstName: 'Ssl', lastName: 'Walked', country: 'US', currency: 'USD' });
  const id = await transaction(async (trx) => {
    const now = Date.now();
    const [row] = (await trx('certificates').insert({
      tenant_id: tenantId, names: ['ssl-walked.example.test'], primary_name: 'ssl-walked.example.test', client_id: client.id,
      challenge: 'http-01', status: 'active', not_before: new Date(now - 86_400_000), not_after: new Date(now + 89 * 86_400_000),
      renew_at: new Date(now + 59 * 86_400_000), serial: '01', issuer: 'walked CA',
    }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  return { certificates: id };
});
