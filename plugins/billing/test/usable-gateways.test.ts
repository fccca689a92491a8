import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** Stripe enabled but without keys: not offered, not charged through, and the run stays quiet. */
describe('billing: only gateways the tenant has set up', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  before(async () => { ({ server, close } = await startBillingServer(['gateway-manual', 'gateway-stripe'])); });
  after(async () => { await close?.(); });

  it('offers, pays and charges only through usable gateways', async () => {
    const health = await server.request('GET', '/api/health');
    assert.equal(health.body.plugins.find((p: { id: string }) => p.id === 'gateway-stripe')?.status, 'active');
    const admin = await superAdminToken(server);
    const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    const product = (await req('POST', '/api/v1/products', admin, { name: 'VPS', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 2500 }] })).body.data;
    const client = (await req('POST', '/api/v1/clients', admin, { email: 'usable@client.test', firstName: 'U', lastName: 'G', country: 'NL', currency: 'EUR' })).body.data;
    const portal = await createUser(server, admin, ['client'], { clientId: client.id });
    const invoice = (await req('POST', '/api/v1/orders', portal.token, { items: [{ productId: product.id, cycle: 'monthly' }] })).body.data.invoice;

    const offered = await req('GET', '/api/v1/billing/gateways', portal.token);
    assert.equal(offered.status, 200);
    assert.deepEqual(offered.body.data.map((g: { key: string }) => g.key), ['manual'], 'Stripe without keys is not offered');
    const stripe = await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'stripe' });
    assert.equal(stripe.status, 404, JSON.stringify(stripe.body));
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'manual' })).status, 200);

    const run = await req('POST', '/api/v1/billing/runs', admin, { date: '2099-01-01', force: true });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const charges = await server.knex('invoice_charges').where('invoice_id', invoice.id);
    assert.deepEqual(charges, [], 'no charge was attempted (nor left claimed for the next run to try again)');
  });
});
