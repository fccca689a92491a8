import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `POST /api/v1/services/:id/upgrade` from the portal: no credit from unpaid prices, no staff-only plans. */
describe('billing: plan changes over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let portal: string;
  let clientId: string;
  const plans: Record<'tiny' | 'small' | 'big' | 'staffOnly', { id: string }> = {} as never;
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const balance = async () => (await req('GET', `/api/v1/clients/${clientId}`, admin)).body.data.creditBalance as number;
  const service = async (id: string) => (await req('GET', `/api/v1/services/${id}`, admin)).body.data as { productId: string; amount: number };
  const change = (id: string, productId: string, token = portal) => req('POST', `/api/v1/services/${id}/upgrade`, token, { productId, cycle: 'monthly' });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    const make = async (name: string, amount: number, hidden = false) =>
      (await req('POST', '/api/v1/products', admin, { name, type: 'hosting', hidden, pricing: [{ currency: 'USD', cycle: 'monthly', amount }] })).body.data;
    plans.tiny = await make('Tiny', 100);
    plans.small = await make('Small', 1000);
    plans.big = await make('Big', 30_000);
    plans.staffOnly = await make('Staff only', 50, true);
  });
  after(async () => { await close?.(); });
  // A client of its own per test: no credit of an earlier test pays its invoices.
  beforeEach(async () => {
    clientId = (await req('POST', '/api/v1/clients', admin, { email: `plans-${Math.random().toString(36).slice(2)}@client.test`, firstName: 'P', lastName: 'C', country: 'US', currency: 'USD' })).body.data.id;
    portal = (await createUser(server, admin, ['client'], { clientId })).token;
  });

  async function paidSmallService(): Promise<string> {
    const placed = await req('POST', '/api/v1/orders', portal, { items: [{ productId: plans.small.id, cycle: 'monthly' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const invoice = placed.body.data.invoice;
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.amountDue, gateway: 'manual', transactionId: `order-${invoice.id}` })).status, 201);
    return placed.body.data.services[0].id;
  }

  it('an unpaid upgrade changes nothing, so downgrading after it credits only what was paid (again and again)', async () => {
    const id = await paidSmallService();
    for (let round = 0; round < 3; round++) {
      const up = await change(id, plans.big.id);
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.equal(up.body.data.pending, true);
      const now = await service(id);
      assert.deepEqual([now.productId, now.amount], [plans.small.id, 1000], 'still on the plan paid for');
      const upgradeInvoice = up.body.data.invoiceId as string;
      const down = await change(id, plans.tiny.id);
      assert.equal(down.status, 200, JSON.stringify(down.body));
      assert.equal((await req('GET', `/api/v1/invoices/${upgradeInvoice}`, admin)).body.data.status, 'cancelled', 'the withdrawn upgrade is no longer owed');
      assert.ok(await balance() <= 1000, `credit ${await balance()} exceeds the 1000 paid`);
      assert.equal((await change(id, plans.small.id)).status, 200);
    }
    assert.ok(await balance() <= 1000);
  });

  it('a paid upgrade takes effect, and its downgrade credit is backed by the payment', async () => {
    const id = await paidSmallService();
    const up = await change(id, plans.big.id);
    const invoice = (await req('GET', `/api/v1/invoices/${up.body.data.invoiceId}`, admin)).body.data;
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.amountDue, gateway: 'manual', transactionId: `up-${invoice.id}` })).status, 201);
    assert.deepEqual([(await service(id)).productId, (await service(id)).amount], [plans.big.id, 30_000]);
    assert.equal((await change(id, plans.tiny.id)).status, 200);
    assert.ok(await balance() <= 1000 + invoice.total, 'no more credit than the order and the upgrade brought in');
    assert.ok(await balance() > 0, 'the unused part of a paid plan is credited');
  });

  it('a client cannot switch to a hidden plan; staff can; another tenant gets a 404', async () => {
    const id = await paidSmallService();
    const hidden = await change(id, plans.staffOnly.id);
    assert.equal(hidden.status, 400, JSON.stringify(hidden.body));
    assert.ok(hidden.body.details.productId);
    assert.equal((await service(id)).productId, plans.small.id);
    const other = await createTenantWithAdmin(server);
    assert.equal((await change(id, plans.big.id, other.token)).status, 404);
    const staff = await change(id, plans.staffOnly.id, admin);
    assert.equal(staff.status, 200, JSON.stringify(staff.body));
    assert.equal((await service(id)).productId, plans.staffOnly.id);
  });
});
