import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `GET /api/v1/clients/:id/credit`: the balance is the ledger's sum; entries paginated, newest first. */
describe('billing: client credit ledger over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let client: { id: string };
  let neighbour: { id: string };
  let portal: string;
  let product: { id: string };
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const newClient = async (email: string) => (await req('POST', '/api/v1/clients', admin, { email, firstName: 'C', lastName: 'L', country: 'US', currency: 'EUR' })).body.data;

  /** Places an order for `who` and pays `extra` more than due: the surplus becomes credit. */
  async function overpay(who: { id: string }, extra: number, tx: string) {
    const placed = await req('POST', '/api/v1/orders', admin, { clientId: who.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const invoice = placed.body.data.invoice;
    const paid = await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.total + extra, gateway: 'manual', transactionId: tx });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
  }

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    product = (await req('POST', '/api/v1/products', admin, { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 1000 }] })).body.data;
    client = await newClient('credit-a@client.test');
    neighbour = await newClient('credit-b@client.test');
    portal = (await createUser(server, admin, ['client'], { clientId: client.id })).token;
    await overpay(client, 500, 'ledger-1');
    await overpay(client, 250, 'ledger-2');
    await overpay(neighbour, 77, 'ledger-3');
  });
  after(async () => { await close?.(); });

  it('answers the balance (= the sum of the ledger) and a page of entries, newest first', async () => {
    const res = await req('GET', `/api/v1/clients/${client.id}/credit`, admin);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const rows = await server.knex('credit_ledger').where('client_id', client.id).select('amount');
    const ledgerSum = rows.reduce((s: number, r: { amount: string | number }) => s + Number(r.amount), 0);
    assert.equal(ledgerSum, 750);
    assert.deepEqual([res.body.data.balance, res.body.data.currency], [ledgerSum, 'EUR']);
    assert.deepEqual(res.body.data.balances, [{ currency: 'EUR', amount: 750 }]);
    assert.deepEqual(res.body.meta, { total: 3, page: 1, perPage: res.body.meta.perPage });
    // +500 surplus; -500 used on the next order's invoice (credit applies automatically); that invoice paid + 250 over → +750
    assert.deepEqual(res.body.data.entries.map((e: { amount: number; reason: string }) => [e.amount, e.reason]), [[750, 'overpayment'], [-500, 'applied to invoice'], [500, 'overpayment']]);
    assert.ok(res.body.data.entries.every((e: { currency: string; invoiceId: string }) => e.currency === 'EUR' && /^[0-9a-f-]{36}$/.test(e.invoiceId)));
    assert.match(res.body.data.entries[0].paymentId, /^[0-9a-f-]{36}$/);
    assert.equal((await req('GET', `/api/v1/clients/${client.id}`, admin)).body.data.creditBalance, res.body.data.balance, 'agrees with the client record');

    const page2 = await req('GET', `/api/v1/clients/${client.id}/credit?page=2&perPage=1`, admin);
    assert.deepEqual([page2.body.data.entries.length, page2.body.data.entries[0].amount, page2.body.data.balance, page2.body.meta.total], [1, -500, 750, 3]);
    assert.equal((await req('GET', `/api/v1/clients/${client.id}/credit?since=2020`, admin)).status, 400);
  });

  it('a client user sees its own credit; another client\'s → 404', async () => {
    const own = await req('GET', `/api/v1/clients/${client.id}/credit`, portal);
    assert.equal(own.status, 200);
    assert.equal(own.body.data.balance, 750);
    const theirs = await req('GET', `/api/v1/clients/${neighbour.id}/credit`, portal);
    assert.equal(theirs.status, 404);
    assert.ok(!JSON.stringify(theirs.body).includes('77'));
  });

  it('another tenant → 404; a client with no ledger has balance 0; unknown id → 404', async () => {
    const other = await createTenantWithAdmin(server);
    assert.equal((await req('GET', `/api/v1/clients/${client.id}/credit`, other.token)).status, 404);
    const empty = await newClient('credit-c@client.test');
    const res = await req('GET', `/api/v1/clients/${empty.id}/credit`, admin);
    assert.deepEqual([res.body.data.balance, res.body.data.entries, res.body.meta.total], [0, [], 0]);
    assert.equal((await req('GET', '/api/v1/clients/00000000-0000-4000-8000-000000000000/credit', admin)).status, 404);
  });
});
