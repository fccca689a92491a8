import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { runBilling } from '../src/run/billing-run.ts';

describe('billing settings: effective values, one field at a time, sane bounds', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  before(async () => {
    ({ server, close } = await startBillingServer(['gateway-manual']));
    admin = await superAdminToken(server);
  });
  after(async () => { await close?.(); });
  const req = (method: string, path: string, body?: unknown) => server.request(method, path, { token: admin, ...(body === undefined ? {} : { body }) });
  const settings = async () => (await req('GET', '/api/v1/plugins/billing/settings')).body.data.values as Record<string, unknown>;

  it('GET answers the effective values, defaults included; saving one field changes no other', async () => {
    const before = await settings();
    assert.deepEqual([before.autoApplyCredit, before.lateFeeAfterDays, before.reminderDaysAfter, before.defaultCurrency], [true, 5, [1, 3, 7], 'USD']);
    const saved = await req('PUT', '/api/v1/plugins/billing/settings', { companyName: 'ACME Hosting' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const after = await settings();
    assert.deepEqual(after, { ...before, companyName: 'ACME Hosting' });
    // defaults are not frozen into the stored row: only what was set is kept
    const row = await server.knex('plugin_settings').where({ plugin_id: 'billing' }).first();
    assert.deepEqual(row.values, { companyName: 'ACME Hosting' });
    // a form sends back everything it was shown, with one field changed
    assert.equal((await req('PUT', '/api/v1/plugins/billing/settings', { ...after, invoiceLeadDays: 10 })).status, 200);
    assert.deepEqual(await settings(), { ...before, companyName: 'ACME Hosting', invoiceLeadDays: 10 });
    // a plugin's own settings too (gateway-manual): the defaults show, and one field leaves the other alone
    const manual = (await req('GET', '/api/v1/plugins/gateway-manual/settings')).body.data.values;
    assert.equal(manual.displayName, 'Bank transfer');
    await req('PUT', '/api/v1/plugins/gateway-manual/settings', { displayName: 'Wire' });
    const manualAfter = (await req('GET', '/api/v1/plugins/gateway-manual/settings')).body.data.values;
    assert.deepEqual(manualAfter, { ...manual, displayName: 'Wire' });
  });

  it('refuses absurd amounts, percentages and counts with a 400 naming the field', async () => {
    const refused = async (method: string, path: string, body: unknown, field: string) => {
      const res = await req(method, path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.body.error, 'Validation failed');
      assert.ok(Object.keys(res.body.details).some((k) => k.includes(field)), JSON.stringify(res.body.details));
    };
    const before = await settings();
    await refused('PUT', '/api/v1/plugins/billing/settings', { lateFeeValue: 1e300 }, 'lateFeeValue');
    await refused('PUT', '/api/v1/plugins/billing/settings', { lateFeeType: 'percent', lateFeeValue: 10_001 }, 'lateFeeValue');
    assert.equal((await req('PUT', '/api/v1/plugins/billing/settings', { lateFeeType: 'percent', lateFeeValue: 1000 })).status, 200, '10 % is fine');
    await refused('PUT', '/api/v1/plugins/billing/settings', { lateFeeType: 'fixed', lateFeeValue: 1000, invoiceLeadDays: 1e9 }, 'invoiceLeadDays');
    assert.deepEqual(await settings(), { ...before, lateFeeType: 'percent', lateFeeValue: 1000 }, 'a refused change stores nothing');

    await refused('POST', '/api/v1/products', { name: 'X', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 1e15 }] }, 'amount');
    await refused('POST', '/api/v1/products', { name: 'X', type: 'hosting', pricing: [{ currency: 'XYZ', cycle: 'monthly', amount: 100 }] }, 'currency');
    await refused('PUT', '/api/v1/plugins/billing/settings', { defaultCurrency: 'ABC' }, 'defaultCurrency');
    await refused('POST', '/api/v1/products', { name: 'X', type: 'hosting', stock: 1e300, pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 100 }] }, 'stock');
    await refused('POST', '/api/v1/coupons', { code: 'HUGE', type: 'fixed', value: 1e300, currency: 'EUR' }, 'value');
    await refused('POST', '/api/v1/coupons', { code: 'MANY', type: 'percent', value: 1000, maxUses: 1e300 }, 'maxUses');
    await refused('POST', '/api/v1/coupons', { code: 'OVER', type: 'percent', value: 10_001 }, 'value');
    const product = (await req('POST', '/api/v1/products', { name: 'VPS', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 2500 }] })).body.data;
    const c = (await req('POST', '/api/v1/clients', { email: 'bounds@client.test', firstName: 'B', lastName: 'C', country: 'NL', currency: 'EUR' })).body.data;
    const placed = (await req('POST', '/api/v1/orders', { clientId: c.id, items: [{ productId: product.id, cycle: 'monthly' }] })).body.data;
    await refused('POST', `/api/v1/invoices/${placed.invoice.id}/payments`, { amount: 1e300, gateway: 'bank', transactionId: 'T1' }, 'amount');
    await refused('POST', `/api/v1/gateway-manual/invoices/${placed.invoice.id}/confirm`, { amount: 1e300, reference: 'R1' }, 'amount');
    assert.equal((await req('GET', `/api/v1/invoices/${placed.invoice.id}`)).body.data.amountPaid, 0);
  });
});

describe('billing run: a tenant whose stored settings are already absurd', function () {
  this.timeout(120_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  for (const absurd of [{ lateFeeValue: 1e300 }, { lateFeeType: 'percent' as const, lateFeeValue: 1e9 }, { invoiceLeadDays: 1e300 }]) {
    it(`runs with ${JSON.stringify(absurd)} stored (that field at its default) and keeps running on later dates`, async () => {
      const t = await h.tenant({ lateFeeAfterDays: 1, suspendAfterDays: 0, terminateAfterDays: 0, ...absurd });
      const c = await client(h, t);
      const p = await product(h, t);
      const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }, '2026-01-31');
      await h.as(t, null, (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: placed.invoice.total, gateway: 'manual', transactionId: `first-${t}` }), '2026-01-31');
      assert.equal((await runBilling(h.plugin, t, '2026-02-20')).invoicesCreated, 0, 'Feb 28 is 8 days away: the default lead time is 7');
      assert.equal((await runBilling(h.plugin, t, '2026-02-21')).invoicesCreated, 1);
      assert.equal((await runBilling(h.plugin, t, '2026-03-05')).lateFees, 0, 'the default: no late fee');
      assert.equal((await h.knex('invoices').where('tenant_id', t).whereNotNull('late_fee_for_invoice_id')).length, 0);
      assert.equal((await runBilling(h.plugin, t, '2026-03-25')).invoicesCreated, 1, 'the next period is still invoiced');
    });
  }
});
