import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** Billing with a real gateway plugin: the extension point, the `billing.payments` service and recordPayment. */
describe('billing + gateway-manual over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  before(async () => { ({ server, close } = await startBillingServer(['gateway-manual'])); });
  after(async () => { await close?.(); });

  it('lists the gateway, starts a payment, and a staff confirmation pays the invoice once', async () => {
    const health = await server.request('GET', '/api/health');
    assert.deepEqual(health.body.plugins.filter((p: { id: string }) => ['billing', 'gateway-manual'].includes(p.id)).map((p: { status: string }) => p.status), ['active', 'active']);
    const admin = await superAdminToken(server);
    const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    const product = (await req('POST', '/api/v1/products', admin, { name: 'VPS', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 2500 }] })).body.data;
    const client = (await req('POST', '/api/v1/clients', admin, { email: 'pay@client.test', firstName: 'P', lastName: 'M', country: 'NL', currency: 'EUR' })).body.data;
    const portal = await createUser(server, admin, ['client'], { clientId: client.id });
    const placed = await req('POST', '/api/v1/orders', portal.token, { items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const invoice = placed.body.data.invoice;

    const gateways = await req('GET', '/api/v1/billing/gateways', portal.token);
    assert.deepEqual(gateways.body.data.map((g: { key: string }) => g.key), ['manual']);
    const pay = await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'manual' });
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    assert.equal(pay.body.data.status, 'pending');
    assert.match(pay.body.data.client.instructions, /25(\.|,)00 EUR|2500/);
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'bitcoin' })).status, 404);

    const confirm = { amount: invoice.total, reference: 'NL-TRANSFER-77' };
    assert.equal((await req('POST', `/api/v1/gateway-manual/invoices/${invoice.id}/confirm`, admin, confirm)).status, 201);
    assert.equal((await req('POST', `/api/v1/gateway-manual/invoices/${invoice.id}/confirm`, admin, confirm)).status, 409);
    const paid = (await req('GET', `/api/v1/invoices/${invoice.id}`, portal.token)).body.data;
    assert.deepEqual([paid.status, paid.amountDue, paid.payments.length, paid.payments[0].gateway, paid.payments[0].transactionId], ['paid', 0, 1, 'manual', 'NL-TRANSFER-77']);
    const service = (await req('GET', `/api/v1/services/${placed.body.data.services[0].id}`, portal.token)).body.data;
    assert.equal(service.status, 'active');
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'manual' })).status, 409, 'nothing left to pay');
  });

  it('after a partial payment the instructions and the payment session ask for the amount still due', async () => {
    const admin = await superAdminToken(server);
    const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    const product = (await req('POST', '/api/v1/products', admin, { name: 'Dedicated', type: 'hosting', pricing: [{ currency: 'HUF', cycle: 'monthly', amount: 2_500_000 }] })).body.data;
    const client = (await req('POST', '/api/v1/clients', admin, { email: 'partial@client.test', firstName: 'P', lastName: 'P', country: 'HU', currency: 'HUF' })).body.data;
    const portal = await createUser(server, admin, ['client'], { clientId: client.id });
    const invoice = (await req('POST', '/api/v1/orders', portal.token, { items: [{ productId: product.id, cycle: 'monthly' }] })).body.data.invoice;
    assert.equal((await req('POST', `/api/v1/gateway-manual/invoices/${invoice.id}/confirm`, admin, { amount: 1_000_000, reference: 'HU-PART-1' })).status, 201);
    const shown = await req('GET', `/api/v1/gateway-manual/invoices/${invoice.id}/instructions`, portal.token);
    assert.equal(shown.body.data.instructions, `Please transfer 15000.00 HUF quoting invoice ${invoice.number}.`, 'HUF has 2 decimals; 25000.00 - 10000.00 is due');
    const pay = await req('POST', `/api/v1/invoices/${invoice.id}/pay`, portal.token, { gateway: 'manual' });
    assert.deepEqual([pay.body.data.amount, pay.body.data.client.instructions], [1_500_000, shown.body.data.instructions]);
  });
});
