import assert from 'node:assert/strict';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { getInvoice, listInvoices } from '../src/services/invoices.ts';
import { creditBalance, getClient, listClients } from '../src/services/clients.ts';
import { refundInvoice } from '../src/services/refunds.ts';
import { createCoupon } from '../src/services/coupons.ts';
import { listServices } from '../src/services/services.ts';

describe('billing: orders, invoices and payments', function () {
  this.timeout(60_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  it('an order creates pending services and one numbered invoice; paying it activates them', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const p = await product(h, t);
    const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly', domain: 'example.com' }] }, '2026-01-31');
    assert.equal(placed.order.status, 'pending');
    assert.equal(placed.services.length, 1);
    assert.equal(placed.services[0]!.status, 'pending');
    assert.equal(placed.services[0]!.nextDueDate, '2026-02-28');
    assert.equal(placed.invoice.number, 'INV-2026-00001');
    assert.equal(placed.invoice.status, 'unpaid');
    assert.deepEqual(placed.invoice.items.map((i) => [i.kind, i.total]), [['order', 1000], ['setup', 500]]);
    assert.equal(placed.invoice.total, 1500);
    assert.equal(placed.invoice.amountDue, 1500);

    const paid = await h.as(t, h.staff(t), (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: 1500, gateway: 'manual', transactionId: 'BANK-1' }));
    assert.equal(paid.recorded, true);
    const inv = await h.as(t, h.staff(t), (b) => getInvoice(b, placed.invoice.id));
    assert.equal(inv.status, 'paid');
    assert.equal(inv.amountDue, 0);
    const services = await h.as(t, h.staff(t), (b) => listServices(b, { page: 1, perPage: 10 }, { clientId: c.id }));
    assert.equal(services.data[0]!.status, 'active');
    assert.equal((await h.knex('orders').where('id', placed.order.id).first()).status, 'accepted');
    assert.deepEqual(h.events('service.activated').map((e) => e.payload.serviceId), [placed.services[0]!.id]);
    assert.equal(h.events('invoice.paid').filter((e) => e.payload.invoiceId === inv.id).length, 1);
  });

  it('the same gateway + transaction id twice records one payment; an overpayment becomes credit that pays the next invoice', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const p = await product(h, t);
    const first = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    const pay = (txn: string, amount: number) => h.as(t, h.staff(t), (b) => recordPayment(b, { invoiceId: first.invoice.id, amount, gateway: 'manual', transactionId: txn }));
    assert.equal((await pay('T1', 1000)).recorded, true);
    assert.equal((await pay('T1', 1000)).recorded, false);
    assert.equal(await h.count('payments', { invoice_id: first.invoice.id }), 1);
    let inv = await h.as(t, h.staff(t), (b) => getInvoice(b, first.invoice.id));
    assert.deepEqual([inv.status, inv.amountPaid, inv.amountDue], ['unpaid', 1000, 500]);
    assert.equal((await pay('T2', 2000)).recorded, true); // 500 due, 1500 over
    inv = await h.as(t, h.staff(t), (b) => getInvoice(b, first.invoice.id));
    assert.equal(inv.status, 'paid');
    assert.equal(await h.as(t, h.staff(t), (b) => creditBalance(b, c.id)), 1500);

    const second = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    assert.equal(second.invoice.status, 'paid', 'credit (1500) covers the new invoice (1500)');
    assert.deepEqual(second.invoice.payments.map((x) => [x.gateway, x.amount]), [['credit', 1500]]);
    const balance = await h.as(t, h.staff(t), (b) => creditBalance(b, c.id));
    const ledger = await h.knex('credit_ledger').where('client_id', c.id).select('amount');
    assert.equal(balance, 0);
    assert.equal(balance, ledger.reduce((s, r) => s + Number(r.amount), 0));
    assert.equal(second.invoice.number, 'INV-' + new Date().getUTCFullYear() + '-00002', 'numbers continue without gaps');
  });

  it('refunds part, then the rest: the invoice ends refunded; a refund above what was paid is refused', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const p = await product(h, t);
    const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    await h.as(t, h.staff(t), (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: 1500, gateway: 'manual', transactionId: 'R1' }));
    await h.as(t, h.staff(t), (b) => refundInvoice(b, placed.invoice.id, { amount: 500, reason: 'goodwill' }));
    let inv = await h.as(t, h.staff(t), (b) => getInvoice(b, placed.invoice.id));
    assert.deepEqual([inv.status, inv.amountPaid, inv.refunds.length], ['paid', 1000, 1]);
    await assert.rejects(h.as(t, h.staff(t), (b) => refundInvoice(b, placed.invoice.id, { amount: 1001 })), (e: { status?: number }) => e.status === 400);
    await h.as(t, h.staff(t), (b) => refundInvoice(b, placed.invoice.id, { amount: 1000 }));
    inv = await h.as(t, h.staff(t), (b) => getInvoice(b, placed.invoice.id));
    assert.deepEqual([inv.status, inv.amountPaid], ['refunded', 0]);
    assert.equal(h.events('payment.refunded').filter((e) => e.payload.invoiceId === inv.id).length, 2);
  });

  it('a client user sees only its own account; another tenant sees nothing (RLS)', async () => {
    const t = await h.tenant();
    const a = await client(h, t);
    const b2 = await client(h, t);
    const p = await product(h, t);
    const orderB = await order(h, t, { clientId: b2.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    await order(h, t, { clientId: a.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    const asA = h.clientUser(t, a.id);
    await assert.rejects(h.as(t, asA, (b) => getInvoice(b, orderB.invoice.id)), (e: { status?: number }) => e.status === 404);
    await assert.rejects(h.as(t, asA, (b) => getClient(b, b2.id)), (e: { status?: number }) => e.status === 404);
    const mine = await h.as(t, asA, (b) => listInvoices(b, { page: 1, perPage: 50 }, {}));
    assert.equal(mine.total, 1);
    assert.ok(mine.data.every((i) => i.clientId === a.id));
    const clients = await h.as(t, asA, (b) => listClients(b, { page: 1, perPage: 50 }, {}));
    assert.deepEqual(clients.data.map((x) => x.id), [a.id]);
    // a client user cannot order for someone else
    await assert.rejects(h.as(t, asA, (b) => import('../src/services/orders.ts').then((m) => m.placeOrder(b, { clientId: b2.id, items: [{ productId: p.id, cycle: 'monthly' }] }))), (e: { status?: number }) => e.status === 404);

    const other = await h.tenant();
    await assert.rejects(h.as(other, h.staff(other), (b) => getInvoice(b, orderB.invoice.id)), (e: { status?: number }) => e.status === 404);
    // lock 2: even a raw query without a tenant filter sees no other tenant's rows
    const seen = await h.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [other]);
      const rows = (await trx('invoices').count({ n: '*' })) as Array<{ n: string | number }>;
      return Number(rows[0]!.n);
    });
    assert.equal(seen, 0);
    assert.ok((await h.count('invoices')) > 0, 'the rows exist for their own tenant');
  });

  it('coupons: percentage on the first payment, usage cap enforced', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const p = await product(h, t);
    await h.as(t, h.staff(t), (b) => createCoupon(b, { code: 'HALF', type: 'percent', value: 5000, maxUses: 1 }));
    const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }], couponCode: 'half' });
    assert.equal(placed.invoice.items[0]!.discount, 500);
    assert.equal(placed.invoice.total, 1000); // 500 hosting + 500 setup
    await assert.rejects(order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }], couponCode: 'HALF' }), (e: { status?: number }) => e.status === 400);
    assert.equal(await h.count('orders', { client_id: c.id }), 1, 'the rejected order changed nothing');
  });

  it('an order.beforeCreate hook can veto an order; nothing is written', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const p = await product(h, t, { stock: 1 });
    const { VetoError } = await import('@mpanel/sdk');
    h.hooks.set('order.beforeCreate', [(payload: unknown) => {
      if ((payload as { items: Array<{ domain?: string }> }).items.some((i) => i.domain === 'fraud.test')) throw new VetoError('Looks fraudulent');
    }]);
    try {
      await assert.rejects(order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly', domain: 'fraud.test' }] }), (e: { status?: number }) => e.status === 422);
      assert.equal(await h.count('orders', { client_id: c.id }), 0);
      await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] });
      await assert.rejects(order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }), (e: { status?: number }) => e.status === 409, 'out of stock');
    } finally {
      h.hooks.delete('order.beforeCreate');
    }
  });
});
