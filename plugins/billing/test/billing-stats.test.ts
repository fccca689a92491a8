import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import { monthlyRecurring } from '../src/domain/mrr.ts';
import { monthBounds } from '../src/services/reports.ts';

describe('billing: MRR normalisation and month bounds', () => {
  it('normalises each cycle exactly and rounds the sum half-up once', () => {
    assert.equal(monthlyRecurring([{ cycle: 'quarterly', total: 3000 }]), 1000);
    assert.equal(monthlyRecurring([{ cycle: 'quarterly', total: 1000 }]), 333);
    // two services of 1000 a quarter: 666.67 → 667 (rounding each service first would give 666)
    assert.equal(monthlyRecurring([{ cycle: 'quarterly', total: 2000 }]), 667);
    assert.equal(monthlyRecurring([{ cycle: 'monthly', total: 1000 }, { cycle: 'annually', total: 6 }, { cycle: 'onetime', total: 99_999 }]), 1001, '0.5 rounds up; onetime is not recurring');
    assert.equal(monthlyRecurring([{ cycle: 'triennially', total: '3600000000000000' }]), 100_000_000_000_000, 'bigint sums stay exact');
    assert.equal(monthlyRecurring([]), 0);
  });

  it('months are calendar months with an exclusive end', () => {
    assert.deepEqual(monthBounds('2026-12'), { from: '2026-12-01', to: '2027-01-01' });
    assert.deepEqual(monthBounds('2026-02'), { from: '2026-02-01', to: '2026-03-01' });
  });
});

/** `GET /api/v1/billing/stats` on a tenant of its own, so every figure is known exactly. */
describe('billing: stats over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let t: TenantWithAdmin;
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const thisMonth = new Date().toISOString().slice(0, 7);
  const lastMonthDay = (() => {
    const d = new Date();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1);
    return d.toISOString().slice(0, 10);
  })();

  async function order(token: string, clientId: string, productId: string, cycle: string) {
    const res = await req('POST', '/api/v1/orders', token, { clientId, items: [{ productId, cycle }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.invoice as { id: string; total: number; currency: string };
  }
  async function pay(token: string, invoice: { id: string; total: number }, tx: string, paidAt?: string) {
    const res = await req('POST', `/api/v1/invoices/${invoice.id}/payments`, token, { amount: invoice.total, gateway: 'manual', transactionId: tx, ...(paidAt ? { paidAt } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  before(async () => {
    ({ server, close } = await startBillingServer());
    t = await createTenantWithAdmin(server);
    const a = t.token;
    const product = (await req('POST', '/api/v1/products', a, {
      name: 'Hosting', type: 'hosting', taxable: false,
      pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }, { currency: 'USD', cycle: 'quarterly', amount: 1000 }, { currency: 'EUR', cycle: 'annually', amount: 1200 }, { currency: 'USD', cycle: 'onetime', amount: 5000 }],
    })).body.data;
    const usd = (await req('POST', '/api/v1/clients', a, { email: 'usd@stats.test', firstName: 'U', lastName: 'S', country: 'US', currency: 'USD' })).body.data;
    const eur = (await req('POST', '/api/v1/clients', a, { email: 'eur@stats.test', firstName: 'E', lastName: 'U', country: 'US', currency: 'EUR' })).body.data;
    // Active (paid this month): USD monthly 1000 + two quarterly 1000 + a onetime 5000; EUR annually 1200.
    await pay(a, await order(a, usd.id, product.id, 'monthly'), 'st-1');
    await pay(a, await order(a, usd.id, product.id, 'quarterly'), 'st-2');
    await pay(a, await order(a, usd.id, product.id, 'quarterly'), 'st-3');
    await pay(a, await order(a, usd.id, product.id, 'onetime'), 'st-4');
    const eurPaid = await order(a, eur.id, product.id, 'annually');
    await pay(a, eurPaid, 'st-5');
    // Paid last month: revenue of last month, not this one (the service counts in MRR).
    await pay(a, await order(a, usd.id, product.id, 'monthly'), 'st-6', `${lastMonthDay}T12:00:00Z`);
    // A refund this month of 200 EUR.
    assert.equal((await req('POST', `/api/v1/invoices/${eurPaid.id}/refunds`, a, { amount: 200, reason: 'goodwill' })).status, 201);
    // Unpaid: one USD invoice due in the future, one EUR made overdue; their services stay pending (no MRR).
    await order(a, usd.id, product.id, 'monthly');
    const late = await order(a, eur.id, product.id, 'annually');
    await server.knex('invoices').where('id', late.id).update({ due_date: '2020-01-01' });
  });
  after(async () => { await close?.(); });

  it('answers revenue, MRR, unpaid/overdue and active services exactly, per currency', async () => {
    const res = await req('GET', '/api/v1/billing/stats', t.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = res.body.data;
    assert.deepEqual(s.period, monthBounds(thisMonth));
    assert.equal(s.currency, 'USD', 'the tenant default currency');
    assert.deepEqual(s.byCurrency, [
      { currency: 'EUR', payments: 1200, refunds: 200, revenueThisMonth: 1000, mrr: 100, unpaidAmount: 1200, overdueAmount: 1200 },
      // 1000 + 1000 (last month's monthly) + 2 × 1000/3 = 2666.67 → 2667
      { currency: 'USD', payments: 1000 + 1000 + 1000 + 5000, refunds: 0, revenueThisMonth: 8000, mrr: 2667, unpaidAmount: 1000, overdueAmount: 0 },
    ]);
    assert.deepEqual([s.revenueThisMonth, s.mrr, s.unpaidInvoices, s.overdueInvoices, s.activeServices], [8000, 2667, 2, 1, 6]);
    const active = await server.knex('services').where({ tenant_id: t.tenant.id, status: 'active' }).count({ n: '*' });
    assert.equal(Number(active[0]!.n), s.activeServices);
  });

  it('another month: ?month=YYYY-MM; malformed or unknown query → 400', async () => {
    const last = (await req('GET', `/api/v1/billing/stats?month=${lastMonthDay.slice(0, 7)}`, t.token)).body.data;
    assert.deepEqual(last.byCurrency.find((c: { currency: string }) => c.currency === 'USD').payments, 1000);
    assert.equal(last.revenueThisMonth, 1000);
    assert.equal((await req('GET', '/api/v1/billing/stats?month=2026-13', t.token)).status, 400);
    assert.equal((await req('GET', '/api/v1/billing/stats?tenant=x', t.token)).status, 400);
  });

  it('needs billing.reports.read (manager and billing yes, support and clients no); tenants see only their own', async () => {
    for (const role of ['manager', 'billing']) assert.equal((await req('GET', '/api/v1/billing/stats', (await createUser(server, t.token, [role], { tenant: t.tenant.slug })).token)).status, 200, role);
    assert.equal((await req('GET', '/api/v1/billing/stats', (await createUser(server, t.token, ['support'], { tenant: t.tenant.slug })).token)).status, 403);
    const other = await createTenantWithAdmin(server);
    const theirs = (await req('GET', '/api/v1/billing/stats', other.token)).body.data;
    assert.deepEqual([theirs.revenueThisMonth, theirs.mrr, theirs.unpaidInvoices, theirs.overdueInvoices, theirs.activeServices, theirs.byCurrency], [0, 0, 0, 0, 0, []]);
  });
});
