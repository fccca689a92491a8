import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { loginAs, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** Input the database cannot take is a 400 naming the field, never a 500 (or a leak of SQL text). */
describe('hostile input through billing routes', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let portal: string;
  let invoiceId: string;

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    const client = await server.request('POST', '/api/v1/clients', {
      token: admin,
      body: { email: 'ada@client.test', firstName: 'Ada', lastName: 'Lovelace', country: 'GB', currency: 'USD', password: 'a-long-and-unusual-passphrase' },
    });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const product = await server.request('POST', '/api/v1/products', { token: admin, body: { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] } });
    const order = await server.request('POST', '/api/v1/orders', { token: admin, body: { clientId: client.body.data.id, items: [{ productId: product.body.data.id, cycle: 'monthly' }] } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    invoiceId = order.body.data.invoice.id;
    portal = (await loginAs(server, 'ada@client.test', 'a-long-and-unusual-passphrase')).accessToken;
  });
  after(async () => {
    await close?.();
  });

  const expect400 = async (method: string, path: string, token: string, body: unknown, field: string) => {
    const res = await server.request(method, path, { token, ...(typeof body === 'string' ? { raw: body } : body === undefined ? {} : { body }) });
    assert.equal(res.status, 400, `${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.equal(res.body.error, 'Validation failed');
    assert.ok(field in res.body.details, `details name ${field}: ${JSON.stringify(res.body.details)}`);
  };

  it('refuses NUL characters in query strings and bodies', async () => {
    await expect400('GET', '/api/v1/clients?search=%00', admin, undefined, 'search');
    await expect400('GET', '/api/v1/invoices?status=%00', portal, undefined, 'status');
    await expect400('POST', `/api/v1/invoices/${invoiceId}/payments`, admin, { amount: 100, gateway: 'bank', transactionId: 'tx\u0000-1' }, 'transactionId');
  });

  it('refuses absurd page numbers', async () => {
    await expect400('GET', '/api/v1/invoices?page=99999999999999999999', portal, undefined, 'page');
    await expect400('GET', '/api/v1/invoices?page=9007199254740991', portal, undefined, 'page');
  });

  it('refuses year-0 dates', async () => {
    await expect400('POST', `/api/v1/invoices/${invoiceId}/payments`, admin, { amount: 100, gateway: 'bank', transactionId: 'tx-y0', paidAt: '0000-01-01T00:00:00Z' }, 'paidAt');
    await expect400('POST', '/api/v1/billing/runs', admin, { date: '0000-06-01' }, 'date');
  });

  it('refuses amounts beyond the safe-integer range', async () => {
    await expect400('POST', `/api/v1/invoices/${invoiceId}/payments`, admin, '{"amount": 100000000000000000000, "gateway": "bank", "transactionId": "tx-big"}', 'amount');
    const payments = await server.knex('payments').where({ invoice_id: invoiceId });
    assert.equal(payments.length, 0, 'nothing was recorded');
    // A count whose schema sets no maximum: the database column would overflow.
    await expect400('POST', '/api/v1/products', admin, '{"name":"Big","type":"hosting","pricing":[{"currency":"USD","cycle":"monthly","amount":100}],"stock":100000000000000000000}', 'stock');
    assert.equal(await server.knex('products').where({ name: 'Big' }).first(), undefined);
  });

  it('refuses JSON nested 10,000 levels deep', async () => {
    // provisioning.config is a free-form object: only the depth limit stands in the way.
    const config = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const deep = `{"name":"Deep","type":"hosting","pricing":[{"currency":"USD","cycle":"monthly","amount":100}],"provisioning":{"module":"x","config":${config}}}`;
    await expect400('POST', '/api/v1/products', admin, deep, 'body');
    assert.equal(await server.knex('products').where({ name: 'Deep' }).first(), undefined);
  });
});
